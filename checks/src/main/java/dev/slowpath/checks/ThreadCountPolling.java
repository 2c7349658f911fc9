package dev.slowpath.checks;

import static com.google.errorprone.BugPattern.LinkType.CUSTOM;
import static com.google.errorprone.BugPattern.SeverityLevel.WARNING;
import static com.google.errorprone.matchers.Matchers.instanceMethod;
import static com.google.errorprone.matchers.Matchers.staticMethod;

import com.google.auto.service.AutoService;
import com.google.errorprone.BugPattern;
import com.google.errorprone.ErrorProneFlags;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import com.google.errorprone.bugpatterns.BugChecker.MemberReferenceTreeMatcher;
import com.google.errorprone.bugpatterns.BugChecker.MethodInvocationTreeMatcher;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.matchers.Description;
import com.google.errorprone.matchers.Matcher;
import com.google.errorprone.suppliers.Supplier;
import com.google.errorprone.util.ASTHelpers;
import com.google.errorprone.util.FindIdentifiers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberReferenceTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewArrayTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.tree.WhileLoopTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Type;
import com.sun.tools.javac.util.Name;
import dev.slowpath.checks.Profile.Cost;
import dev.slowpath.checks.ProfiledFindings.Tier;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.inject.Inject;
import javax.lang.model.element.Modifier;

/**
 * Flags threads counted or listed the expensive way: {@code Thread.getAllStackTraces()} kept only
 * for its size or its keys, and {@code activeCount()} read by a gauge, a metrics collector or a health check.
 */
@AutoService(BugChecker.class)
@BugPattern(
    summary =
        "Threads counted by stopping the world to take every stack, or by copying every thread on"
            + " each read of a metric; ThreadMXBean.getThreadCount() reads a counter the VM keeps",
    severity = WARNING,
    linkType = CUSTOM,
    link = Docs.BUGPATTERN + "ThreadCountPolling.md")
public final class ThreadCountPolling extends BugChecker
    implements MethodInvocationTreeMatcher, MemberReferenceTreeMatcher {
  private static final long serialVersionUID = 1L;

  private static final Matcher<ExpressionTree> ALL_STACK_TRACES =
      staticMethod().onClass("java.lang.Thread").named("getAllStackTraces");
  private static final Matcher<ExpressionTree> THREAD_ACTIVE_COUNT =
      staticMethod().onClass("java.lang.Thread").named("activeCount");
  private static final Matcher<ExpressionTree> GROUP_ACTIVE_COUNT =
      instanceMethod().onDescendantOf("java.lang.ThreadGroup").named("activeCount");
  private static final Matcher<ExpressionTree> GET_PARENT =
      instanceMethod().onDescendantOf("java.lang.ThreadGroup").named("getParent");

  private static final String THREAD_COUNT = "ManagementFactory.getThreadMXBean().getThreadCount()";

  /** What a map of all stack traces may be asked without reading a stack. */
  private static final Set<String> COUNTS = Set.of("size", "isEmpty");
  private static final Set<String> KEYS = Set.of("keySet", "containsKey");

  private enum MapUse { COUNT, KEYS, STACKS }

  /** The names this check looks for, compared by identity with javac's: it runs for every call. */
  private record CallNames(Name allStackTraces, Name activeCount) {}

  private static final Supplier<CallNames> CALL_NAMES =
      VisitorState.memoize(state -> new CallNames(state.getName("getAllStackTraces"), state.getName("activeCount")));

  private final ProfiledFindings profiled;

  public ThreadCountPolling() {
    this(ErrorProneFlags.empty());
  }

  @Inject
  ThreadCountPolling(ErrorProneFlags flags) {
    this.profiled =
        ProfiledFindings.of(this, flags, Tier.BEHIND_PROFILE, Cost.STACK_TRACE_ALLOCATION)
            .withVmOperations("ThreadDump");
  }

  @Override
  public Description matchMethodInvocation(MethodInvocationTree tree, VisitorState state) {
    return profiled.report(findMethodInvocation(tree, state), state);
  }

  private Description findMethodInvocation(MethodInvocationTree tree, VisitorState state) {
    if (!tree.getArguments().isEmpty()) {
      return Description.NO_MATCH;
    }
    CharSequence name = MethodNames.simpleName(tree.getMethodSelect());
    CallNames names = CALL_NAMES.get(state);
    if (name == names.allStackTraces()) {
      return ALL_STACK_TRACES.matches(tree, state) && !isExempt(state) ? matchAllStackTraces(tree, state) : Description.NO_MATCH;
    }
    if (name == names.activeCount()) {
      return matchActiveCount(tree, state);
    }
    return Description.NO_MATCH;
  }

  private static boolean isExempt(VisitorState state) {
    return NonProductionCode.contains(state)
        || OneTimeCode.contains(state.getPath())
        || OneTimeCode.isTeardown(state.getPath());
  }

  private Description matchAllStackTraces(MethodInvocationTree tree, VisitorState state) {
    Optional<List<TreePath>> places = ValueUses.of(state.getPath());
    if (places.isEmpty() || places.get().isEmpty()) {
      return Description.NO_MATCH;
    }
    boolean listed = false;
    for (TreePath place : places.get()) {
      MapUse use = useOf(place);
      if (use == MapUse.STACKS) {
        return Description.NO_MATCH; // a profiler or a dump: taking the stacks is the point
      }
      listed |= use == MapUse.KEYS;
    }
    if (listed) {
      return buildDescription(tree)
          .setMessage(
              "getAllStackTraces() lists threads with a ThreadDump safepoint and a walk of every stack,"
                  + " then this code drops the stacks. To list threads without stopping the world, fill an"
                  + " array with enumerate() on the root ThreadGroup; for ids, names and states,"
                  + " ThreadMXBean.getThreadInfo(getAllThreadIds()) takes no stacks either")
          .build();
    }
    Optional<MethodInvocationTree> size = ValueUses.callOn(places.get().get(0));
    if (places.get().size() == 1
        && places.get().get(0).getLeaf() == tree
        && size.isPresent()
        && MethodNames.isNoArgCallNamed(size.get(), "size")) {
      return buildDescription(size.get())
          .setMessage(
              "getAllStackTraces().size() stops the world (a ThreadDump safepoint) and walks every"
                  + " thread's stack to count them: " + THREAD_COUNT + " reads a counter the VM keeps")
          .addFix(threadCountFix(size.get(), state))
          .build();
    }
    return buildDescription(tree)
        .setMessage(
            "getAllStackTraces() stops the world (a ThreadDump safepoint) and walks every thread's stack,"
                + " and this code only counts the map. Count with " + THREAD_COUNT + " and drop the map")
        .build();
  }

  private static MapUse useOf(TreePath place) {
    Optional<MethodInvocationTree> call = ValueUses.callOn(place);
    if (call.isEmpty()) {
      return MapUse.STACKS;
    }
    String called = MethodNames.simpleName(call.get().getMethodSelect()).toString();
    if (COUNTS.contains(called)) {
      return MapUse.COUNT;
    }
    if (KEYS.contains(called)) {
      return MapUse.KEYS;
    }
    if (called.equals("entrySet")) {
      TreePath entries = place.getParentPath().getParentPath();
      Optional<List<TreePath>> each = ValueUses.elementsAt(entries);
      boolean keysOnly =
          each.isPresent()
              && each.get().stream()
                  .allMatch(e -> ValueUses.callOn(e).filter(c -> MethodNames.isNoArgCallNamed(c, "getKey")).isPresent());
      return keysOnly ? MapUse.KEYS : MapUse.STACKS;
    }
    return MapUse.STACKS;
  }

  /**
   * {@code activeCount()} counts the threads of one group. Up to JDK 18 the group keeps its threads
   * in an array and counts them under its lock: 17 ns with 200 threads on JDK 17 (measured). From
   * JDK 19 {@code ThreadGroup.activeCount} copies every live thread ({@code Thread.getAllThreads})
   * and filters by group: 2.8 µs and 848 B on JDK 25. The JVM the code runs on sets that cost, not
   * the release it was compiled for (a library built for 8 or 11 runs on 21 and 25), so it is
   * reported at every release — only where monitoring reads it on every scrape; sizing the array
   * for a one-off {@code enumerate()} is left alone.
   */
  private static final String FROM_19 = " (on JDK 19 and later, whatever release the code was compiled for)";

  private Description matchActiveCount(MethodInvocationTree tree, VisitorState state) {
    boolean ofThread = THREAD_ACTIVE_COUNT.matches(tree, state);
    if (!ofThread && !GROUP_ACTIVE_COUNT.matches(tree, state)) {
      return Description.NO_MATCH;
    }
    if (NonProductionCode.contains(state)
        || !RoutineCode.contains(state.getPath(), state)) {
      return Description.NO_MATCH;
    }
    if (sizesAnArray(state.getPath())) {
      return buildDescription(tree)
          .setMessage(
              "activeCount() and enumerate() copy every thread of the group" + FROM_19 + ", on every read"
                  + " of this metric. Count with " + THREAD_COUNT + "; for threads of your own, count them"
                  + " where they start and end (a LongAdder, or the pool's getActiveCount())")
          .build();
    }
    if (ofThread || isRootGroup(ASTHelpers.getReceiver(tree), state)) {
      return buildDescription(tree)
          .setMessage(
              "activeCount() copies every live thread to count one group" + FROM_19 + ", on every read of"
                  + " this metric: " + THREAD_COUNT + " reads the VM's counter of all live threads")
          .addFix(threadCountFix(tree, state))
          .build();
    }
    return buildDescription(tree)
        .setMessage(
            "ThreadGroup.activeCount() copies the group's threads" + FROM_19 + " on every read of this"
                + " metric. If it"
                + " means all live threads, " + THREAD_COUNT + " reads the VM's counter; a group's own"
                + " count is better kept where its threads start and end (a LongAdder)")
        .build();
  }

  @Override
  public Description matchMemberReference(MemberReferenceTree tree, VisitorState state) {
    return profiled.report(findMemberReference(tree, state), state);
  }

  private Description findMemberReference(MemberReferenceTree tree, VisitorState state) {
    if (!MethodNames.isReferenceNamed(tree, "activeCount") || NonProductionCode.contains(state)) {
      return Description.NO_MATCH;
    }
    if (THREAD_ACTIVE_COUNT.matches(tree, state)) {
      // A function that counts threads is registered to be called again and again: a gauge.
      SuggestedFix.Builder fix = SuggestedFix.builder();
      String bean =
          threadMXBeanInScope(state)
              .orElseGet(() -> Imports.use("java.lang.management.ManagementFactory", fix, state) + ".getThreadMXBean()");
      return buildDescription(tree)
          .setMessage(
              "Thread::activeCount copies every live thread to count one group" + FROM_19 + ", each time it"
                  + " is called:"
                  + " ManagementFactory.getThreadMXBean()::getThreadCount reads the VM's counter")
          .addFix(fix.replace(tree, bean + "::getThreadCount").build())
          .build();
    }
    if (GROUP_ACTIVE_COUNT.matches(tree, state)) {
      return buildDescription(tree)
          .setMessage(
              "A ThreadGroup's activeCount() copies the group's threads on every call. If the gauge means"
                  + " all live threads, use ManagementFactory.getThreadMXBean()::getThreadCount")
          .build();
    }
    return Description.NO_MATCH;
  }

  private static SuggestedFix threadCountFix(ExpressionTree replaced, VisitorState state) {
    Optional<String> bean = threadMXBeanInScope(state);
    if (bean.isPresent()) {
      return SuggestedFix.replace(replaced, bean.get() + ".getThreadCount()");
    }
    SuggestedFix.Builder fix = SuggestedFix.builder();
    String management = Imports.use("java.lang.management.ManagementFactory", fix, state);
    return fix.replace(replaced, management + ".getThreadMXBean().getThreadCount()").build();
  }

  /**
   * A final {@code ThreadMXBean} field of the class that this code can name: the fix reads the
   * count from it rather than look the bean up again ({@code ManagementFactory.getThreadMXBean()}
   * is a platform-MXBean lookup that allocates on every call).
   */
  private static Optional<String> threadMXBeanInScope(VisitorState state) {
    Type beanType = THREAD_MX_BEAN.get(state);
    ClassTree owner = ASTHelpers.findEnclosingNode(state.getPath(), ClassTree.class);
    if (beanType == null || owner == null) {
      return Optional.empty();
    }
    for (Tree member : owner.getMembers()) {
      Symbol field = member instanceof VariableTree ? ASTHelpers.getSymbol(member) : null;
      if (field != null
          && field.getModifiers().contains(Modifier.FINAL)
          && ASTHelpers.isSubtype(field.type, beanType, state)
          && field.equals(FindIdentifiers.findIdent(field.getSimpleName().toString(), state))
          && (field.isStatic() || !isStaticContext(state))) {
        return Optional.of(field.getSimpleName().toString());
      }
    }
    return Optional.empty();
  }

  private static boolean isStaticContext(VisitorState state) {
    for (Tree enclosing : state.getPath()) {
      if (enclosing instanceof MethodTree) {
        Symbol method = ASTHelpers.getSymbol(enclosing);
        return method == null || method.isStatic();
      }
      if (enclosing instanceof VariableTree && ASTHelpers.getSymbol(enclosing) != null
          && ASTHelpers.getSymbol(enclosing).getKind().isField()) {
        return ASTHelpers.getSymbol(enclosing).isStatic();
      }
      if (enclosing instanceof ClassTree) {
        return true; // an initializer block: no finding reaches here without a method
      }
    }
    return true;
  }

  private static final Supplier<Type> THREAD_MX_BEAN =
      VisitorState.memoize(state -> state.getTypeFromString("java.lang.management.ThreadMXBean"));

  /** {@code new Thread[activeCount()]} or {@code new Thread[activeCount() + k]}: an enumerate() follows. */
  private static boolean sizesAnArray(TreePath call) {
    for (TreePath p = call.getParentPath(); p != null; p = p.getParentPath()) {
      Tree leaf = p.getLeaf();
      if (leaf instanceof NewArrayTree) {
        return true;
      }
      if (!(leaf instanceof ExpressionTree) || leaf instanceof MethodInvocationTree) {
        return false;
      }
    }
    return false;
  }

  /**
   * A local walked up to the root group: {@code while (group.getParent() != null) group =
   * group.getParent();}. Its count is every live thread, which is what {@code getThreadCount()}
   * counts.
   */
  private static boolean isRootGroup(ExpressionTree receiver, VisitorState state) {
    if (!(receiver instanceof IdentifierTree)) {
      return false;
    }
    Symbol group = ASTHelpers.getSymbol(receiver);
    TreePath scope = EnclosingCode.methodOrLambdaPath(state.getPath());
    if (group == null || scope == null) {
      return false;
    }
    return TreeSearch.anyMatch(
        scope.getLeaf(),
        node -> {
          if (!(node instanceof WhileLoopTree)) {
            return false;
          }
          WhileLoopTree loop = (WhileLoopTree) node;
          return TreeSearch.anyMatch(loop.getCondition(), n -> n instanceof MethodInvocationTree && GET_PARENT.matches((ExpressionTree) n, state))
              && TreeSearch.anyMatch(
                  loop.getStatement(),
                  n -> n instanceof AssignmentTree
                      && group.equals(ASTHelpers.getSymbol(((AssignmentTree) n).getVariable()))
                      && ASTHelpers.stripParentheses(((AssignmentTree) n).getExpression()) instanceof MethodInvocationTree
                      && GET_PARENT.matches(((AssignmentTree) n).getExpression(), state));
        });
  }
}
