package dev.slowpath.checks;

import static com.google.errorprone.matchers.Matchers.instanceMethod;
import static com.google.errorprone.matchers.Matchers.staticMethod;

import com.google.errorprone.VisitorState;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.matchers.Matcher;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.CatchTree;
import com.sun.source.tree.EmptyStatementTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.TryTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Type;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A statement that passes time without waiting for anything: what a polling loop does between two
 * polls. A sleep ({@code Thread.sleep(ms)}, {@code TimeUnit.X.sleep(n)}), perhaps in a {@code
 * try} that catches its {@code InterruptedException}; a {@code LockSupport.parkNanos(n)}, which
 * returns early on an interrupt and never throws; or a spin — {@code Thread.yield()}, {@code
 * Thread.onSpinWait()}, an empty statement — which neither waits nor looks at interrupts.
 */
record Nap(
    TreePath statement, Kind kind, ExpressionTree duration, ExpressionTree writtenUnit, CatchTree interruptHandler) {
  enum Kind {
    SLEEP,
    PARK,
    SPIN
  }

  private static final Set<String> NAMES = Set.of("sleep", "yield", "onSpinWait", "parkNanos");

  private static final Matcher<ExpressionTree> THREAD_SPIN =
      staticMethod().onClass("java.lang.Thread").namedAnyOf("yield", "onSpinWait");

  private static final Matcher<ExpressionTree> THREAD_SLEEP_MILLIS =
      staticMethod().onClass("java.lang.Thread").named("sleep").withParameters("long");

  private static final Matcher<ExpressionTree> UNIT_SLEEP =
      instanceMethod().onExactClass("java.util.concurrent.TimeUnit").named("sleep");

  private static final Matcher<ExpressionTree> PARK_NANOS =
      staticMethod().onClass("java.util.concurrent.locks.LockSupport").named("parkNanos");

  static Optional<Nap> of(TreePath statement, VisitorState state) {
    Tree leaf = statement.getLeaf();
    if (leaf instanceof EmptyStatementTree || (leaf instanceof BlockTree && ((BlockTree) leaf).getStatements().isEmpty())) {
      return Optional.of(new Nap(statement, Kind.SPIN, null, null, null));
    }
    if (leaf instanceof BlockTree && ((BlockTree) leaf).getStatements().size() == 1) {
      return of(new TreePath(statement, ((BlockTree) leaf).getStatements().get(0)), state);
    }
    if (leaf instanceof TryTree) {
      return caughtSleep(statement, (TryTree) leaf, state);
    }
    MethodInvocationTree call = call(leaf);
    if (call == null || !NAMES.contains(MethodNames.simpleName(call.getMethodSelect()).toString())) {
      return Optional.empty();
    }
    if (THREAD_SPIN.matches(call, state) && call.getArguments().isEmpty()) {
      return Optional.of(new Nap(statement, Kind.SPIN, null, null, null));
    }
    if (THREAD_SLEEP_MILLIS.matches(call, state)) {
      return Optional.of(new Nap(statement, Kind.SLEEP, call.getArguments().get(0), null, null));
    }
    if (UNIT_SLEEP.matches(call, state) && call.getMethodSelect() instanceof MemberSelectTree) {
      ExpressionTree unit = ((MemberSelectTree) call.getMethodSelect()).getExpression();
      return Optional.of(new Nap(statement, Kind.SLEEP, call.getArguments().get(0), unit, null));
    }
    if (PARK_NANOS.matches(call, state)) {
      List<? extends ExpressionTree> arguments = call.getArguments();
      return Optional.of(new Nap(statement, Kind.PARK, arguments.get(arguments.size() - 1), null, null));
    }
    return Optional.empty();
  }

  /** {@code try { sleep } catch (InterruptedException e) { … }}: nothing else in the try. */
  private static Optional<Nap> caughtSleep(TreePath statement, TryTree tryTree, VisitorState state) {
    if (!tryTree.getResources().isEmpty()
        || tryTree.getFinallyBlock() != null
        || tryTree.getCatches().size() != 1
        || tryTree.getBlock().getStatements().size() != 1) {
      return Optional.empty();
    }
    CatchTree handler = tryTree.getCatches().get(0);
    Type caught = ASTHelpers.getType(handler.getParameter());
    if (caught == null || !caught.tsym.getQualifiedName().contentEquals("java.lang.InterruptedException")) {
      return Optional.empty();
    }
    TreePath block = new TreePath(statement, tryTree.getBlock());
    return of(new TreePath(block, tryTree.getBlock().getStatements().get(0)), state)
        .filter(sleep -> sleep.kind == Kind.SLEEP && sleep.interruptHandler == null)
        .map(sleep -> new Nap(statement, Kind.SLEEP, sleep.duration, sleep.writtenUnit, handler));
  }

  private static MethodInvocationTree call(Tree statement) {
    if (!(statement instanceof ExpressionStatementTree)) {
      return null;
    }
    ExpressionTree expression = ((ExpressionStatementTree) statement).getExpression();
    return expression instanceof MethodInvocationTree ? (MethodInvocationTree) expression : null;
  }

  /** Whether an interrupt during the nap ends up where it would from the blocking call: no handler here. */
  boolean propagatesInterrupts() {
    return kind == Kind.SLEEP && interruptHandler == null;
  }

  /**
   * The nap's length's unit as code to write beside {@code duration}: the sleep's own {@code
   * TimeUnit} expression, or {@code TimeUnit.MILLISECONDS} for {@code Thread.sleep} and {@code
   * NANOSECONDS} for {@code parkNanos}, imported through {@code fix}.
   */
  String unit(SuggestedFix.Builder fix, VisitorState state) {
    if (writtenUnit != null) {
      return state.getSourceForNode(writtenUnit);
    }
    return Imports.use("java.util.concurrent.TimeUnit", fix, state)
        + (kind == Kind.PARK ? ".NANOSECONDS" : ".MILLISECONDS");
  }
}
