package dev.slowpath.checks;

import com.google.errorprone.VisitorState;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ArrayAccessTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.Tree;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Type;
import com.sun.tools.javac.code.TypeTag;
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
 * @param hexByte for {@code %02x} and {@code %02X} of a {@code byte} or of {@code x & 0xff}: the
 *     expression whose low eight bits are printed; null for every other format
 */
record NumberFormatCall(String format, ExpressionTree value, ExpressionTree hexByte) {

  private static final Pattern CONVERSION = Pattern.compile("%(\\d+\\$)?[-#+ 0,(<]*\\d*(\\.\\d+)?[tT]?[a-zA-Z%]");

  /**
   * What may surround the number: punctuation, spaces, and a {@code 0x}, {@code \\u}, {@code #} or
   * {@code U+} prefix. Words make it a message ("integer overflow: %d"), printed once, not per element.
   */
  private static final Pattern NUMBER_ONLY = Pattern.compile("(0x|\\\\u|#|U\\+)?[^\\p{L}]*");

  private static final Pattern TWO_HEX_DIGITS = Pattern.compile("%02[xX]");

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
    ExpressionTree hexByte = TWO_HEX_DIGITS.matcher((String) text).matches() ? lowByte(value) : null;
    return Optional.of(new NumberFormatCall((String) text, value, hexByte));
  }

  /**
   * {@code %02x}/{@code %02X} of a byte rewritten: with {@code --release} 17 or later {@code
   * HexFormat.of().toHexDigits(b)} (same two digits, no Formatter); below it two {@code
   * Character.forDigit} nibbles, which read the byte twice, so only for a byte read alike twice.
   */
  Optional<SuggestedFix> hexFix(MethodInvocationTree call, VisitorState state) {
    Type type = hexByte == null ? null : ASTHelpers.getType(hexByte);
    if (type == null) {
      return Optional.empty();
    }
    boolean upper = format.endsWith("X");
    boolean isByte = type.getTag() == TypeTag.BYTE;
    String source = state.getSourceForNode(hexByte);
    SuggestedFix.Builder fix = SuggestedFix.builder();
    if (JavaTarget.atLeast(state, 17)) {
      String hexFormat = Imports.use("java.util.HexFormat", fix, state);
      String digits = isByte ? source : "(byte) " + operand(hexByte, source);
      fix.replace(call, hexFormat + ".of()" + (upper ? ".withUpperCase()" : "") + ".toHexDigits(" + digits + ")");
      return Optional.of(fix.build());
    }
    if (!readsTwiceAlike(hexByte)) {
      return Optional.empty();
    }
    String b = operand(hexByte, source);
    String high = "Character.forDigit((" + b + " >> 4) & 0xf, 16)";
    String low = "Character.forDigit(" + b + " & 0xf, 16)";
    if (upper) {
      high = "Character.toUpperCase(" + high + ")";
      low = "Character.toUpperCase(" + low + ")";
    }
    fix.replace(call, "new String(new char[] {" + high + ", " + low + "})");
    return Optional.of(fix.build());
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
    ExpressionTree v = unparenthesized(value);
    if (ASTHelpers.getType(v) != null && ASTHelpers.getType(v).getTag() == TypeTag.BYTE) {
      return v;
    }
    if (v instanceof BinaryTree && v.getKind() == Tree.Kind.AND) {
      BinaryTree and = (BinaryTree) v;
      if (isByteMask(and.getRightOperand())) {
        return unparenthesized(and.getLeftOperand());
      }
      if (isByteMask(and.getLeftOperand())) {
        return unparenthesized(and.getRightOperand());
      }
    }
    return null;
  }

  private static boolean isByteMask(ExpressionTree tree) {
    Object mask = ASTHelpers.constValue(tree);
    return (mask instanceof Integer && (Integer) mask == 0xff) || (mask instanceof Long && (Long) mask == 0xffL);
  }

  static ExpressionTree unparenthesized(ExpressionTree tree) {
    ExpressionTree t = tree;
    while (t instanceof ParenthesizedTree) {
      t = ((ParenthesizedTree) t).getExpression();
    }
    return t;
  }

  /** A variable, a field, or an array element at a variable or literal index: safe to read twice. */
  static boolean readsTwiceAlike(ExpressionTree tree) {
    ExpressionTree t = unparenthesized(tree);
    if (t instanceof ArrayAccessTree) {
      ExpressionTree index = unparenthesized(((ArrayAccessTree) t).getIndex());
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
