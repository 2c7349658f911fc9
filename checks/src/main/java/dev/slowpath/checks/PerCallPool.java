package dev.slowpath.checks;

import static com.google.errorprone.matchers.Matchers.staticMethod;

import com.google.errorprone.VisitorState;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.matchers.Matcher;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberReferenceTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.ElementKind;

/**
 * A thread pool from {@code Executors} held in a local and shut down in the method that built it:
 * its threads start and stop with every call. The virtual-thread rewrite keeps the method's own
 * shutdown and waits, and changes only the factory call.
 */
final class PerCallPool {
  private static final Matcher<ExpressionTree> POOL_FACTORY =
      staticMethod()
          .onClass("java.util.concurrent.Executors")
          .namedAnyOf("newFixedThreadPool", "newCachedThreadPool", "newSingleThreadExecutor", "newWorkStealingPool");

  private static final Set<String> ENDS = Set.of("shutdown", "shutdownNow", "close");
  private static final Set<String> SUBMITS = Set.of("submit", "execute", "invokeAll", "invokeAny");

  private final MethodInvocationTree factory;
  private final VariableTree declaration;
  private final Symbol pool;
  private final TreePath scope;
  private final List<TreePath> submissions;
  private final boolean assigned; // built in an assignment after the declaration ({@code pool = null; try { pool = …})
  private final boolean neverShutDown;

  private PerCallPool(
      MethodInvocationTree factory, VariableTree declaration, Symbol pool, TreePath scope, List<TreePath> submissions,
      boolean assigned, boolean neverShutDown) {
    this.factory = factory;
    this.declaration = declaration;
    this.pool = pool;
    this.scope = scope;
    this.submissions = submissions;
    this.assigned = assigned;
    this.neverShutDown = neverShutDown;
  }

  /**
   * Nothing ends the pool and nothing keeps it: its threads outlive the call that built them, a
   * leak of idle threads per call (a fixed pool's core threads never time out).
   */
  boolean neverShutDown() {
    return neverShutDown;
  }

  /** The pool {@code factory} builds, when it lives and ends in one call. */
  static Optional<PerCallPool> of(MethodInvocationTree factory, TreePath path, VisitorState state) {
    if (!POOL_FACTORY.matches(factory, state)) {
      return Optional.empty();
    }
    TreePath holder = path.getParentPath();
    while (holder.getLeaf() instanceof TypeCastTree || holder.getLeaf() instanceof ParenthesizedTree) {
      holder = holder.getParentPath();
    }
    Symbol pool;
    boolean assigned = false;
    if (holder.getLeaf() instanceof VariableTree) {
      pool = ASTHelpers.getSymbol(holder.getLeaf());
    } else if (holder.getLeaf() instanceof AssignmentTree && holder.getParentPath().getLeaf() instanceof ExpressionStatementTree) {
      pool = ASTHelpers.getSymbol(((AssignmentTree) holder.getLeaf()).getVariable());
      assigned = true;
    } else {
      return Optional.empty();
    }
    TreePath scope = EnclosingCode.methodOrLambdaPath(holder);
    if (pool == null || scope == null
        || pool.getKind() != ElementKind.LOCAL_VARIABLE && pool.getKind() != ElementKind.RESOURCE_VARIABLE) {
      return Optional.empty();
    }
    Optional<TreePath> declared = SymbolUses.declarationWithin(scope, pool);
    if (declared.isEmpty() || !(declared.get().getLeaf() instanceof VariableTree)) {
      return Optional.empty();
    }
    VariableTree declaration = (VariableTree) declared.get().getLeaf();
    List<TreePath> uses = usesIn(scope, pool);
    if (assigned && !(declaration.getInitializer() == null
        || declaration.getInitializer().getKind() == Tree.Kind.NULL_LITERAL) || assigned && assignments(uses) > 1) {
      return Optional.empty(); // the local holds more than this one pool
    }
    boolean ends = pool.getKind() == ElementKind.RESOURCE_VARIABLE || uses.stream().anyMatch(use -> ENDS.contains(calledOn(use)));
    boolean kept = uses.stream().anyMatch(PerCallPool::keeps);
    if (!ends && kept) {
      return Optional.empty(); // kept past the call: stored, returned or handed on
    }
    List<TreePath> submissions = new ArrayList<>();
    for (TreePath use : uses) {
      if (SUBMITS.contains(calledOn(use)) || use.getLeaf() instanceof MemberReferenceTree) {
        submissions.add(use);
      }
    }
    if (!ends && submissions.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new PerCallPool(factory, declaration, pool, scope, submissions, assigned, !ends));
  }

  /** {@code return pool;}, {@code this.pool = pool;}, {@code register(pool)}: the pool outlives the call by design. */
  private static boolean keeps(TreePath use) {
    Tree parent = use.getParentPath().getLeaf();
    return parent instanceof ReturnTree
        || parent instanceof AssignmentTree && ((AssignmentTree) parent).getExpression() == use.getLeaf()
        || parent instanceof VariableTree
        || parent instanceof MethodInvocationTree && ((MethodInvocationTree) parent).getArguments().contains(use.getLeaf())
        || parent instanceof NewClassTree
        || parent instanceof LambdaExpressionTree
        || use.getLeaf() instanceof MemberReferenceTree && !SUBMITS.contains(((MemberReferenceTree) use.getLeaf()).getName().toString());
  }

  private static long assignments(List<TreePath> uses) {
    return uses.stream()
        .filter(use -> use.getParentPath().getLeaf() instanceof AssignmentTree
            && ((AssignmentTree) use.getParentPath().getLeaf()).getVariable() == use.getLeaf()
            && ((AssignmentTree) use.getParentPath().getLeaf()).getExpression().getKind() != Tree.Kind.NULL_LITERAL)
        .count();
  }

  /** The virtual-thread executor in place of the factory call, or empty with the reason in {@code why}. */
  Optional<SuggestedFix> toVirtual(VisitorState state, StringBuilder why) {
    if (neverShutDown) {
      why.append("nothing shuts the pool down: shut it down where the call ends (try-with-resources from 19), or share one pool");
      return Optional.empty();
    }
    if (assigned) {
      why.append("the pool is assigned after its declaration; make one pool shared by the class, or build a virtual-thread executor there by hand");
      return Optional.empty();
    }
    String kind = MethodNames.simpleName(factory.getMethodSelect()).toString();
    if (kind.equals("newWorkStealingPool")) {
      why.append("a work-stealing pool runs fork/join work; keep one, shared by the class");
      return Optional.empty();
    }
    Symbol.MethodSymbol method = ASTHelpers.getSymbol(factory);
    if (method == null || method.getParameters().stream().anyMatch(p -> p.type.tsym.getSimpleName().contentEquals("ThreadFactory"))) {
      why.append("the pool's ThreadFactory names or configures its threads; keep one pool, shared by the class");
      return Optional.empty();
    }
    if (ASTHelpers.stripParentheses(declaration.getInitializer()) != factory || !isExecutorServiceOrVar(declaration, state)) {
      why.append("the pool is used as a ThreadPoolExecutor; keep one pool, shared by the class");
      return Optional.empty();
    }
    if (pool.getKind() != ElementKind.RESOURCE_VARIABLE
        && !WorkWaits.after(EnclosingCode.bodyOf(scope.getLeaf()), ASTHelpers.getStartPosition(declaration), state)) {
      why.append(
          "the method does not wait for the pool's work (awaitTermination, a future, a latch): a"
              + " virtual thread is always a daemon, so the JVM could exit before the work is done");
      return Optional.empty();
    }
    Optional<String> unbounded = boundIsLoadBearing(kind);
    if (unbounded.isPresent()) {
      why.append(unbounded.get());
      return Optional.empty();
    }
    for (TreePath submission : submissions) {
      Optional<TaskCode> task = Optional.empty();
      Tree parent = submission.getParentPath().getParentPath().getLeaf();
      if (parent instanceof MethodInvocationTree && !((MethodInvocationTree) parent).getArguments().isEmpty()) {
        task = TaskCode.of(((MethodInvocationTree) parent).getArguments().get(0), submission, state);
      }
      Optional<String> unsafe = VirtualThreads.unsafeFor(task, state);
      if (unsafe.isPresent()) {
        why.append(unsafe.get());
        return Optional.empty();
      }
    }
    SuggestedFix.Builder fix = SuggestedFix.builder();
    String executors = Imports.use("java.util.concurrent.Executors", fix, state);
    return Optional.of(fix.replace(factory, executors + ".newVirtualThreadPerTaskExecutor()").build());
  }

  /**
   * Why the pool's size limits the work in a way a virtual thread per task would not, or empty: a
   * cached pool has no limit; a fixed pool sized to a collection that gets one task per element
   * runs them all at once anyway; a one-thread pool given one task is that task's thread.
   */
  private Optional<String> boundIsLoadBearing(String kind) {
    if (kind.equals("newCachedThreadPool")) {
      return Optional.empty();
    }
    String limit =
        "the pool's size limits how many tasks run at once, which a virtual thread per task would"
            + " not; keep that limit (a Semaphore around the work, or one bounded pool shared by"
            + " the class)";
    ExpressionTree size = kind.equals("newFixedThreadPool") ? factory.getArguments().get(0) : null;
    Object constant = size == null ? Integer.valueOf(1) : ASTHelpers.constValue(size);
    if (Integer.valueOf(1).equals(constant)) {
      boolean oneTask = submissions.size() == 1 && Loops.innermost(submissions.get(0)) == null && !inForEach(submissions.get(0));
      return oneTask ? Optional.empty() : Optional.of(limit + "; here it also runs the tasks one after another");
    }
    String items = collectionSizedBy(size);
    if (items == null || submissions.isEmpty() || !submissions.stream().allMatch(s -> isPerElementOf(s, items))) {
      return Optional.of(limit);
    }
    return Optional.empty();
  }

  /** {@code c} of {@code c.size()} or {@code a} of {@code a.length}, as written; or null. */
  private static String collectionSizedBy(ExpressionTree size) {
    ExpressionTree stripped = ASTHelpers.stripParentheses(size);
    if (stripped instanceof MethodInvocationTree
        && MethodNames.isNoArgCallNamed((MethodInvocationTree) stripped, "size")
        && ((MethodInvocationTree) stripped).getMethodSelect() instanceof MemberSelectTree) {
      return ((MemberSelectTree) ((MethodInvocationTree) stripped).getMethodSelect()).getExpression().toString();
    }
    if (stripped instanceof MemberSelectTree && ((MemberSelectTree) stripped).getIdentifier().contentEquals("length")) {
      return ((MemberSelectTree) stripped).getExpression().toString();
    }
    return null;
  }

  /**
   * Whether the submission at {@code use} runs once per element of {@code items}: in a for-each
   * over it, in a {@code forEach} of a chain that starts at it, or {@code invokeAll(items)}.
   */
  private static boolean isPerElementOf(TreePath use, String items) {
    Tree call = use.getParentPath().getParentPath().getLeaf();
    if (call instanceof MethodInvocationTree
        && "invokeAll".contentEquals(calledOn(use))
        && ((MethodInvocationTree) call).getArguments().get(0).toString().equals(items)) {
      return true;
    }
    for (TreePath p = use.getParentPath(); p != null && !(p.getLeaf() instanceof MethodTree); p = p.getParentPath()) {
      Tree leaf = p.getLeaf();
      if (leaf instanceof EnhancedForLoopTree) {
        return ((EnhancedForLoopTree) leaf).getExpression().toString().equals(items);
      }
      if (leaf instanceof MethodInvocationTree && isForEach((MethodInvocationTree) leaf)) {
        return chainRoot((MethodInvocationTree) leaf).equals(items);
      }
    }
    return false;
  }

  private static boolean inForEach(TreePath use) {
    for (TreePath p = use.getParentPath(); p != null && !(p.getLeaf() instanceof MethodTree); p = p.getParentPath()) {
      if (p.getLeaf() instanceof MethodInvocationTree && isForEach((MethodInvocationTree) p.getLeaf())) {
        return true;
      }
    }
    return false;
  }

  private static boolean isForEach(MethodInvocationTree call) {
    return "forEach".contentEquals(MethodNames.simpleName(call.getMethodSelect()));
  }

  /** {@code c} of {@code c.stream().map(…).forEach(…)}, as written. */
  private static String chainRoot(MethodInvocationTree call) {
    ExpressionTree step = call;
    while (step instanceof MethodInvocationTree && ((MethodInvocationTree) step).getMethodSelect() instanceof MemberSelectTree) {
      step = ((MemberSelectTree) ((MethodInvocationTree) step).getMethodSelect()).getExpression();
    }
    return step.toString();
  }

  private static boolean isExecutorServiceOrVar(VariableTree declaration, VisitorState state) {
    if (ASTHelpers.hasImplicitType(declaration, state)) {
      return true;
    }
    Symbol symbol = ASTHelpers.getSymbol(declaration);
    String type = symbol == null || symbol.type == null ? "" : symbol.type.tsym.getQualifiedName().toString();
    return type.equals("java.util.concurrent.ExecutorService") || type.equals("java.util.concurrent.Executor");
  }

  /** The name of the method called on the pool at {@code use} ({@code pool.shutdown()}), or "". */
  private static String calledOn(TreePath use) {
    Tree parent = use.getParentPath().getLeaf();
    Tree grandParent = use.getParentPath().getParentPath().getLeaf();
    return parent instanceof MemberSelectTree && grandParent instanceof MethodInvocationTree
        ? ((MemberSelectTree) parent).getIdentifier().toString()
        : "";
  }

  /** Identifiers naming the pool; for a method reference on it ({@code pool::submit}), the reference. */
  private static List<TreePath> usesIn(TreePath scope, Symbol pool) {
    List<TreePath> uses = new ArrayList<>();
    for (TreePath use : SymbolUses.within(scope, pool)) {
      boolean referenced = use.getParentPath().getLeaf() instanceof MemberReferenceTree;
      uses.add(referenced ? use.getParentPath() : use);
    }
    return uses;
  }
}
