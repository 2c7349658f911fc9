package dev.slowpath.checks;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.SynchronizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Type;
import java.util.Optional;

/**
 * Whether a condition only reads state: fields, locals, operators, and no-argument accessors —
 * getters of {@code java.util.concurrent.atomic} types and of references, a method of this file
 * whose body returns what fields hold, or elsewhere a conventional {@code getX()}/{@code
 * isX()}/{@code hasX()}/{@code size()}. A call with arguments, an allocation, an assignment or an
 * increment acts; so does a getter-named method that throws a checked exception (it reads a
 * stream or a socket) or whose body in this file does more than return a field: the name is a
 * hint, the body is the proof.
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
      return isReferenceGet(method, state);
    }
    if (throwsCheckedException(method, state)) {
      return false;
    }
    Optional<BlockTree> body = bodyInThisFile(method, state);
    if (body.isPresent()) {
      return returnsOnlyFields(body.get(), state);
    }
    return name.equals("size")
        || isConventional(name, "get")
        || isConventional(name, "is")
        || isConventional(name, "has");
  }

  private static boolean isReferenceGet(Symbol method, VisitorState state) {
    Type reference = state.getTypeFromString("java.lang.ref.Reference");
    return reference != null && ASTHelpers.isSubtype(method.owner.type, reference, state);
  }

  private static boolean throwsCheckedException(Symbol method, VisitorState state) {
    if (!(method instanceof Symbol.MethodSymbol)) {
      return false;
    }
    for (Type thrown : ((Symbol.MethodSymbol) method).getThrownTypes()) {
      if (ASTHelpers.isCheckedExceptionType(thrown, state)) {
        return true;
      }
    }
    return false;
  }

  /** {@code getInFlight}, {@code isDone}, {@code hasNext}: a prefix, then a capital letter. */
  private static boolean isConventional(String name, String prefix) {
    return name.length() > prefix.length()
        && name.startsWith(prefix)
        && Character.isUpperCase(name.charAt(prefix.length()));
  }

  private static Optional<BlockTree> bodyInThisFile(Symbol method, VisitorState state) {
    return SymbolUses.declaration(state.getPath().getCompilationUnit(), method)
        .map(TreePath::getLeaf)
        .filter(MethodTree.class::isInstance)
        .map(declaration -> ((MethodTree) declaration).getBody());
  }

  /**
   * {@code return ready;}, {@code return state == DONE && !closed;}: one return of fields,
   * constants and operators (and the atomic or reference getters above), nothing that acts; also
   * inside a {@code synchronized} block that holds nothing else.
   */
  private static boolean returnsOnlyFields(BlockTree body, VisitorState state) {
    if (body.getStatements().size() == 1 && body.getStatements().get(0) instanceof SynchronizedTree) {
      body = ((SynchronizedTree) body.getStatements().get(0)).getBlock(); // a read under a lock is a read
    }
    if (body.getStatements().size() != 1 || !(body.getStatements().get(0) instanceof ReturnTree)) {
      return false;
    }
    ExpressionTree returned = ((ReturnTree) body.getStatements().get(0)).getExpression();
    return returned != null
        && !TreeSearch.anyMatch(
            returned,
            node -> node instanceof MethodInvocationTree
                ? !isJdkGetter((MethodInvocationTree) node, state)
                : node.getKind() == Tree.Kind.NEW_CLASS || node.getKind() == Tree.Kind.NEW_ARRAY || Writes.isWrite(node));
  }

  /**
   * A call inside such a body that reads too: an atomic's or a reference's getter, {@code
   * Thread.currentThread()}, {@code equals(x)}, or a conventional no-argument getter that throws no
   * checked exception (its body is not followed further).
   */
  private static boolean isJdkGetter(MethodInvocationTree call, VisitorState state) {
    Symbol method = ASTHelpers.getSymbol(call);
    if (method == null || throwsCheckedException(method, state)) {
      return false;
    }
    String name = method.getSimpleName().toString();
    if (call.getArguments().size() == 1) {
      return name.equals("equals");
    }
    if (!call.getArguments().isEmpty() || name.startsWith("getAnd")) {
      return false;
    }
    if (method.owner.getQualifiedName().toString().startsWith("java.util.concurrent.atomic.")) {
      return name.startsWith("get");
    }
    if (name.equals("get")) {
      return isReferenceGet(method, state);
    }
    return (name.equals("currentThread") && method.owner.getQualifiedName().contentEquals("java.lang.Thread"))
        || name.equals("size")
        || isConventional(name, "get")
        || isConventional(name, "is")
        || isConventional(name, "has");
  }
}
