package dev.slowpath.checks;

import static com.google.errorprone.BugPattern.LinkType.CUSTOM;
import static com.google.errorprone.BugPattern.SeverityLevel.WARNING;
import static com.google.errorprone.matchers.Matchers.staticMethod;

import com.google.auto.service.AutoService;
import com.google.errorprone.BugPattern;
import com.google.errorprone.ErrorProneFlags;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import com.google.errorprone.bugpatterns.BugChecker.MethodInvocationTreeMatcher;
import com.google.errorprone.bugpatterns.BugChecker.NewClassTreeMatcher;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.matchers.Description;
import com.google.errorprone.matchers.Matcher;
import com.google.errorprone.suppliers.Supplier;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Type;
import com.sun.tools.javac.util.Name;
import dev.slowpath.checks.Profile.Cost;
import dev.slowpath.checks.ProfiledFindings.Tier;
import java.util.Optional;
import javax.inject.Inject;

/**
 * Flags a new timer per call or per pass: a {@code java.util.Timer} made for one call (a thread
 * start each time), a {@code ScheduledExecutorService} task scheduled on every pass of a loop with
 * its future dropped, and a timeout cancelled and re-armed per message on an executor that keeps
 * cancelled tasks queued.
 */
@AutoService(BugChecker.class)
@BugPattern(
    summary =
        "A new timer per call or per pass: a java.util.Timer starts a thread each time, and tasks"
            + " scheduled per pass or cancelled per message pile up in the scheduler's queue",
    severity = WARNING,
    linkType = CUSTOM,
    link = Docs.BUGPATTERN + "TimerPerIteration.md")
public final class TimerPerIteration extends BugChecker implements NewClassTreeMatcher, MethodInvocationTreeMatcher {
  private static final long serialVersionUID = 1L;

  /** The names this check's calls have, from the compilation's name table. */
  private record CallNames(Name delayedExecutor, Name schedule, Name scheduleAtFixedRate, Name scheduleWithFixedDelay) {
    boolean isSchedule(CharSequence name) {
      return name == schedule || name == scheduleAtFixedRate || name == scheduleWithFixedDelay;
    }
  }

  private static final Supplier<CallNames> CALL_NAMES =
      VisitorState.memoize(
          state ->
              new CallNames(
                  state.getName("delayedExecutor"),
                  state.getName("schedule"),
                  state.getName("scheduleAtFixedRate"),
                  state.getName("scheduleWithFixedDelay")));

  private static final String PER_CALL_TEXT =
      "This java.util.Timer is made for one call: each new Timer starts a TimerThread, which lives"
          + " until the timer is cancelled or collected. Schedule the task on one timer shared by"
          + " the class (a daemon), and cancel the task, not the timer, when the work is done";

  private static final String PER_PASS_TEXT =
      "This loop schedules a task on every pass and drops its future: each pass adds an entry to"
          + " the executor's delay queue, and none can be cancelled. Keep one deadline for the"
          + " loop (compute the remaining time and wait with poll(remaining, NANOSECONDS)), or one"
          + " task that is cancelled before the next is scheduled";

  private static final String DELAYED_PER_PASS_TEXT =
      "This loop hands a task to a new delayed executor on every pass and drops the future: each"
          + " pass adds an entry to CompletableFuture's shared Delayer queue, and none can be"
          + " cancelled. Keep one deadline for the loop, or keep the futures and cancel them";

  private static final Matcher<ExpressionTree> DELAYED_EXECUTOR =
      staticMethod().onClass("java.util.concurrent.CompletableFuture").named("delayedExecutor");

  private static final String REARMED_TEXT =
      "This timeout is cancelled and scheduled again for each message, on a"
          + " ScheduledThreadPoolExecutor that keeps a cancelled task in its queue until its delay"
          + " ends: with a long timeout and many messages, the queue holds every cancelled task of"
          + " the last timeout period. setRemoveOnCancelPolicy(true) removes each one when it is"
          + " cancelled";

  private final ProfiledFindings profiled;

  public TimerPerIteration() {
    this(ErrorProneFlags.empty());
  }

  @Inject
  TimerPerIteration(ErrorProneFlags flags) {
    this.profiled = ProfiledFindings.of(this, flags, Tier.ALWAYS, Cost.THREAD_START);
  }

  @Override
  public Description matchNewClass(NewClassTree tree, VisitorState state) {
    return profiled.report(findNewClass(tree, state), state);
  }

  private Description findNewClass(NewClassTree tree, VisitorState state) {
    if (!isUtilTimer(tree, state) || !isPerCallTimer(state.getPath()) || NonProductionCode.contains(state)) {
      return Description.NO_MATCH;
    }
    Optional<PerCallTimer> timer = PerCallTimer.of(state.getPath());
    if (timer.isEmpty()) {
      return Description.NO_MATCH;
    }
    StringBuilder why = new StringBuilder();
    Optional<SuggestedFix> fix = timer.get().fix(state, why);
    String message =
        PER_CALL_TEXT
            + (fix.isPresent()
                ? ". Fix: the task is scheduled on one shared daemon Timer of the class ("
                    + PerCallTimer.SHARED_NAME + "), and cancelled where the code cancelled its own timer"
                : ". No fix is offered here: " + why);
    Description.Builder description = buildDescription(tree).setMessage(message);
    fix.ifPresent(description::addFix);
    return description.build();
  }

  @Override
  public Description matchMethodInvocation(MethodInvocationTree tree, VisitorState state) {
    return profiled.report(findMethodInvocation(tree, state), state);
  }

  private Description findMethodInvocation(MethodInvocationTree tree, VisitorState state) {
    // Names compared by identity with javac's name table: this runs for every call in the build.
    CharSequence called = MethodNames.simpleName(tree.getMethodSelect());
    CallNames names = CALL_NAMES.get(state);
    if (called == names.delayedExecutor) {
      return matchDelayedExecutor(tree, state);
    }
    if (!names.isSchedule(called)
        || !(tree.getMethodSelect() instanceof MemberSelectTree)
        || !isScheduledExecutor(((MemberSelectTree) tree.getMethodSelect()).getExpression(), state)) {
      return Description.NO_MATCH;
    }
    TreePath path = state.getPath();
    if (state.getPath().getParentPath().getLeaf() instanceof ExpressionStatementTree) {
      TreePath loop = Loops.innermost(path);
      if (loop == null
          || Loops.runsAFewTimes(loop.getLeaf())
          || OneTimeCode.contains(path)
          || RarePaths.contains(path) // the pass that schedules is the loop's last (a redelivery, then return)
          || NonProductionCode.contains(state)) {
        return Description.NO_MATCH;
      }
      return buildDescription(tree).setMessage(PER_PASS_TEXT).build();
    }
    // A periodic task cancelled and scheduled again is a restart (a new interval, a re-enabled
    // reaper), not a timeout re-armed per message: only a one-shot schedule() is a timeout.
    Optional<RearmedTimeout> rearmed =
        called == names.schedule ? RearmedTimeout.of(tree, path, state) : Optional.empty();
    if (rearmed.isEmpty() || NonProductionCode.contains(state)) {
      return Description.NO_MATCH;
    }
    Optional<SuggestedFix> fix = rearmed.get().fix(state);
    String message =
        REARMED_TEXT
            + (fix.isPresent()
                ? ". Fix: setRemoveOnCancelPolicy(true) where this file builds the executor"
                : ". No fix is offered here: the executor is not built in this file with new"
                    + " ScheduledThreadPoolExecutor(…); turn the policy on where it is built");
    Description.Builder description = buildDescription(tree).setMessage(message);
    fix.ifPresent(description::addFix);
    return description.build();
  }

  /**
   * {@code CompletableFuture.runAsync(task, CompletableFuture.delayedExecutor(…));} as a statement
   * in a loop: a delayed task per pass on the JDK's shared {@code Delayer}, its future dropped —
   * the per-pass shape again. A delayed future that the loop waits for or keeps is a retry's
   * back-off, not a pile-up.
   */
  private Description matchDelayedExecutor(MethodInvocationTree tree, VisitorState state) {
    TreePath path = state.getPath();
    if (!DELAYED_EXECUTOR.matches(tree, state)
        || !(path.getParentPath().getLeaf() instanceof MethodInvocationTree)
        || !(path.getParentPath().getParentPath().getLeaf() instanceof ExpressionStatementTree)) {
      return Description.NO_MATCH;
    }
    TreePath loop = Loops.innermost(path);
    if (loop == null || Loops.runsAFewTimes(loop.getLeaf()) || OneTimeCode.contains(path) || NonProductionCode.contains(state)) {
      return Description.NO_MATCH;
    }
    return buildDescription(tree).setMessage(DELAYED_PER_PASS_TEXT).build();
  }

  /** {@code new java.util.Timer(…)}, not a subclass, nor a metrics or Swing {@code Timer}. */
  static boolean isUtilTimer(NewClassTree tree, VisitorState state) {
    if (tree.getClassBody() != null || !"Timer".contentEquals(simpleName(tree))) {
      return false;
    }
    Type type = ASTHelpers.getType(tree);
    return type != null && type.tsym.getQualifiedName().contentEquals("java.util.Timer");
  }

  private static CharSequence simpleName(NewClassTree tree) {
    return MethodNames.simpleName(tree.getIdentifier());
  }

  /** Made in a method that runs per call: not a constructor, an initializer or a life-cycle method. */
  static boolean isPerCallTimer(TreePath creation) {
    return EnclosingCode.methodOrLambda(creation) != null && !OneTimeCode.contains(creation);
  }

  private static boolean isScheduledExecutor(ExpressionTree receiver, VisitorState state) {
    Type executor = state.getTypeFromString("java.util.concurrent.ScheduledExecutorService");
    Type type = ASTHelpers.getType(receiver);
    return executor != null && type != null && ASTHelpers.isSubtype(type, executor, state);
  }
}
