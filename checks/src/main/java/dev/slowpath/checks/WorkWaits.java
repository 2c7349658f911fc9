package dev.slowpath.checks;

import static com.google.errorprone.matchers.Matchers.anyOf;
import static com.google.errorprone.matchers.Matchers.instanceMethod;

import com.google.errorprone.VisitorState;
import com.google.errorprone.matchers.Matcher;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MemberReferenceTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.Tree;
import java.util.Set;

/**
 * Whether code waits for work it handed to other threads: a join, a latch or barrier, a future's
 * result, an executor's termination. A platform thread keeps the JVM alive until it ends, a
 * virtual thread never does ({@code java.lang.VirtualThread} is always a daemon): replacing one by
 * the other keeps behaviour only where the code waits for the work anyway.
 */
final class WorkWaits {
  private WorkWaits() {}

  private static final Set<String> NAMES =
      Set.of("join", "await", "get", "arriveAndAwaitAdvance", "awaitAdvance", "awaitAdvanceInterruptibly",
          "awaitTermination", "invokeAll", "invokeAny", "close");

  private static final Matcher<ExpressionTree> WAITS =
      anyOf(
          instanceMethod().onDescendantOf("java.lang.Thread").named("join"),
          instanceMethod().onDescendantOf("java.util.concurrent.CountDownLatch").named("await"),
          instanceMethod().onDescendantOf("java.util.concurrent.CyclicBarrier").named("await"),
          instanceMethod().onDescendantOf("java.util.concurrent.Phaser")
              .namedAnyOf("arriveAndAwaitAdvance", "awaitAdvance", "awaitAdvanceInterruptibly"),
          instanceMethod().onDescendantOf("java.util.concurrent.Future").named("get"),
          instanceMethod().onDescendantOf("java.util.concurrent.CompletableFuture").named("join"),
          instanceMethod().onDescendantOf("java.util.concurrent.ExecutorService")
              .namedAnyOf("awaitTermination", "invokeAll", "invokeAny", "close"));

  /** Whether {@code scope} (a method or lambda body) waits for other threads' work at or after {@code from}. */
  static boolean after(Tree scope, int from, VisitorState state) {
    return TreeSearch.anyMatch(
        scope,
        node -> ASTHelpers.getStartPosition(node) >= from && waits(node, state));
  }

  private static boolean waits(Tree node, VisitorState state) {
    if (node instanceof MethodInvocationTree) {
      MethodInvocationTree call = (MethodInvocationTree) node;
      return NAMES.contains(MethodNames.simpleName(call.getMethodSelect()).toString()) && WAITS.matches(call, state);
    }
    if (node instanceof MemberReferenceTree) { // futures.forEach(CompletableFuture::join)
      MemberReferenceTree reference = (MemberReferenceTree) node;
      return NAMES.contains(reference.getName().toString()) && WAITS.matches(reference, state);
    }
    return false;
  }
}
