package dev.slowpath.checks;

import com.google.errorprone.VisitorState;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * FinalizerAsClose's rewrite: {@code finalize()} goes; the class gets a {@code close()} (unless it
 * had one that the finalizer called), and a {@code java.lang.ref.Cleaner} registration whose action
 * closes the resources themselves — it is built by a static method, so it cannot capture {@code
 * this}, which would keep the object reachable and the action would never run.
 */
final class CleanerFix {
  static final String CLEANER = "CLEANER";
  static final String ACTION = "closeOnCleanup";

  private final MethodTree finalizer;
  private final ClassTree type;
  private final VisitorState state;
  private final SuggestedFix.Builder fix = SuggestedFix.builder();
  /** Text to insert after the last resource field's declaration: the Cleaner, and perhaps its registration. */
  private final StringBuilder afterFields = new StringBuilder();
  private VariableTree lastResourceField;

  private CleanerFix(MethodTree finalizer, ClassTree type, VisitorState state) {
    this.finalizer = finalizer;
    this.type = type;
    this.state = state;
  }

  /** The rewrite of {@code finalizer}, whose own statements are {@code work}; or empty, the reason in {@code why}. */
  static Optional<SuggestedFix> of(MethodTree finalizer, List<StatementTree> work, VisitorState state, StringBuilder why) {
    Tree parent = state.getPath().getParentPath().getLeaf();
    if (!JavaTarget.atLeast(state, 9)) {
      why.append("java.lang.ref.Cleaner needs --release 9 or later");
      return Optional.empty();
    }
    if (!(parent instanceof ClassTree)
        || parent.getKind() != Tree.Kind.CLASS
        || ((ClassTree) parent).getSimpleName().length() == 0) {
      why.append("an anonymous class, an enum or a record cannot take the close() and fields the rewrite adds; make it a named class");
      return Optional.empty();
    }
    ClassTree type = (ClassTree) parent;
    if (declares(type, CLEANER) || declares(type, ACTION)) {
      why.append("the class already declares " + CLEANER + " or " + ACTION);
      return Optional.empty();
    }
    return new CleanerFix(finalizer, type, state).build(work, why);
  }

  private Optional<SuggestedFix> build(List<StatementTree> work, StringBuilder why) {
    MethodTree close = closeMethod();
    boolean delegates = work.size() == 1 && isCloseCall(work.get(0));
    Optional<List<Symbol.VarSymbol>> fields;
    if (delegates) {
      if (close == null || close.getBody() == null) {
        why.append("close() is inherited, so what it releases is not known here");
        return Optional.empty();
      }
      fields = ReleasedResources.closedBy(close.getBody().getStatements(), state);
      if (fields.isEmpty()) {
        why.append(
            "close() does more than close private final Closeable fields, so a Cleaner cannot run it"
                + " without the object; delete finalize() once every caller closes the object");
        return Optional.empty();
      }
    } else {
      if (close != null || isAutoCloseable()) {
        why.append("the class has a close() already, and finalize() does more than call it");
        return Optional.empty();
      }
      fields = ReleasedResources.closedBy(work, state);
      if (fields.isEmpty()) {
        why.append(
            "finalize() does more than close private final Closeable fields, so the release cannot"
                + " run without the object; move it into close() by hand");
        return Optional.empty();
      }
    }
    String cleaner = Imports.use("java.lang.ref.Cleaner", fix, state);
    String closeable = Imports.use("java.io.Closeable", fix, state);
    String ioException = Imports.use("java.io.IOException", fix, state);
    String registration =
        CLEANER + ".register(this, " + ACTION + "("
            + fields.get().stream().map(f -> f.getSimpleName().toString()).collect(Collectors.joining(", ")) + "));";
    if (!register(fields.get(), registration, why)) {
      return Optional.empty();
    }
    String indent = memberIndent();
    String unit = indentUnit(indent);
    declareCleaner(cleaner, indent);
    StringBuilder replacement = new StringBuilder();
    if (!delegates) {
      implementAutoCloseable();
      replacement.append(closeMethod(work, indent, unit, ioException)).append('\n');
    }
    replacement.append(actionMethod(indent, unit, closeable, ioException));
    int[] span = memberSpan(finalizer);
    fix.replace(span[0], span[1], replacement.toString());
    return Optional.of(fix.build());
  }

  /** Registers the action once per object: in an initializer after the fields, or at the end of each constructor. */
  private boolean register(List<Symbol.VarSymbol> fields, String registration, StringBuilder why) {
    List<VariableTree> declarations = new ArrayList<>();
    for (Tree member : type.getMembers()) {
      if (member instanceof VariableTree && fields.contains(ASTHelpers.getSymbol(member))) {
        declarations.add((VariableTree) member);
      }
    }
    if (declarations.size() != fields.size()) {
      why.append("a resource field is declared in another class");
      return false;
    }
    lastResourceField = declarations.get(declarations.size() - 1);
    if (declarations.stream().allMatch(d -> d.getInitializer() != null)) {
      String indent = nonNull(Indentation.before(state.getSourceCode(), ASTHelpers.getStartPosition(lastResourceField)));
      afterFields.append("\n\n").append(indent).append("{\n").append(indent).append(indentUnit(indent)).append(registration)
          .append("\n").append(indent).append("}");
      return true;
    }
    List<MethodTree> constructors = new ArrayList<>();
    for (Tree member : type.getMembers()) {
      if (member instanceof MethodTree && ASTHelpers.getSymbol((MethodTree) member) != null
          && ASTHelpers.getSymbol((MethodTree) member).isConstructor()
          && !ASTHelpers.isGeneratedConstructor((MethodTree) member)) {
        constructors.add((MethodTree) member);
      }
    }
    for (MethodTree constructor : constructors) {
      BlockTree body = constructor.getBody();
      if (body == null || body.getStatements().isEmpty()) {
        why.append("a constructor has no statements to register the Cleaner after");
        return false;
      }
      if (callsThis(body)) {
        continue; // the constructor it delegates to registers
      }
      if (TreeSearch.anyMatch(body, node -> node instanceof ReturnTree)) {
        why.append("a constructor returns early; register the Cleaner by hand");
        return false;
      }
      StatementTree last = body.getStatements().get(body.getStatements().size() - 1);
      String indent = Indentation.before(state.getSourceCode(), ASTHelpers.getStartPosition(last));
      fix.postfixWith(last, "\n" + nonNull(indent) + registration);
    }
    if (constructors.isEmpty()) {
      why.append("the fields are assigned outside any constructor");
      return false;
    }
    return true;
  }

  /** After the last resource field, with the registration when it is an initializer. */
  private void declareCleaner(String cleaner, String indent) {
    String field = "private static final " + cleaner + " " + CLEANER + " = " + cleaner + ".create();";
    fix.postfixWith(lastResourceField, "\n" + indent + field + afterFields);
  }

  private void implementAutoCloseable() {
    List<? extends Tree> implemented = type.getImplementsClause();
    if (!implemented.isEmpty()) {
      fix.postfixWith(implemented.get(implemented.size() - 1), ", AutoCloseable");
      return;
    }
    CharSequence source = state.getSourceCode();
    int from = type.getExtendsClause() != null ? state.getEndPosition(type.getExtendsClause()) : ASTHelpers.getStartPosition(type);
    if (type.getExtendsClause() == null) {
      from = indexOf(source, "class " + type.getSimpleName(), from);
    }
    int brace = indexOf(source, "{", from);
    fix.replace(brace, brace, "implements AutoCloseable ");
  }

  private String closeMethod(List<StatementTree> work, String indent, String unit, String ioException) {
    CharSequence source = state.getSourceCode();
    int start = lineStart(source, ASTHelpers.getStartPosition(work.get(0)));
    int end = state.getEndPosition(work.get(work.size() - 1));
    String statements = source.subSequence(start, end).toString();
    if (Finalizers.isWrapped(finalizer.getBody())) {
      statements = statements.lines().map(line -> line.startsWith(indent + unit + unit) ? line.substring(unit.length()) : line)
          .collect(Collectors.joining("\n"));
    }
    return indent + "@Override\n"
        + indent + "public void close() throws " + ioException + " {\n"
        + statements + "\n"
        + indent + "}\n";
  }

  private String actionMethod(String indent, String unit, String closeable, String ioException) {
    String i1 = indent + unit;
    String i2 = i1 + unit;
    String i3 = i2 + unit;
    String i4 = i3 + unit;
    return indent + "/** What a Cleaner runs if the object is never closed: it holds the resources, not the object. */\n"
        + indent + "private static Runnable " + ACTION + "(" + closeable + "... resources) {\n"
        + i1 + "return () -> {\n"
        + i2 + "for (" + closeable + " resource : resources) {\n"
        + i3 + "try {\n"
        + i4 + "if (resource != null) {\n"
        + i4 + unit + "resource.close();\n"
        + i4 + "}\n"
        + i3 + "} catch (" + ioException + " e) {\n"
        + i4 + "// as in a finalizer, a failed release has no caller to report to\n"
        + i3 + "}\n"
        + i2 + "}\n"
        + i1 + "};\n"
        + indent + "}\n";
  }

  /** The finalizer's lines with its leading comment, from the start of its first line to the end of its last. */
  private int[] memberSpan(MethodTree member) {
    CharSequence source = state.getSourceCode();
    int start = lineStart(source, ASTHelpers.getStartPosition(member));
    while (start > 0) {
      int previous = lineStart(source, start - 1);
      String line = source.subSequence(previous, start).toString().trim();
      if (!(line.startsWith("*") || line.startsWith("/*") || line.startsWith("//") || line.endsWith("*/"))) {
        break;
      }
      start = previous;
    }
    int end = state.getEndPosition(member);
    while (end < source.length() && source.charAt(end) != '\n') {
      end++;
    }
    return new int[] {start, Math.min(end + 1, source.length())};
  }

  private String memberIndent() {
    return nonNull(Indentation.before(state.getSourceCode(), ASTHelpers.getStartPosition(finalizer)));
  }

  /** One level of the file's indentation: the finalizer's first statement's, less the method's. */
  private String indentUnit(String indent) {
    List<? extends StatementTree> statements = finalizer.getBody().getStatements();
    String inner =
        statements.isEmpty() ? null : Indentation.before(state.getSourceCode(), ASTHelpers.getStartPosition(statements.get(0)));
    String methodIndent = memberIndent();
    if (inner != null && inner.startsWith(methodIndent) && inner.length() > methodIndent.length()) {
      return inner.substring(methodIndent.length());
    }
    return "  ";
  }

  private MethodTree closeMethod() {
    for (Tree member : type.getMembers()) {
      if (member instanceof MethodTree
          && ((MethodTree) member).getName().contentEquals("close")
          && ((MethodTree) member).getParameters().isEmpty()) {
        return (MethodTree) member;
      }
    }
    return null;
  }

  private boolean isAutoCloseable() {
    Type autoCloseable = state.getTypeFromString("java.lang.AutoCloseable");
    Symbol.ClassSymbol symbol = ASTHelpers.getSymbol(type);
    return symbol != null && autoCloseable != null && ASTHelpers.isSubtype(symbol.type, autoCloseable, state);
  }

  private static boolean isCloseCall(StatementTree statement) {
    if (!(statement instanceof ExpressionStatementTree)
        || !(((ExpressionStatementTree) statement).getExpression() instanceof MethodInvocationTree)) {
      return false;
    }
    MethodInvocationTree call = (MethodInvocationTree) ((ExpressionStatementTree) statement).getExpression();
    if (!MethodNames.isNoArgCallNamed(call, "close")) {
      return false;
    }
    return call.getMethodSelect() instanceof IdentifierTree
        || call.getMethodSelect() instanceof MemberSelectTree
            && ((MemberSelectTree) call.getMethodSelect()).getExpression() instanceof IdentifierTree
            && ((IdentifierTree) ((MemberSelectTree) call.getMethodSelect()).getExpression()).getName().contentEquals("this");
  }

  private static boolean callsThis(BlockTree body) {
    StatementTree first = body.getStatements().get(0);
    return first instanceof ExpressionStatementTree
        && ((ExpressionStatementTree) first).getExpression() instanceof MethodInvocationTree
        && "this".contentEquals(MethodNames.simpleName(((MethodInvocationTree) ((ExpressionStatementTree) first).getExpression()).getMethodSelect()));
  }

  private static boolean declares(ClassTree type, String name) {
    return type.getMembers().stream()
        .anyMatch(m -> m instanceof VariableTree && ((VariableTree) m).getName().contentEquals(name)
            || m instanceof MethodTree && ((MethodTree) m).getName().contentEquals(name));
  }

  private static int lineStart(CharSequence source, int position) {
    int start = position;
    while (start > 0 && source.charAt(start - 1) != '\n') {
      start--;
    }
    return start;
  }

  private static int indexOf(CharSequence source, String text, int from) {
    return source.toString().indexOf(text, Math.max(from, 0));
  }

  private static String nonNull(String indent) {
    return indent == null ? "  " : indent;
  }
}
