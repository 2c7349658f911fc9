package dev.slowpath.checks;

import static com.google.errorprone.BugPattern.LinkType.CUSTOM;
import static com.google.errorprone.BugPattern.SeverityLevel.WARNING;

import com.google.auto.service.AutoService;
import com.google.errorprone.BugPattern;
import com.google.errorprone.ErrorProneFlags;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker.DoWhileLoopTreeMatcher;
import com.google.errorprone.bugpatterns.BugChecker.ForLoopTreeMatcher;
import com.google.errorprone.bugpatterns.BugChecker.WhileLoopTreeMatcher;
import com.google.errorprone.bugpatterns.BugChecker;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.matchers.Description;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.DoWhileLoopTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TryTree;
import com.sun.source.tree.WhileLoopTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Flags;
import com.sun.tools.javac.code.Symbol;
import dev.slowpath.checks.Profile.Cost;
import dev.slowpath.checks.ProfiledFindings.Tier;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.inject.Inject;
import javax.lang.model.element.ElementKind;

/**
 * Flags a loop that waits for a {@code BlockingQueue} by polling it without blocking and napping
 * between polls ({@link QueueWait}), and rewrites it to block in the queue: {@code take()}, or
 * {@code poll(timeout, unit)} with the nap's length where the loop has another way out. Also
 * reports, without a fix, a loop that spins on a flag with an empty body or {@code
 * Thread.onSpinWait()} ({@code Thread.yield()} spins are {@link ThreadYield}'s).
 */
@AutoService(BugChecker.class)
@BugPattern(
    summary =
        "A loop that polls a BlockingQueue and naps between polls wakes up for nothing while idle"
            + " and answers late when work arrives: block in the queue instead (take(), or"
            + " poll(timeout, unit))",
    severity = WARNING,
    linkType = CUSTOM,
    link = Docs.BUGPATTERN + "BusyPollLoop.md")
public final class BusyPollLoop extends BugChecker
    implements WhileLoopTreeMatcher, DoWhileLoopTreeMatcher, ForLoopTreeMatcher {
  private static final long serialVersionUID = 1L;

  private static final String FLAG_SPIN_TEXT =
      "This loop spins until another thread changes what its condition reads: it keeps a CPU busy"
          + " all the while, and when threads outnumber cores it keeps that CPU from the thread it"
          + " waits for. Block instead: a CountDownLatch, a CompletableFuture, a Condition, or"
          + " LockSupport.park() with unpark() from the thread that changes the state (see the"
          + " check's page)";

  private final ProfiledFindings profiled;

  public BusyPollLoop() {
    this(ErrorProneFlags.empty());
  }

  @Inject
  BusyPollLoop(ErrorProneFlags flags) {
    this.profiled = ProfiledFindings.of(this, flags, Tier.ALWAYS, Cost.SLEEP);
  }

  @Override
  public Description matchWhileLoop(WhileLoopTree tree, VisitorState state) {
    return profiled.report(findWhileLoop(tree, state), state);
  }

  private Description findWhileLoop(WhileLoopTree tree, VisitorState state) {
    return match(tree, state);
  }

  @Override
  public Description matchDoWhileLoop(DoWhileLoopTree tree, VisitorState state) {
    return profiled.report(findDoWhileLoop(tree, state), state);
  }

  private Description findDoWhileLoop(DoWhileLoopTree tree, VisitorState state) {
    return match(tree, state);
  }

  @Override
  public Description matchForLoop(ForLoopTree tree, VisitorState state) {
    return profiled.report(findForLoop(tree, state), state);
  }

  private Description findForLoop(ForLoopTree tree, VisitorState state) {
    return match(tree, state);
  }

  private Description match(Tree loop, VisitorState state) {
    if (Loops.statements(Loops.body(loop)).size() > 8) {
      return Description.NO_MATCH; // a waiting loop is short; this one works
    }
    Optional<QueueWait> wait = QueueWait.of(state.getPath(), state);
    if (wait.isPresent()) {
      return reports(wait.get(), state) && !NonProductionCode.contains(state)
          ? describe(wait.get(), state)
          : Description.NO_MATCH;
    }
    if (isFlagSpin(loop, state) && !NonProductionCode.contains(state)) {
      return buildDescription(loop).setMessage(FLAG_SPIN_TEXT).build();
    }
    Optional<MethodInvocationTree> nap = flagNap(loop, state);
    if (nap.isPresent()
        && !NonProductionCode.contains(state)
        && !OneTimeCode.contains(state.getPath()) // start() waiting once for its thread to come up
        && !OneTimeCode.isTeardown(state.getPath())
        && CriticalSection.around(state.getPath(), state).isEmpty()) {
      return buildDescription(loop)
          .setMessage(
              "This loop sleeps (" + state.getSourceForNode(nap.get()) + ") until another thread changes what"
                  + " its condition reads: it wakes for nothing while it waits, and sees the change up to a nap"
                  + " late. Wait for the change instead: a CountDownLatch or CompletableFuture the other thread"
                  + " completes, a Condition it signals, or the object's own wait (Future.get, Process.waitFor,"
                  + " Thread.join). No fix is offered: the other thread must signal")
          .build();
    }
    return Description.NO_MATCH;
  }

  /**
   * {@code while (!done) Thread.sleep(100);}: a body that only naps — one sleeping call ({@code
   * Thread.sleep}, {@code TimeUnit.sleep}, {@code LockSupport.parkNanos}, or a sleep helper such
   * as {@code Uninterruptibles.sleepUninterruptibly}), perhaps in a {@code try} around it — and a
   * condition that only reads state another thread can change. A body that
   * does anything else is a periodic task whose nap is its period; under a lock the nap is
   * BlockingInSynchronized's finding. The sleeping call, when it is one.
   */
  private static Optional<MethodInvocationTree> flagNap(Tree loop, VisitorState state) {
    ExpressionTree condition = Loops.condition(loop);
    if (condition == null
        || (loop instanceof ForLoopTree
            && (!((ForLoopTree) loop).getInitializer().isEmpty() || !((ForLoopTree) loop).getUpdate().isEmpty()))
        || !StateReads.only(condition, state)
        || !readsSharedState(condition, state)) {
      return Optional.empty();
    }
    return onlySleeps(Loops.body(loop), state);
  }

  private static Optional<MethodInvocationTree> onlySleeps(StatementTree statement, VisitorState state) {
    if (statement instanceof BlockTree) {
      // One nap; beside it only exit tests and logging the level guards: neither is work.
      Optional<MethodInvocationTree> nap = Optional.empty();
      for (StatementTree inner : ((BlockTree) statement).getStatements()) {
        if (QueueWait.isExitTest(inner, state) || LevelGuard.isGuardedLogging(inner)) {
          continue;
        }
        if (nap.isPresent()) {
          return Optional.empty();
        }
        nap = onlySleeps(inner, state);
        if (nap.isEmpty()) {
          return Optional.empty();
        }
      }
      return nap;
    }
    if (statement instanceof TryTree) {
      TryTree attempt = (TryTree) statement;
      return attempt.getFinallyBlock() == null && attempt.getResources().isEmpty()
          ? onlySleeps(attempt.getBlock(), state)
          : Optional.empty();
    }
    if (!(statement instanceof ExpressionStatementTree)
        || !(((ExpressionStatementTree) statement).getExpression() instanceof MethodInvocationTree)) {
      return Optional.empty();
    }
    MethodInvocationTree call = (MethodInvocationTree) ((ExpressionStatementTree) statement).getExpression();
    Symbol method = ASTHelpers.getSymbol(call);
    String name = MethodNames.simpleName(call.getMethodSelect()).toString();
    boolean sleeps =
        method instanceof Symbol.MethodSymbol
            && ((name.equals("sleep") && BlockingCalls.isBlocking(call, state))
                || (name.equals("parkNanos") && method.owner.getQualifiedName().contentEquals("java.util.concurrent.locks.LockSupport"))
                || BlockingCalls.isSleepHelper((Symbol.MethodSymbol) method, state));
    return sleeps ? Optional.of(call) : Optional.empty();
  }

  /**
   * A {@code volatile} field, an atomic's getter, a method of this file that returns a {@code
   * volatile} field, or an accessor of an object a field holds ({@code engine.size() >= capacity},
   * {@code tasks.size() >= cores}): state that another thread changes. (A queue polled this way is
   * {@link QueueWait}'s business, or a drain; a wait for a collection to empty has no blocking
   * call to wait in, and stays silent.)
   */
  private static boolean readsSharedState(ExpressionTree condition, VisitorState state) {
    boolean emptinessTest = isEmptinessTest(condition);
    return TreeSearch.anyMatch(
        condition,
        node -> {
          Symbol symbol = ASTHelpers.getSymbol(node);
          if (symbol == null) {
            return false;
          }
          if (node instanceof MethodInvocationTree) {
            return symbol.owner.getQualifiedName().toString().startsWith("java.util.concurrent.atomic.")
                || returnsAVolatileField(symbol, state)
                || (!emptinessTest && isAccessorOfAField((MethodInvocationTree) node));
          }
          return (node instanceof IdentifierTree || node instanceof MemberSelectTree) && isVolatileField(symbol);
        });
  }

  /**
   * A count or a state of what a field holds: {@code holder.size()}, {@code holder.getActiveCount()},
   * {@code holder.isAlive()}. Not a time ({@code watch.getTime()}): a loop that sleeps until time
   * has passed waits for the clock, not for another thread.
   */
  private static final Pattern STATE_ACCESSOR = Pattern.compile("size|(is|has)[A-Z]\\w*|get\\w*(Count|Size)");

  private static boolean isAccessorOfAField(MethodInvocationTree call) {
    ExpressionTree receiver = ASTHelpers.getReceiver(call);
    Symbol held = receiver == null ? null : ASTHelpers.getSymbol(receiver);
    return call.getArguments().isEmpty()
        && STATE_ACCESSOR.matcher(MethodNames.simpleName(call.getMethodSelect())).matches()
        && (receiver instanceof IdentifierTree || receiver instanceof MemberSelectTree)
        && held != null
        && held.getKind() == ElementKind.FIELD;
  }

  /** {@code isEmpty()}, {@code size() == 0}, {@code size() > 0} and their negations: waiting for a drain. */
  private static boolean isEmptinessTest(ExpressionTree condition) {
    return TreeSearch.anyMatch(
        condition,
        node -> {
          if (node instanceof MethodInvocationTree) {
            return MethodNames.isNoArgCallNamed((MethodInvocationTree) node, "isEmpty");
          }
          if (node instanceof BinaryTree) {
            BinaryTree test = (BinaryTree) node;
            return (isSizeCall(test.getLeftOperand()) && isZero(test.getRightOperand()))
                || (isSizeCall(test.getRightOperand()) && isZero(test.getLeftOperand()));
          }
          return false;
        });
  }

  private static boolean isSizeCall(ExpressionTree tree) {
    ExpressionTree stripped = ASTHelpers.stripParentheses(tree);
    return stripped instanceof MethodInvocationTree && MethodNames.isNoArgCallNamed((MethodInvocationTree) stripped, "size");
  }

  private static boolean isZero(ExpressionTree tree) {
    Object value = ASTHelpers.constValue(ASTHelpers.stripParentheses(tree));
    return value instanceof Number && ((Number) value).longValue() == 0;
  }

  private static boolean isVolatileField(Symbol symbol) {
    return symbol.getKind() == ElementKind.FIELD && (symbol.flags() & Flags.VOLATILE) != 0;
  }

  private static boolean returnsAVolatileField(Symbol method, VisitorState state) {
    return SymbolUses.declaration(state.getPath().getCompilationUnit(), method)
        .map(TreePath::getLeaf)
        .filter(MethodTree.class::isInstance)
        .map(declaration -> ((MethodTree) declaration).getBody())
        .filter(body -> body != null && body.getStatements().size() == 1 && body.getStatements().get(0) instanceof ReturnTree)
        .map(body -> ((ReturnTree) body.getStatements().get(0)).getExpression())
        .filter(returned -> returned != null && TreeSearch.anyMatch(returned, n -> {
          Symbol read = ASTHelpers.getSymbol(n);
          return read != null && (n instanceof IdentifierTree || n instanceof MemberSelectTree) && isVolatileField(read);
        }))
        .isPresent();
  }



  /**
   * Whether this check reports the queue wait of {@code loop}: not under a lock, where a nap is
   * first a lock held while sleeping (BlockingInSynchronized's finding), and blocking in the queue
   * would hold it the same. ThreadYield leaves the waits this check reports to it.
   */
  static boolean reportsQueueWait(TreePath loop, VisitorState state) {
    return QueueWait.of(loop, state).filter(wait -> reports(wait, state)).isPresent();
  }

  private static boolean reports(QueueWait wait, VisitorState state) {
    return CriticalSection.around(wait.loop(), state).isEmpty();
  }

  private Description describe(QueueWait wait, VisitorState state) {
    QueueWaitFix.Outcome outcome = QueueWaitFix.of(wait, state);
    Optional<SuggestedFix> fix = outcome.fix();
    String queue = state.getSourceForNode(wait.queueExpression());
    StringBuilder message = new StringBuilder("This loop waits for ").append(queue);
    if (wait.nap().kind() == Nap.Kind.SPIN) {
      message.append(
          " by polling it without a pause: an idle consumer keeps a CPU busy (with yield(), a system"
              + " call per pass). take() parks the thread until an item arrives");
    } else {
      message.append(" by polling it and sleeping ")
          .append(state.getSourceForNode(wait.nap().duration()))
          .append(
              wait.nap().kind() == Nap.Kind.PARK ? " ns" : wait.nap().writtenUnit() == null ? " ms" : "")
          .append(
              " between polls: an item that arrives during the nap waits for the rest of it, and an"
                  + " idle consumer still wakes once per nap. poll(timeout, unit) returns as soon as"
                  + " an item arrives, and wakes as often to see the loop's way out");
    }
    if (fix.isEmpty()) {
      message.append(". No fix is offered here: ").append(outcome.whyNot());
    } else {
      message.append(". Fix: ").append(outcome.whatTheFixDoes());
    }
    Description.Builder description = buildDescription(wait.loop().getLeaf()).setMessage(message.toString());
    fix.ifPresent(description::addFix);
    return description.build();
  }

  /**
   * {@code while (!ready) {}}, {@code while (!ready) Thread.onSpinWait();}, and the same as a
   * do-while: a body with nothing but the spin, and a condition that only reads.
   */
  private static boolean isFlagSpin(Tree loop, VisitorState state) {
    ExpressionTree condition = Loops.condition(loop);
    if (condition == null
        || Boolean.TRUE.equals(ASTHelpers.constValue(condition, Boolean.class))
        || (loop instanceof ForLoopTree
            && (!((ForLoopTree) loop).getInitializer().isEmpty() || !((ForLoopTree) loop).getUpdate().isEmpty()))) {
      return false;
    }
    StatementTree body = Loops.body(loop);
    Optional<Nap> spin = Nap.of(new TreePath(state.getPath(), body), state);
    return spin.isPresent()
        && spin.get().kind() == Nap.Kind.SPIN
        && !isYield(spin.get())
        && StateReads.only(condition, state);
  }

  private static boolean isYield(Nap nap) {
    Tree leaf = nap.statement().getLeaf();
    while (leaf instanceof BlockTree && ((BlockTree) leaf).getStatements().size() == 1) {
      leaf = ((BlockTree) leaf).getStatements().get(0);
    }
    return leaf instanceof ExpressionStatementTree
        && ((ExpressionStatementTree) leaf).getExpression() instanceof MethodInvocationTree
        && "yield".contentEquals(
            MethodNames.simpleName(
                ((MethodInvocationTree) ((ExpressionStatementTree) leaf).getExpression()).getMethodSelect()));
  }
}
