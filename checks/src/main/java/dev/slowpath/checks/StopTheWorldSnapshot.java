package dev.slowpath.checks;

import static com.google.errorprone.BugPattern.LinkType.CUSTOM;
import static com.google.errorprone.BugPattern.SeverityLevel.WARNING;
import static com.google.errorprone.matchers.Matchers.instanceMethod;
import static com.google.errorprone.matchers.Matchers.staticMethod;

import com.google.auto.service.AutoService;
import com.google.errorprone.BugPattern;
import com.google.errorprone.ErrorProneFlags;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker.MethodInvocationTreeMatcher;
import com.google.errorprone.bugpatterns.BugChecker;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.matchers.Description;
import com.google.errorprone.matchers.Matcher;
import com.google.errorprone.suppliers.Supplier;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.util.Name;
import dev.slowpath.checks.Profile.Cost;
import dev.slowpath.checks.ProfiledFindings.Tier;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import javax.inject.Inject;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;

/**
 * Flags thread snapshots that stop the world for stacks or locks the code never reads, and
 * deadlock searches run by monitoring on every scrape.
 */
@AutoService(BugChecker.class)
@BugPattern(
    summary =
        "This thread snapshot stops the world to walk every stack, and nothing reads the stacks:"
            + " getThreadInfo(ids) takes the same states, names and counts without a safepoint",
    severity = WARNING,
    linkType = CUSTOM,
    link = Docs.BUGPATTERN + "StopTheWorldSnapshot.md")
public final class StopTheWorldSnapshot extends BugChecker implements MethodInvocationTreeMatcher {
  private static final long serialVersionUID = 1L;

  private static final String THREAD_MX_BEAN = "java.lang.management.ThreadMXBean";
  private static final Matcher<ExpressionTree> THREAD_INFO =
      instanceMethod().onDescendantOf(THREAD_MX_BEAN).named("getThreadInfo");
  private static final Matcher<ExpressionTree> DUMP_ALL =
      instanceMethod().onDescendantOf(THREAD_MX_BEAN).named("dumpAllThreads");
  private static final Matcher<ExpressionTree> FIND_DEADLOCKS =
      instanceMethod().onDescendantOf(THREAD_MX_BEAN).namedAnyOf("findDeadlockedThreads", "findMonitorDeadlockedThreads");
  private static final Matcher<ExpressionTree> GET_THREAD_MX_BEAN =
      staticMethod().onClass("java.lang.management.ManagementFactory").named("getThreadMXBean");

  /**
   * What a {@code ThreadInfo} from {@code getThreadInfo(ids)} (depth 0, no lock lists) still
   * holds: {@code ThreadSnapshot} records the lock a thread waits for whatever the depth; only
   * {@code getStackTrace()}, {@code getLockedMonitors()} and {@code getLockedSynchronizers()}
   * need the stack walk (and {@code toString()} prints the stack).
   */
  private static final Set<String> WITHOUT_STACKS =
      Set.of(
          "getThreadId", "getThreadName", "getThreadState", "getBlockedTime", "getBlockedCount",
          "getWaitedTime", "getWaitedCount", "isSuspended", "isInNative", "isDaemon", "getPriority",
          "getLockName", "getLockOwnerId", "getLockOwnerName", "getLockInfo");

  /** The names this check looks for, compared by identity with javac's: it runs for every call. */
  private record CallNames(Name threadInfo, Name dumpAll, Name findDeadlocked, Name findMonitorDeadlocked) {}

  private static final Supplier<CallNames> CALL_NAMES =
      VisitorState.memoize(
          state ->
              new CallNames(
                  state.getName("getThreadInfo"),
                  state.getName("dumpAllThreads"),
                  state.getName("findDeadlockedThreads"),
                  state.getName("findMonitorDeadlockedThreads")));

  private final ProfiledFindings profiled;

  public StopTheWorldSnapshot() {
    this(ErrorProneFlags.empty());
  }

  @Inject
  StopTheWorldSnapshot(ErrorProneFlags flags) {
    this.profiled =
        ProfiledFindings.of(this, flags, Tier.ALWAYS, Cost.STACK_TRACE_ALLOCATION)
            .withVmOperations("ThreadDump", "FindDeadlocks");
  }

  @Override
  public Description matchMethodInvocation(MethodInvocationTree tree, VisitorState state) {
    return profiled.report(findMethodInvocation(tree, state), state);
  }

  private Description findMethodInvocation(MethodInvocationTree tree, VisitorState state) {
    CharSequence name = MethodNames.simpleName(tree.getMethodSelect());
    CallNames names = CALL_NAMES.get(state);
    int arguments = tree.getArguments().size();
    if (name == names.threadInfo()) {
      return arguments >= 2 && THREAD_INFO.matches(tree, state) ? matchThreadInfo(tree, state) : Description.NO_MATCH;
    }
    if (name == names.dumpAll()) {
      return DUMP_ALL.matches(tree, state) ? matchDumpAll(tree, state) : Description.NO_MATCH;
    }
    if ((name == names.findDeadlocked() || name == names.findMonitorDeadlocked()) && arguments == 0) {
      return FIND_DEADLOCKS.matches(tree, state) ? matchDeadlockSearch(tree, state) : Description.NO_MATCH;
    }
    return Description.NO_MATCH;
  }

  private static boolean isExempt(VisitorState state) {
    return NonProductionCode.contains(state)
        || OneTimeCode.contains(state.getPath())
        || OneTimeCode.isTeardown(state.getPath());
  }

  /**
   * {@code getThreadInfo(ids, depth)} with a constant depth above 0, and the lock-flag forms
   * {@code getThreadInfo(ids, monitors, synchronizers[, depth])}, which dump whole stacks even
   * with both flags false.
   */
  private Description matchThreadInfo(MethodInvocationTree tree, VisitorState state) {
    List<? extends ExpressionTree> arguments = tree.getArguments();
    if (arguments.size() == 2) {
      Integer depth = ASTHelpers.constValue(arguments.get(1), Integer.class);
      if (depth == null || depth == 0) {
        return Description.NO_MATCH; // depth 0 takes no safepoint; a computed depth is the caller's choice
      }
    }
    ExpressionTree ids = arguments.get(0);
    // getThreadInfo(long id, int depth) returns one ThreadInfo, not an array.
    boolean single = ASTHelpers.getType(ids) != null && ASTHelpers.getType(ids).isPrimitive();
    if (isExempt(state) || readWithoutStacks(state.getPath(), single).isEmpty()) {
      return Description.NO_MATCH;
    }
    SuggestedFix.Builder fix =
        SuggestedFix.builder()
            .replace(state.getEndPosition(ids), state.getEndPosition(arguments.get(arguments.size() - 1)), "");
    String alsoDeleted = "";
    for (ExpressionTree dropped : arguments.subList(1, arguments.size())) {
      Optional<VariableTree> constant = onlyUseOfAPrivateConstant(dropped, state);
      if (constant.isPresent()) {
        fix.merge(StatementRemoval.deleteMember(constant.get(), state));
        alsoDeleted = ", and the constant " + constant.get().getName() + " that only this call read goes";
      }
    }
    return buildDescription(tree)
        .setMessage(
            "getThreadInfo with a stack depth or lock flags stops the world (a ThreadDump safepoint) to walk"
                + " every thread's stack, and nothing here reads the stacks or locks: getThreadInfo("
                + state.getSourceForNode(ids)
                + ") returns the same states, names, counts and awaited locks without a safepoint. Fix: drop the"
                + " depth and lock arguments"
                + alsoDeleted)
        .addFix(fix.build())
        .build();
  }

  /**
   * The declaration of a private constant ({@code STACK_DEPTH = 8}) that only {@code argument}
   * reads: the fix drops the argument, so it drops the constant too rather than leave it unused.
   */
  private static Optional<VariableTree> onlyUseOfAPrivateConstant(ExpressionTree argument, VisitorState state) {
    Symbol field = ASTHelpers.getSymbol(argument);
    if (!(argument instanceof IdentifierTree || argument instanceof MemberSelectTree)
        || field == null
        || field.getKind() != ElementKind.FIELD
        || !field.getModifiers().containsAll(Set.of(Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL))
        || SymbolUses.in(state.getPath().getCompilationUnit(), field).size() != 1) {
      return Optional.empty();
    }
    return SymbolUses.declaration(state.getPath().getCompilationUnit(), field)
        .map(TreePath::getLeaf)
        .filter(VariableTree.class::isInstance)
        .map(VariableTree.class::cast);
  }

  /**
   * {@code dumpAllThreads(…)} read only for states: {@code getThreadInfo(getAllThreadIds())}, when
   * the code already skips null entries (a thread that ends between the two calls has none).
   */
  private Description matchDumpAll(MethodInvocationTree tree, VisitorState state) {
    Optional<Boolean> nullsSkipped = isExempt(state) ? Optional.empty() : readWithoutStacks(state.getPath(), false);
    if (nullsSkipped.isEmpty()) {
      return Description.NO_MATCH;
    }
    ExpressionTree bean = ASTHelpers.getReceiver(tree);
    String advice =
        "dumpAllThreads stops the world (a ThreadDump safepoint) to walk every thread's stack, and nothing"
            + " here reads the stacks or locks: getThreadInfo(getAllThreadIds()) returns the same states,"
            + " names and counts without a safepoint";
    if (bean == null || !isRepeatable(bean, state) || !nullsSkipped.get()) {
      return buildDescription(tree)
          .setMessage(advice + " (skip its null entries: threads that ended between the two calls)")
          .build();
    }
    String source = state.getSourceForNode(bean);
    return buildDescription(tree)
        .setMessage(advice)
        .addFix(SuggestedFix.replace(tree, source + ".getThreadInfo(" + source + ".getAllThreadIds())"))
        .build();
  }

  /** A receiver that can be written twice: a name, a field, or {@code ManagementFactory.getThreadMXBean()}. */
  private static boolean isRepeatable(ExpressionTree bean, VisitorState state) {
    ExpressionTree receiver = ASTHelpers.stripParentheses(bean);
    return receiver instanceof IdentifierTree
        || (receiver instanceof MemberSelectTree && ASTHelpers.getSymbol(receiver) != null
            && ASTHelpers.getSymbol(receiver).getKind().isField())
        || GET_THREAD_MX_BEAN.matches(receiver, state);
  }

  /**
   * Whether the snapshot at {@code call} is read only for what needs no stack — its length, its
   * elements' states, names, ids, counts and awaited locks, and null tests — and if so (present),
   * whether every element read is also tested for null.
   */
  private static Optional<Boolean> readWithoutStacks(TreePath call, boolean single) {
    Optional<List<TreePath>> places = ValueUses.of(call);
    if (places.isEmpty() || places.get().isEmpty()) {
      return Optional.empty();
    }
    boolean nullsSkipped = true;
    for (TreePath place : places.get()) {
      if (ValueUses.isNullTest(place) || ValueUses.fieldReadAt(place).filter("length"::equals).isPresent()) {
        continue;
      }
      Optional<List<TreePath>> elements = single ? Optional.of(List.of(place)) : ValueUses.elementsAt(place);
      Optional<Boolean> read = elements.flatMap(StopTheWorldSnapshot::elementsReadWithoutStacks);
      if (read.isEmpty()) {
        return Optional.empty();
      }
      nullsSkipped &= read.get();
    }
    return Optional.of(nullsSkipped);
  }

  /** As {@link #readWithoutStacks}, for the places that read elements of the snapshot. */
  private static Optional<Boolean> elementsReadWithoutStacks(List<TreePath> elements) {
    boolean nullTested = false;
    for (TreePath element : elements) {
      Optional<List<TreePath>> places = ValueUses.of(element);
      if (places.isEmpty()) {
        return Optional.empty();
      }
      for (TreePath place : places.get()) {
        if (ValueUses.isNullTest(place)) {
          nullTested = true;
          continue;
        }
        Optional<MethodInvocationTree> call = ValueUses.callOn(place);
        if (call.isEmpty()
            || !call.get().getArguments().isEmpty()
            || !WITHOUT_STACKS.contains(MethodNames.simpleName(call.get().getMethodSelect()).toString())) {
          return Optional.empty();
        }
      }
    }
    return Optional.of(nullTested);
  }

  /**
   * {@code findDeadlockedThreads()} has no cheap form: it stops the world to follow every
   * thread's wait-for chain. Harmless on demand; a cost every scrape pays when a gauge, a health
   * check runs it: at the rate of whoever polls, by every poller.
   */
  private Description matchDeadlockSearch(MethodInvocationTree tree, VisitorState state) {
    if (NonProductionCode.contains(state)) {
      return Description.NO_MATCH;
    }
    String name = MethodNames.simpleName(tree.getMethodSelect()).toString();
    if (RoutineCode.contains(state.getPath(), state)) {
      return buildDescription(tree)
          .setMessage(
              name
                  + "() stops the world (a FindDeadlocks safepoint) on every read of this metric or health"
                  + " check. There is no cheap form: run it on demand (a diagnostic endpoint) or on"
                  + " a slow schedule of its own, and let the metric read the last result")
          .build();
    }
    if (DeadlockDetector.isPublic(state.getPath(), state)) {
      return buildDescription(tree)
          .setMessage(
              name
                  + "() stops the world (a FindDeadlocks safepoint) on every call of this public method, and"
                  + " a detector like this is what gauges and health checks call on every scrape. There is no"
                  + " cheap form: search on a slow schedule of your own and hand callers the last result, or"
                  + " keep the search for an on-demand diagnostic")
          .build();
    }
    return Description.NO_MATCH;
  }

  /**
   * A small public detector: a public method of a public class that searches for deadlocks each
   * time it is called. Its callers (a gauge, a health check) live in other files, out of this
   * file's sight, and they are what monitoring polls. Not one when this file runs it on a schedule
   * of its own (H2's watchdog), at teardown, or plainly on demand (a dump, a print, a debug action).
   */
  private static final class DeadlockDetector {
    private static final Pattern ON_DEMAND = Pattern.compile("(?i).*(dump|print|debug|diagnos|show|describe|tostring|log).*");

    private DeadlockDetector() {}

    static boolean isPublic(TreePath path, VisitorState state) {
      if (EnclosingCode.methodOrLambda(path) instanceof LambdaExpressionTree) {
        return false;
      }
      MethodTree method = EnclosingCode.method(path);
      Symbol.MethodSymbol symbol = method == null ? null : ASTHelpers.getSymbol(method);
      if (symbol == null
          || !symbol.getModifiers().contains(Modifier.PUBLIC)
          || symbol.isConstructor()
          || !isPublicType(symbol.owner)
          || OneTimeCode.contains(path)
          || OneTimeCode.isTeardown(path)
          || ON_DEMAND.matcher(method.getName()).matches()) {
        return false;
      }
      return !scheduledHere(symbol, state);
    }

    private static boolean isPublicType(Symbol type) {
      for (Symbol s = type; s != null && s.getKind() != ElementKind.PACKAGE; s = s.owner) {
        if (!s.getModifiers().contains(Modifier.PUBLIC)) {
          return false;
        }
      }
      return true;
    }

    /** This file schedules work periodically and calls the detector itself: a watchdog of its own. */
    private static boolean scheduledHere(Symbol detector, VisitorState state) {
      CompilationUnitTree unit = state.getPath().getCompilationUnit();
      boolean periodic =
          TreeSearch.anyMatch(
              unit,
              node -> node instanceof MethodInvocationTree && isPeriodicSchedule((MethodInvocationTree) node));
      return periodic && !SymbolUses.in(unit, detector).isEmpty();
    }

    private static boolean isPeriodicSchedule(MethodInvocationTree call) {
      String name = MethodNames.simpleName(call.getMethodSelect()).toString();
      return name.equals("scheduleAtFixedRate")
          || name.equals("scheduleWithFixedDelay")
          || (name.equals("schedule") && call.getArguments().size() == 3);
    }
  }
}
