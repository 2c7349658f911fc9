package dev.slowpath.checks;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Type;
import java.util.Optional;

/**
 * Whether a condition only reads state: fields, locals, operators, and no-argument accessors —
 * getters of {@code java.util.concurrent.atomic} types and of references, conventional {@code
 * getX()}/{@code isX()}/{@code hasX()}/{@code size()}, or a method of this file that returns a
 * field. A call with arguments, an allocation, an assignment or an increment acts.
 */
final class StateReads {
  private StateReads() {}

  static boolean only(ExpressionTree condition, VisitorState state) {
    return !TreeSearch.anyMatch(condition, node -> acts(node, state));
  }

  private static boolean acts(Tree node, VisitorState state) {
    if (node instanceof MethodInvocationTree) {
      return !isAccessor((MethodInvocationTree) node, state);
    }
    return node.getKind() == Tree.Kind.NEW_CLASS || node.getKind() == Tree.Kind.NEW_ARRAY || Writes.isWrite(node);
  }

  private static boolean isAccessor(MethodInvocationTree call, VisitorState state) {
    Symbol method = ASTHelpers.getSymbol(call);
    if (!call.getArguments().isEmpty() || method == null) {
      return false;
    }
    String name = method.getSimpleName().toString();
    if (name.startsWith("getAnd")) {
      return false; // getAndIncrement(), getAndSet(): they write
    }
    String owner = method.owner.getQualifiedName().toString();
    if (owner.startsWith("java.util.concurrent.atomic.")) {
      return name.startsWith("get");
    }
    if (name.equals("get")) {
      Type reference = state.getTypeFromString("java.lang.ref.Reference");
      return reference != null && ASTHelpers.isSubtype(method.owner.type, reference, state);
    }
    return name.equals("size")
        || isConventional(name, "get")
        || isConventional(name, "is")
        || isConventional(name, "has")
        || returnsAField(method, state);
  }

  /** {@code getInFlight}, {@code isDone}, {@code hasNext}: a prefix, then a capital letter. */
  private static boolean isConventional(String name, String prefix) {
    return name.length() > prefix.length()
        && name.startsWith(prefix)
        && Character.isUpperCase(name.charAt(prefix.length()));
  }

  /** A method of this file whose body is {@code return field;}. */
  private static boolean returnsAField(Symbol method, VisitorState state) {
    Optional<TreePath> declaration = SymbolUses.declaration(state.getPath().getCompilationUnit(), method);
    if (declaration.isEmpty() || !(declaration.get().getLeaf() instanceof MethodTree)) {
      return false;
    }
    BlockTree body = ((MethodTree) declaration.get().getLeaf()).getBody();
    if (body == null || body.getStatements().size() != 1 || !(body.getStatements().get(0) instanceof ReturnTree)) {
      return false;
    }
    ExpressionTree returned = ((ReturnTree) body.getStatements().get(0)).getExpression();
    Symbol field = returned == null ? null : ASTHelpers.getSymbol(ASTHelpers.stripParentheses(returned));
    return field != null && field.getKind() == javax.lang.model.element.ElementKind.FIELD;
  }
}
