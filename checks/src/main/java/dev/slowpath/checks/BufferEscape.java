package dev.slowpath.checks;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ArrayAccessTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.SynchronizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Type;
import java.util.List;
import java.util.Set;

/**
 * Whether a buffer outlives the pass or call that made it: returned, stored, captured by a lambda
 * or class, handed to a constructor or to a method whose name says it keeps its argument. A buffer
 * that escapes is somebody else's from then on, and making it per call is not this code's choice.
 * Calls that only read or fill the buffer ({@code in.read(b)}, {@code out.write(b, 0, n)}) are
 * not an escape here; the fix asks for more ({@link BufferReuse}).
 */
final class BufferEscape {
  private BufferEscape() {}

  /** Method names that keep what they are given: collections, queues, executors, wrappers, atomics. */
  private static final Set<String> KEEPS =
      Set.of(
          "add", "addAll", "addFirst", "addLast", "put", "putIfAbsent", "offer", "offerFirst", "offerLast", "push",
          "set", "setInput", "wrap", "submit", "execute", "register", "attach", "complete", "accept", "onNext",
          "release", "recycle", "returnBuffer", "enqueue", "compareAndSet", "weakCompareAndSet", "getAndSet",
          "lazySet", "setRelease", "setOpaque", "setPlain", "compareAndExchange");

  static boolean anyIn(List<TreePath> uses, TreePath scope, VisitorState state) {
    return uses.stream().anyMatch(use -> escapes(use, scope, 3, state));
  }

  private static boolean escapes(TreePath use, TreePath scope, int hops, VisitorState state) {
    if (isCaptured(use, scope)) {
      return true;
    }
    TreePath parentPath = use.getParentPath();
    while (parentPath.getLeaf() instanceof ParenthesizedTree || parentPath.getLeaf() instanceof TypeCastTree) {
      use = parentPath;
      parentPath = parentPath.getParentPath();
    }
    Tree parent = parentPath.getLeaf();
    Tree leaf = use.getLeaf();
    if (parent instanceof AssignmentTree) {
      return ((AssignmentTree) parent).getExpression() == leaf; // stored; a reassigned variable is fine
    }
    if (parent instanceof ArrayAccessTree
        || parent instanceof EnhancedForLoopTree
        || parent instanceof SynchronizedTree
        || parent instanceof ExpressionStatementTree) {
      return false;
    }
    if (parent instanceof NewClassTree) {
      Symbol created = ASTHelpers.getSymbol(((NewClassTree) parent).getIdentifier());
      return created == null || !created.getQualifiedName().contentEquals("java.lang.String"); // String copies
    }
    if (parent instanceof MethodInvocationTree) {
      MethodInvocationTree call = (MethodInvocationTree) parent;
      return call.getMethodSelect() == leaf || KEEPS.contains(MethodNames.simpleName(call.getMethodSelect()).toString());
    }
    if (parent instanceof MemberSelectTree) {
      if (!BufferReuse.isCallOn(use)) {
        return false; // buffer.length
      }
      TreePath callPath = parentPath.getParentPath();
      // buffer.flip(), buffer.slice(), buffer.array(): what comes back may be the buffer again.
      return hops > 0 && isAlias((ExpressionTree) callPath.getLeaf(), state) && escapes(callPath, scope, hops - 1, state);
    }
    return true; // a return, a variable initializer, a conditional, an array initializer, …
  }

  /** A call whose result shares the buffer's memory: a {@code Buffer} or an array. */
  private static boolean isAlias(ExpressionTree call, VisitorState state) {
    Type type = ASTHelpers.getType(call);
    return type == null
        || type.getKind() == javax.lang.model.type.TypeKind.ARRAY
        || Subtypes.ofAny(type, Set.of("java.nio.Buffer"), state);
  }

  /** Whether {@code use} lies in a lambda or class body written inside {@code scope}. */
  private static boolean isCaptured(TreePath use, TreePath scope) {
    for (TreePath p = use.getParentPath(); p != null && p.getLeaf() != scope.getLeaf(); p = p.getParentPath()) {
      if (EnclosingCode.isBoundary(p.getLeaf())) {
        return true;
      }
    }
    return false;
  }
}
