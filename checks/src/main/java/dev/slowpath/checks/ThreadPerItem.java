package dev.slowpath.checks;

import static com.google.errorprone.BugPattern.LinkType.CUSTOM;
import static com.google.errorprone.BugPattern.SeverityLevel.WARNING;

import com.google.auto.service.AutoService;
import com.google.errorprone.BugPattern;
import com.google.errorprone.ErrorProneFlags;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import com.google.errorprone.bugpatterns.BugChecker.MethodInvocationTreeMatcher;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.matchers.Description;
import com.google.errorprone.suppliers.Supplier;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.util.Name;
import dev.slowpath.checks.Profile.Cost;
import dev.slowpath.checks.ProfiledFindings.Tier;
import java.util.Optional;
import java.util.Set;
import javax.inject.Inject;

/**
 * Flags a platform thread started for each item of a loop (the accept loop that starts a thread
 * per connection), and a thread pool built for one call and shut down before it returns. On
 * {@code --release} 21 or later the fix starts a virtual thread per item, where the code waits
 * for the work anyway; below 21 the text names the shared pool to introduce.
 */
@AutoService(BugChecker.class)
@BugPattern(
    summary =
        "A platform thread started per item, or a thread pool built per call: each start creates"
            + " an OS thread and its stack, and the number of threads grows with the load",
    severity = WARNING,
    linkType = CUSTOM,
    link = Docs.BUGPATTERN + "ThreadPerItem.md")
public final class ThreadPerItem extends BugChecker implements MethodInvocationTreeMatcher {
  private static final long serialVersionUID = 1L;

  /** The names this check's calls have, from the compilation's name table. */
  private record CallNames(Name start, Name fixed, Name cached, Name single, Name workStealing) {
    boolean isPool(CharSequence name) {
      return name == fixed || name == cached || name == single || name == workStealing;
    }
  }

  private static final Supplier<CallNames> CALL_NAMES =
      VisitorState.memoize(
          state ->
              new CallNames(
                  state.getName("start"),
                  state.getName("newFixedThreadPool"),
                  state.getName("newCachedThreadPool"),
                  state.getName("newSingleThreadExecutor"),
                  state.getName("newWorkStealingPool")));

  private static final String THREAD_TEXT =
      "A platform thread is started for each pass of this loop: each start creates an OS thread"
          + " with its stack (Thread.start0, JVM_StartThread) and tears it down when the item is"
          + " done, and under load the threads are as many as the items";

  private static final String POOL_TEXT =
      "This thread pool is built for one call and shut down before the call returns: its threads"
          + " are started and stopped on every call, and the pool never pools";

  private static final String NEVER_SHUT_DOWN_TEXT =
      "This thread pool is built on every call and never shut down: each call leaves its threads"
          + " behind (a fixed pool's threads never end on their own, and they keep the pool reachable),"
          + " so threads pile up with the calls";

  static final String SHARED_POOL_ADVICE =
      "Submit the work to one bounded ExecutorService shared by the class (a field, sized to"
          + " Runtime.availableProcessors() for CPU work or to the limit of the resource the tasks"
          + " wait on for blocking I/O, shut down with the class) and wait on its futures where the"
          + " code waits for the threads; with --release 21 or later a virtual thread per item costs"
          + " far less";

  private final ProfiledFindings profiled;

  public ThreadPerItem() {
    this(ErrorProneFlags.empty());
  }

  @Inject
  ThreadPerItem(ErrorProneFlags flags) {
    this.profiled = ProfiledFindings.of(this, flags, Tier.BEHIND_PROFILE, Cost.THREAD_START);
  }

  @Override
  public Description matchMethodInvocation(MethodInvocationTree tree, VisitorState state) {
    return profiled.report(findMethodInvocation(tree, state), state);
  }

  private Description findMethodInvocation(MethodInvocationTree tree, VisitorState state) {
    // Names compared by identity with javac's name table: this runs for every call in the build.
    CharSequence called = MethodNames.simpleName(tree.getMethodSelect());
    CallNames names = CALL_NAMES.get(state);
    if (called == names.start) {
      return matchStart(tree, state);
    }
    if (names.isPool(called)) {
      return matchPool(tree, state);
    }
    return Description.NO_MATCH;
  }

  private Description matchStart(MethodInvocationTree tree, VisitorState state) {
    if (tree.getArguments().size() > 1) {
      return Description.NO_MATCH;
    }
    Optional<StartedThread> started = StartedThread.of(tree, state.getPath(), state);
    if (started.isEmpty()) {
      return Description.NO_MATCH;
    }
    TreePath loop = Loops.innermost(started.get().creationPath());
    if (loop == null || !SymbolUses.isWithin(state.getPath(), loop.getLeaf()) || Loops.runsAFewTimes(loop.getLeaf())) {
      return Description.NO_MATCH;
    }
    boolean acceptLoop = isAcceptLoop(loop, state);
    Optional<TaskCode> task = started.get().code(state.getPath(), state);
    if (!acceptLoop && (OneTimeCode.contains(loop) || OneTimeCode.isTeardown(loop) || startsWorkers(loop, task))) {
      return Description.NO_MATCH;
    }
    TreePath scope = EnclosingCode.methodOrLambdaPath(loop);
    if (scope == null
        || task.isPresent() && scope.getLeaf() instanceof MethodTree && task.get().calls(ASTHelpers.getSymbol((MethodTree) scope.getLeaf()))
        || NonProductionCode.contains(state)) {
      return Description.NO_MATCH; // recursive spawning: a bounded pool would deadlock, and it is rare
    }
    StringBuilder why = new StringBuilder();
    Optional<SuggestedFix> fix = threadFix(started.get(), task, tree, loop, scope, state, why);
    return describe(tree, THREAD_TEXT, fix, why, state);
  }

  private static Optional<SuggestedFix> threadFix(
      StartedThread started, Optional<TaskCode> task, MethodInvocationTree start, TreePath loop, TreePath scope,
      VisitorState state, StringBuilder why) {
    if (!JavaTarget.atLeast(state, 21)) {
      return Optional.empty();
    }
    if (started.noRewrite() != null) {
      why.append(started.noRewrite());
      return Optional.empty();
    }
    if (started.isSubclass()) {
      why.append("the thread is a subclass of Thread, which a virtual thread cannot be; make its run() a Runnable and start it with Thread.startVirtualThread");
      return Optional.empty();
    }
    if (!started.isDaemon(scope, state) && !WorkWaits.after(EnclosingCode.bodyOf(scope.getLeaf()), ASTHelpers.getStartPosition(loop.getLeaf()), state)) {
      why.append(
          "the thread is not a daemon and this method does not wait for it (join, latch, future): a"
              + " virtual thread is always a daemon, so the JVM could exit before the work is done."
              + " Start virtual threads where something waits for them, or keep a shared pool");
      return Optional.empty();
    }
    Optional<String> unsafe = VirtualThreads.unsafeFor(task, state);
    if (unsafe.isPresent()) {
      why.append(unsafe.get());
      return Optional.empty();
    }
    return started.toVirtual(start, scope, state, why);
  }

  private Description matchPool(MethodInvocationTree tree, VisitorState state) {
    Optional<PerCallPool> pool = PerCallPool.of(tree, state.getPath(), state);
    if (pool.isEmpty() || OneTimeCode.contains(state.getPath()) || isThreadBody(state.getPath(), state) || NonProductionCode.contains(state)) {
      return Description.NO_MATCH;
    }
    StringBuilder why = new StringBuilder();
    if (pool.get().neverShutDown()) {
      pool.get().toVirtual(state, why);
      return buildDescription(tree).setMessage(NEVER_SHUT_DOWN_TEXT + ". " + SHARED_POOL_ADVICE).build();
    }
    Optional<SuggestedFix> fix =
        JavaTarget.atLeast(state, 21) ? pool.get().toVirtual(state, why) : Optional.empty();
    return describe(tree, POOL_TEXT, fix, why, state);
  }

  private Description describe(Tree tree, String text, Optional<SuggestedFix> fix, StringBuilder why, VisitorState state) {
    String message;
    if (fix.isPresent()) {
      message =
          text + ". A virtual thread per task costs a small heap object instead. Fix: "
              + (text.equals(POOL_TEXT)
                  ? "the pool becomes Executors.newVirtualThreadPerTaskExecutor()"
                  : "the thread is started as a virtual thread (Thread.startVirtualThread or Thread.ofVirtual(), keeping its name and task)");
    } else if (!JavaTarget.atLeast(state, 21)) {
      message = text + ". " + SHARED_POOL_ADVICE;
    } else {
      message = text + ". No fix is offered here: " + why;
    }
    Description.Builder description = buildDescription(tree).setMessage(message);
    fix.ifPresent(description::addFix);
    return description.build();
  }

  /**
   * Code in the {@code run()} of a {@code Thread} subclass outside any loop: it runs once per
   * thread, not per call.
   */
  private static boolean isThreadBody(TreePath path, VisitorState state) {
    MethodTree method = EnclosingCode.method(path);
    if (method == null || !method.getName().contentEquals("run") || !method.getParameters().isEmpty() || Loops.innermost(path) != null) {
      return false;
    }
    Symbol.MethodSymbol symbol = ASTHelpers.getSymbol(method);
    return symbol != null && StartedThread.isThread(symbol.owner.type, state);
  }

  /** A loop that accepts connections: a thread per connection, even in a start-up method. */
  private static boolean isAcceptLoop(TreePath loop, VisitorState state) {
    return TreeSearch.anyMatch(
        loop.getLeaf(),
        node -> node instanceof MethodInvocationTree
            && "accept".contentEquals(MethodNames.simpleName(((MethodInvocationTree) node).getMethodSelect()))
            && BlockingCalls.isBlocking((MethodInvocationTree) node, state));
  }

  /**
   * A counting loop that starts long-lived workers ({@code for (i = 0; i < workers; i++)} over a
   * task that loops until stopped): a fixed set of threads, a pool written by hand, not a thread
   * per item.
   */
  private static boolean startsWorkers(TreePath loop, Optional<TaskCode> task) {
    return loop.getLeaf() instanceof ForLoopTree && task.isPresent() && task.get().isWorkerLoop();
  }

}
