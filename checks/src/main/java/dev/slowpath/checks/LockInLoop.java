package dev.slowpath.checks;

import static com.google.errorprone.BugPattern.LinkType.CUSTOM;
import static com.google.errorprone.BugPattern.SeverityLevel.WARNING;

import com.google.auto.service.AutoService;
import com.google.errorprone.BugPattern;
import com.google.errorprone.ErrorProneFlags;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import com.google.errorprone.bugpatterns.BugChecker.MethodInvocationTreeMatcher;
import com.google.errorprone.bugpatterns.BugChecker.SynchronizedTreeMatcher;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.matchers.Description;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LabeledStatementTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.SynchronizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TryTree;
import com.sun.source.tree.WhileLoopTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Flags;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Type;
import dev.slowpath.checks.Profile.Cost;
import dev.slowpath.checks.ProfiledFindings.Tier;
import java.util.List;
import java.util.Optional;
import javax.inject.Inject;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;

/**
 * Flags a loop over data that takes and releases the same lock on every pass — {@code for (…) {
 * synchronized (lock) { … } }} or {@code lock.lock(); try { … } finally { lock.unlock(); }} —
 * and, when the critical section is the whole pass, takes the lock once around the loop instead.
 */
@AutoService(BugChecker.class)
@BugPattern(
    summary =
        "The same lock is taken and released on every pass of this loop; take it once around the"
            + " loop",
    severity = WARNING,
    linkType = CUSTOM,
    link = Docs.BUGPATTERN + "LockInLoop.md")
public final class LockInLoop extends BugChecker implements SynchronizedTreeMatcher, MethodInvocationTreeMatcher {
  private static final long serialVersionUID = 1L;

  private static final String LABELED_TEXT =
      ". A label names the loop, and the lock statement would come between them: move the lock"
          + " by hand";

  private static final String NO_FIX_TEXT = ". Move the lock around the loop by hand";

  private final ProfiledFindings profiled;

  public LockInLoop() {
    this(ErrorProneFlags.empty());
  }

  @Inject
  LockInLoop(ErrorProneFlags flags) {
    this.profiled = ProfiledFindings.of(this, flags, Tier.BEHIND_PROFILE, Cost.MONITOR_ENTER, Cost.LOCK_WAIT);
  }

  @Override
  public Description matchSynchronized(SynchronizedTree tree, VisitorState state) {
    return profiled.report(findSynchronized(tree, state), state);
  }

  private Description findSynchronized(SynchronizedTree tree, VisitorState state) {
    return CriticalSection.ofBlock(tree, state)
        .map(section -> match(section, state.getPath(), state))
        .orElse(Description.NO_MATCH);
  }

  @Override
  public Description matchMethodInvocation(MethodInvocationTree tree, VisitorState state) {
    return profiled.report(findMethodInvocation(tree, state), state);
  }

  private Description findMethodInvocation(MethodInvocationTree tree, VisitorState state) {
    if (!(state.getPath().getParentPath().getLeaf() instanceof ExpressionStatementTree)) {
      return Description.NO_MATCH;
    }
    if (SynchronizedCallee.isCandidate(tree)) {
      return matchCallee(tree, state);
    }
    if (!MethodNames.isNoArgCallNamed(tree, "lock")) {
      return Description.NO_MATCH;
    }
    TreePath statement = state.getPath().getParentPath();
    return CriticalSection.ofLockStatement(statement, state)
        .map(section -> match(section, statement, state))
        .orElse(Description.NO_MATCH);
  }

  private Description match(CriticalSection section, TreePath sectionPath, VisitorState state) {
    TreePath bodyPath = sectionPath.getParentPath();
    TreePath loopPath = bodyPath.getParentPath();
    // The section stands directly in the body of a loop over data: a for-each or counting for.
    if (!(bodyPath.getLeaf() instanceof BlockTree)
        || loopPath == null
        || !isLoopOverData(loopPath.getLeaf(), state)
        || Loops.body(loopPath.getLeaf()) != bodyPath.getLeaf()) {
      return Description.NO_MATCH;
    }
    Tree loop = loopPath.getLeaf();
    if (section.statements().isEmpty() // taking the lock is the work: coarsening would change it
        || section.onlyTally().isPresent() // CounterUnderLock removes this lock altogether
        || NonProductionCode.contains(state)
        || !isLoopInvariant(section, loopPath, state)
        || BlockingCalls.anyIn(loop, state)
        || alreadyHeld(section, loopPath, state)
        || holdsAnotherLock(section, state)
        || HeldBlocking.lockAlsoHeldAcrossBlocking(section, state)) { // BlockingInSynchronized's lock
      return Description.NO_MATCH;
    }
    Tree reportAt = section.first();
    List<? extends StatementTree> body = ((BlockTree) bodyPath.getLeaf()).getStatements();
    boolean wholePass =
        body.size() == (section.kind() == CriticalSection.Kind.LOCK_UNLOCK ? section.statements().size() + 2 : section.region().size())
            && body.get(0) == section.first()
            && body.get(body.size() - 1) == section.last();
    if (!wholePass) {
      // The pass does other work outside the lock: its author chose the lock's scope, and
      // HSQLDB's DatabaseManager shows why (it calls out to listeners between two lookups).
      return Description.NO_MATCH;
    }
    if (loopPath.getParentPath().getLeaf() instanceof LabeledStatementTree) {
      return buildDescription(reportAt).setMessage(message() + LABELED_TEXT).build();
    }
    return Coarsening.of(section, loop, state)
        .map(
            fix ->
                buildDescription(reportAt)
                    .setMessage(message() + ". Fix: take the lock once around the whole loop, not on every pass")
                    .addFix(fix)
                    .build())
        .orElseGet(() -> buildDescription(reportAt).setMessage(message() + NO_FIX_TEXT).build());
  }

  /**
   * A second lock taken inside the section: lock order matters there, and coarsening one would
   * expose the other to a second patch run. Left alone.
   */
  private static boolean holdsAnotherLock(CriticalSection section, VisitorState state) {
    for (StatementTree statement : section.statements()) {
      if (TreeSearch.anyMatch(
          statement,
          node ->
              node instanceof SynchronizedTree
                  || (node instanceof MethodInvocationTree
                      && MethodNames.isNoArgCallNamed((MethodInvocationTree) node, "lock")))) {
        return true;
      }
    }
    return false;
  }

  /**
   * A loop over data calls a {@code synchronized} method of this object (or class) as a whole
   * statement of its body: the callee enters the monitor once per element. Reported without a
   * fix: the pass's other work would have to move under the lock too.
   */
  private Description matchCallee(MethodInvocationTree call, VisitorState state) {
    TreePath statement = state.getPath().getParentPath();
    TreePath loopPath = statement.getParentPath();
    if (loopPath.getLeaf() instanceof BlockTree) {
      loopPath = loopPath.getParentPath();
    }
    if (loopPath == null
        || !Loops.isLoop(loopPath.getLeaf())
        || !(Loops.body(loopPath.getLeaf()) == statement.getLeaf()
            || Loops.body(loopPath.getLeaf()) == statement.getParentPath().getLeaf())
        || !isLoopOverData(loopPath.getLeaf(), state)
        || NonProductionCode.contains(state)
        || BlockingCalls.anyIn(loopPath.getLeaf(), state)) {
      return Description.NO_MATCH;
    }
    Symbol.MethodSymbol callee = ASTHelpers.getSymbol(call);
    String monitor = callee.isStatic() ? callee.owner.getSimpleName() + ".class" : "this";
    // Cheapest first: the callee's body comes from a per-file index; the callers need a scan.
    if (monitorHeldAround(loopPath, callee.isStatic(), state)
        || SynchronizedCallee.shortSection(call, state).isEmpty()
        || everyCallerHoldsTheMonitor(loopPath, callee.isStatic(), state)) {
      return Description.NO_MATCH;
    }
    String name = callee.getSimpleName() + (call.getArguments().isEmpty() ? "()" : "(…)");
    return buildDescription(call)
        .setMessage(
            "`" + name + "` is synchronized, and this loop calls it on every pass: the monitor of `" + monitor
                + "` is entered and left once per element. Take it once around the loop (`synchronized ("
                + monitor + ") { for … }`: the calls inside then re-enter a monitor the thread already holds,"
                + " and no other thread takes it between two elements), or give the class a method that does"
                + " the whole batch under one lock. No fix is offered: the loop's other work would run under the lock too")
        .build();
  }

  /**
   * The loop is in a private method that this file calls only under the callee's monitor (a
   * helper of synchronized methods): every enter in the loop is already a reentry.
   */
  private static boolean everyCallerHoldsTheMonitor(TreePath loopPath, boolean classMonitor, VisitorState state) {
    MethodTree method = EnclosingCode.method(loopPath);
    Symbol helper = method == null ? null : ASTHelpers.getSymbol(method);
    if (helper == null || !helper.isPrivate() || EnclosingCode.methodOrLambda(loopPath) != method) {
      return false;
    }
    List<TreePath> calls = SymbolUses.in(state.getPath().getCompilationUnit(), helper);
    return !calls.isEmpty() && calls.stream().allMatch(call -> monitorHeldAround(call, classMonitor, state));
  }

  /** The loop already runs under the monitor a synchronized callee takes: its enters are reentries. */
  private static boolean monitorHeldAround(TreePath loopPath, boolean classMonitor, VisitorState state) {
    Optional<CriticalSection> outer = CriticalSection.around(loopPath, state);
    if (outer.isEmpty()) {
      return false;
    }
    if (outer.get().kind() == CriticalSection.Kind.SYNCHRONIZED_METHOD) {
      return outer.get().lock().equals(classMonitor ? "class" : "this");
    }
    return classMonitor ? outer.get().lock().endsWith(".class") : outer.get().lock().equals("this");
  }

  /**
   * A loop that ends when its data does: a for-each, a counting {@code for}, an iterator walk
   * ({@code while (it.hasNext())}, {@code for (Iterator<T> it = …; it.hasNext(); )}) or a drain
   * ({@code while ((x = queue.poll()) != null)}). Not {@code while (running)}, {@code for (;;)}
   * or {@code do}: a service loop that held its lock for its whole life would starve everyone else.
   */
  private static boolean isLoopOverData(Tree loop, VisitorState state) {
    if (loop instanceof EnhancedForLoopTree || isCountingFor(loop)) {
      return true;
    }
    if (!(loop instanceof WhileLoopTree || loop instanceof ForLoopTree) || Loops.condition(loop) == null) {
      return false;
    }
    ExpressionTree condition = ASTHelpers.stripParentheses(Loops.condition(loop));
    return isIteratorWalk(condition, state) || isDrain(condition);
  }

  private static boolean isIteratorWalk(ExpressionTree condition, VisitorState state) {
    if (!(condition instanceof MethodInvocationTree)) {
      return false;
    }
    MethodInvocationTree call = (MethodInvocationTree) condition;
    if (!MethodNames.isNoArgCallNamed(call, "hasNext") && !MethodNames.isNoArgCallNamed(call, "hasMoreElements")) {
      return false;
    }
    ExpressionTree receiver = ASTHelpers.getReceiver(call);
    Type type = receiver == null ? null : ASTHelpers.getType(receiver);
    return type != null
        && (ASTHelpers.isSubtype(type, state.getTypeFromString("java.util.Iterator"), state)
            || ASTHelpers.isSubtype(type, state.getTypeFromString("java.util.Enumeration"), state));
  }

  /** {@code (x = source.next()) != null}: each pass takes one element until none is left. */
  private static boolean isDrain(ExpressionTree condition) {
    if (!(condition instanceof BinaryTree) || condition.getKind() != Tree.Kind.NOT_EQUAL_TO) {
      return false;
    }
    BinaryTree test = (BinaryTree) condition;
    ExpressionTree other =
        test.getRightOperand().getKind() == Tree.Kind.NULL_LITERAL
            ? test.getLeftOperand()
            : test.getLeftOperand().getKind() == Tree.Kind.NULL_LITERAL ? test.getRightOperand() : null;
    other = other == null ? null : ASTHelpers.stripParentheses(other);
    return other instanceof AssignmentTree
        && ASTHelpers.stripParentheses(((AssignmentTree) other).getExpression()) instanceof MethodInvocationTree;
  }

  /** {@code for (int i = 0; i < n; i++)}: an initializer, a condition and an update. */
  private static boolean isCountingFor(Tree loop) {
    return loop instanceof ForLoopTree
        && !((ForLoopTree) loop).getInitializer().isEmpty()
        && ((ForLoopTree) loop).getCondition() != null
        && !((ForLoopTree) loop).getUpdate().isEmpty();
  }

  /**
   * The same lock on every pass: {@code this}, a class literal, a final field, or a parameter or
   * local declared outside the loop and never reassigned. A lock per element ({@code
   * synchronized (node)}, {@code buckets[i]}) is striping, a design.
   */
  private static boolean isLoopInvariant(CriticalSection section, TreePath loopPath, VisitorState state) {
    if (section.kind() == CriticalSection.Kind.SYNCHRONIZED_METHOD) {
      return false;
    }
    ExpressionTree lock = section.lockExpression();
    if (lock == null) {
      return false;
    }
    if (lock instanceof IdentifierTree && ((IdentifierTree) lock).getName().contentEquals("this")) {
      return true;
    }
    if (lock instanceof MemberSelectTree && ((MemberSelectTree) lock).getIdentifier().contentEquals("class")) {
      return true;
    }
    return isInvariant(lock, loopPath);
  }

  /**
   * An expression that names the same object on every pass: a final field, a local or parameter
   * declared outside the loop and never reassigned, or a final field of one of those ({@code
   * connection.callbacks} with {@code connection} final); {@code other.lock} with {@code other}
   * changing per pass is not.
   */
  private static boolean isInvariant(ExpressionTree lock, TreePath loopPath) {
    if (lock instanceof MemberSelectTree
        && !(((MemberSelectTree) lock).getExpression() instanceof IdentifierTree
            && ((IdentifierTree) ((MemberSelectTree) lock).getExpression()).getName().contentEquals("this"))) {
      ExpressionTree qualifier = ASTHelpers.stripParentheses(((MemberSelectTree) lock).getExpression());
      Symbol owner = ASTHelpers.getSymbol(qualifier);
      if (owner == null || (owner.getKind() != ElementKind.CLASS && !isInvariant(qualifier, loopPath))) {
        return false; // other.lock: depends on other
      }
    }
    if (!(lock instanceof IdentifierTree || lock instanceof MemberSelectTree)) {
      return false;
    }
    Symbol symbol = ASTHelpers.getSymbol(lock);
    if (symbol == null) {
      return false;
    }
    switch (symbol.getKind()) {
      case FIELD:
        return (symbol.flags() & Flags.FINAL) != 0;
      case LOCAL_VARIABLE:
      case PARAMETER:
        return (symbol.flags() & (Flags.FINAL | Flags.EFFECTIVELY_FINAL)) != 0
            && !TreeSearch.anyMatch(loopPath.getLeaf(), node -> symbol.equals(ASTHelpers.getSymbol(node)) && node instanceof com.sun.source.tree.VariableTree);
      default:
        return false;
    }
  }

  /** Code that already holds the lock around the loop: the per-pass locking is a reentry. */
  private static boolean alreadyHeld(CriticalSection section, TreePath loopPath, VisitorState state) {
    Optional<CriticalSection> outer = CriticalSection.around(loopPath, state);
    if (outer.isEmpty()) {
      return false;
    }
    String outerLock = outer.get().lock();
    if (outer.get().kind() == CriticalSection.Kind.SYNCHRONIZED_METHOD) {
      MethodTree method = (MethodTree) outer.get().first();
      return !method.getModifiers().getFlags().contains(Modifier.STATIC) && section.lock().equals("this");
    }
    return outerLock.equals(section.lock());
  }

  /** The coarsened loop, written by swapping the loop's and the section's opening and closing. */
  private static final class Coarsening {
    private Coarsening() {}

    static Optional<SuggestedFix> of(CriticalSection section, Tree loop, VisitorState state) {
      CharSequence source = state.getSourceCode();
      BlockTree body = (BlockTree) Loops.body(loop);
      int loopStart = ASTHelpers.getStartPosition(loop);
      int bodyOpen = ASTHelpers.getStartPosition(body);
      int loopEnd = state.getEndPosition(loop);
      if (source == null || loopStart < 0 || bodyOpen <= loopStart || loopEnd <= bodyOpen) {
        return Optional.empty();
      }
      String loopHeader = source.subSequence(loopStart, bodyOpen + 1).toString();
      String outerIndent = Indentation.before(source, loopStart);
      String innerIndent = Indentation.before(source, ASTHelpers.getStartPosition(section.first()));
      if (outerIndent == null || innerIndent == null) {
        return Optional.empty();
      }
      switch (section.kind()) {
        case SYNCHRONIZED_BLOCK:
          {
            SynchronizedTree block = (SynchronizedTree) section.first();
            int start = ASTHelpers.getStartPosition(block);
            int open = ASTHelpers.getStartPosition(block.getBlock());
            return Optional.of(
                SuggestedFix.builder()
                    .replace(loopStart, bodyOpen + 1, source.subSequence(start, open + 1).toString())
                    .replace(start, open + 1, loopHeader)
                    .build());
          }
        case LOCK_TRY_FINALLY:
          {
            TryTree tryTree = (TryTree) section.last();
            String lockText = state.getSourceForNode(section.first());
            String unlockText = state.getSourceForNode(tryTree.getFinallyBlock().getStatements().get(0));
            int tryOpen = ASTHelpers.getStartPosition(tryTree.getBlock());
            int tryClose = state.getEndPosition(tryTree.getBlock()) - 1;
            return Optional.of(
                SuggestedFix.builder()
                    .replace(loopStart, tryOpen + 1, lockText + "\n" + outerIndent + "try {\n" + innerIndent + loopHeader)
                    .replace(
                        tryClose,
                        loopEnd,
                        "}\n" + outerIndent + "} finally {\n" + innerIndent + unlockText + "\n" + outerIndent + "}")
                    .build());
          }
        case LOCK_UNLOCK:
          {
            String lockText = state.getSourceForNode(section.first());
            String unlockText = state.getSourceForNode(section.last());
            int unlockStart = ASTHelpers.getStartPosition(section.last());
            int unlockLine = unlockStart - innerIndent.length();
            if (!innerIndent.equals(Indentation.before(source, unlockStart))) {
              return Optional.empty();
            }
            return Optional.of(
                SuggestedFix.builder()
                    .replace(loopStart, state.getEndPosition(section.first()), lockText + "\n" + outerIndent + loopHeader)
                    .replace(unlockLine, loopEnd, outerIndent + "}\n" + outerIndent + unlockText)
                    .build());
          }
        default:
          return Optional.empty();
      }
    }
  }
}
