package dev.slowpath.checks;

import com.google.errorprone.VisitorState;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ArrayAccessTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.VariableTree;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Type;
import com.sun.tools.javac.code.TypeTag;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code String.format} (or {@code "…".formatted}) that renders one primitive: its format is a
 * constant with a single conversion, applied to a primitive that is not a constant. Each call
 * builds a {@code java.util.Formatter} and its {@code StringBuilder}, parses the format ({@code
 * Formatter.parse}), allocates the varargs array and boxes the value — to print one number.
 *
 * @param format the format string's value
 * @param value the one argument
 * @param hexOf for {@code %02x}/{@code %02X} of a {@code byte} or of {@code x & 0xff}, and {@code
 *     %04x}/{@code %04X} of a {@code char} (or {@code (int) c}), with no other {@code %} around
 *     them: the expression whose hex digits are printed; null for every other format
 * @param digits how many hex digits: 2 or 4
 */
record NumberFormatCall(String format, ExpressionTree value, ExpressionTree hexOf, int digits) {

  private static final Pattern CONVERSION = Pattern.compile("%(\\d+\\$)?[-#+ 0,(<]*\\d*(\\.\\d+)?[tT]?[a-zA-Z%]");

  /**
   * What may surround the number: punctuation, spaces, and a {@code 0x}, {@code \\u}, {@code #} or
   * {@code U+} prefix. Words make it a message ("integer overflow: %d"), printed once, not per element.
   */
  private static final Pattern NUMBER_ONLY = Pattern.compile("(0x|\\\\u|#|U\\+)?[^\\p{L}]*");

  private static final Pattern HEX_DIGITS = Pattern.compile("%0([24])[xX]");

  /** {@code named} says the call is named {@code format}; else it is named {@code formatted}. */
  static Optional<NumberFormatCall> of(MethodInvocationTree call, boolean named, VisitorState state) {
    Symbol.MethodSymbol method = ASTHelpers.getSymbol(call);
    if (method == null || !method.owner.getQualifiedName().contentEquals("java.lang.String")) {
      return Optional.empty();
    }
    List<? extends ExpressionTree> args = call.getArguments();
    ExpressionTree format;
    int first;
    if (named) {
      if (!method.isStatic() || args.isEmpty()) {
        return Optional.empty();
      }
      first = args.size() > 1 && isLocale(args.get(0)) ? 1 : 0;
      format = args.get(first);
      first++;
    } else {
      format = ASTHelpers.getReceiver(call);
      first = 0;
    }
    Object text = format == null ? null : ASTHelpers.constValue(format);
    if (!(text instanceof String) || args.size() - first != 1) {
      return Optional.empty();
    }
    ExpressionTree value = args.get(first);
    Type type = ASTHelpers.getType(value);
    if (type == null
        || !type.isPrimitive()
        || ASTHelpers.constValue(value) != null
        || conversions((String) text) != 1
        || !NUMBER_ONLY.matcher(CONVERSION.matcher((String) text).replaceAll("")).matches()) {
      return Optional.empty();
    }
    Matcher hex = HEX_DIGITS.matcher((String) text);
    if (!hex.find() || affix((String) text, hex).contains("%")) {
      return Optional.of(new NumberFormatCall((String) text, value, null, 0));
    }
    int digits = Integer.parseInt(hex.group(1));
    return Optional.of(new NumberFormatCall((String) text, value, digits == 2 ? lowByte(value) : charValue(value), digits));
  }

  /**
   * {@code %02x}/{@code %02X} of a byte rewritten: with {@code --release} 17 or later {@code
   * HexFormat.of().toHexDigits(b)} (same two digits, no Formatter); below it two {@code
   * Character.forDigit} nibbles, which read the byte twice, so only for a byte read alike twice.
   */
  Optional<SuggestedFix> hexFix(MethodInvocationTree call, VisitorState state) {
    Type type = hexOf == null ? null : ASTHelpers.getType(hexOf);
    if (type == null) {
      return Optional.empty();
    }
    Matcher hex = HEX_DIGITS.matcher(format);
    if (!hex.find()) {
      return Optional.empty();
    }
    boolean upper = format.charAt(hex.end() - 1) == 'X';
    String prefix = format.substring(0, hex.start());
    String suffix = format.substring(hex.end());
    String source = state.getSourceForNode(hexOf);
    SuggestedFix.Builder fix = SuggestedFix.builder();
    if (JavaTarget.atLeast(state, 17)) {
      String hexFormat = Imports.use("java.util.HexFormat", fix, state);
      String arg = digits == 4 || type.getTag() == TypeTag.BYTE ? source : "(byte) " + operand(hexOf, source);
      String text = hexFormat + ".of()" + (upper ? ".withUpperCase()" : "") + ".toHexDigits(" + arg + ")";
      if (!prefix.isEmpty() || !suffix.isEmpty()) {
        text = (prefix.isEmpty() ? "" : literal(prefix) + " + ") + text + (suffix.isEmpty() ? "" : " + " + literal(suffix));
        text = standsAlone(state) ? text : "(" + text + ")";
      }
      fix.replace(call, text);
      return Optional.of(fix.build());
    }
    if (digits != 2 || !prefix.isEmpty() || !suffix.isEmpty() || !readsTwiceAlike(hexOf)) {
      return Optional.empty();
    }
    String b = operand(hexOf, source);
    String high = "Character.forDigit((" + b + " >> 4) & 0xf, 16)";
    String low = "Character.forDigit(" + b + " & 0xf, 16)";
    if (upper) {
      high = "Character.toUpperCase(" + high + ")";
      low = "Character.toUpperCase(" + low + ")";
    }
    fix.replace(call, "new String(new char[] {" + high + ", " + low + "})");
    return Optional.of(fix.build());
  }

  /** The format's text around the hex conversion. */
  private static String affix(String format, Matcher hex) {
    return format.substring(0, hex.start()) + format.substring(hex.end());
  }

  /**
   * What {@code %04x} prints four digits of: a {@code char}, or {@code c} in {@code (int) c}; any
   * other value may need more digits.
   */
  private static ExpressionTree charValue(ExpressionTree value) {
    ExpressionTree v = ASTHelpers.stripParentheses(value);
    if (v instanceof TypeCastTree) {
      v = ASTHelpers.stripParentheses(((TypeCastTree) v).getExpression());
    }
    Type type = ASTHelpers.getType(v);
    return type != null && type.getTag() == TypeTag.CHAR ? v : null;
  }

  /**
   * Whether a concatenation can replace the call without parentheses: it is an argument, an
   * initializer, an assigned value or a returned one.
   */
  private static boolean standsAlone(VisitorState state) {
    Tree parent = state.getPath().getParentPath().getLeaf();
    return parent instanceof MethodInvocationTree
        || parent instanceof VariableTree
        || parent instanceof AssignmentTree
        || parent instanceof ReturnTree;
  }

  /** {@code text} as a Java string literal. */
  private static String literal(String text) {
    StringBuilder literal = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> literal.append("\\\"");
        case '\\' -> literal.append("\\\\");
        case '\n' -> literal.append("\\n");
        case '\t' -> literal.append("\\t");
        case '\r' -> literal.append("\\r");
        default -> {
          if (c < 0x20 || c > 0x7e) {
            literal.append("\\u").append(HexFormat.of().toHexDigits(c));
          } else {
            literal.append(c);
          }
        }
      }
    }
    return literal.append('"').toString();
  }

  /** {@code source} ready to be an operand of a cast or a shift. */
  private static String operand(ExpressionTree tree, String source) {
    return readsTwiceAlike(tree) || tree instanceof MethodInvocationTree ? source : "(" + source + ")";
  }

  /** The conversions in {@code format} that take an argument ({@code %%} and {@code %n} do not). */
  private static int conversions(String format) {
    Matcher m = CONVERSION.matcher(format);
    int count = 0;
    while (m.find()) {
      char conversion = format.charAt(m.end() - 1);
      if (conversion != '%' && conversion != 'n') {
        count++;
      }
    }
    return count;
  }

  /**
   * What {@code %02x} prints two digits of: a byte (Formatter prints a negative byte as its
   * unsigned value), or {@code x} in {@code x & 0xff}. Any other int may need more digits.
   */
  private static ExpressionTree lowByte(ExpressionTree value) {
    ExpressionTree v = ASTHelpers.stripParentheses(value);
    if (ASTHelpers.getType(v) != null && ASTHelpers.getType(v).getTag() == TypeTag.BYTE) {
      return v;
    }
    if (v instanceof BinaryTree && v.getKind() == Tree.Kind.AND) {
      BinaryTree and = (BinaryTree) v;
      if (isByteMask(and.getRightOperand())) {
        return ASTHelpers.stripParentheses(and.getLeftOperand());
      }
      if (isByteMask(and.getLeftOperand())) {
        return ASTHelpers.stripParentheses(and.getRightOperand());
      }
    }
    return null;
  }

  private static boolean isByteMask(ExpressionTree tree) {
    Object mask = ASTHelpers.constValue(tree);
    return (mask instanceof Integer && (Integer) mask == 0xff) || (mask instanceof Long && (Long) mask == 0xffL);
  }

  /** A variable, a field, or an array element at a variable or literal index: safe to read twice. */
  static boolean readsTwiceAlike(ExpressionTree tree) {
    ExpressionTree t = ASTHelpers.stripParentheses(tree);
    if (t instanceof ArrayAccessTree) {
      ExpressionTree index = ASTHelpers.stripParentheses(((ArrayAccessTree) t).getIndex());
      return readsTwiceAlike(((ArrayAccessTree) t).getExpression())
          && (index instanceof LiteralTree || readsTwiceAlike(index));
    }
    while (t instanceof MemberSelectTree) {
      t = ((MemberSelectTree) t).getExpression();
    }
    return t instanceof IdentifierTree;
  }

  private static boolean isLocale(ExpressionTree arg) {
    Type type = ASTHelpers.getType(arg);
    return type != null && type.tsym != null && type.tsym.getQualifiedName().contentEquals("java.util.Locale");
  }
}
