package dev.slowpath.checks;

import static com.google.errorprone.BugPattern.LinkType.CUSTOM;
import static com.google.errorprone.BugPattern.SeverityLevel.SUGGESTION;
import static com.google.errorprone.matchers.Matchers.staticMethod;

import com.google.auto.service.AutoService;
import com.google.errorprone.BugPattern;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import com.google.errorprone.bugpatterns.BugChecker.MemberReferenceTreeMatcher;
import com.google.errorprone.bugpatterns.BugChecker.MethodInvocationTreeMatcher;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.fixes.SuggestedFixes;
import com.google.errorprone.matchers.Description;
import com.google.errorprone.matchers.Matcher;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.DoWhileLoopTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.MemberReferenceTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.WhileLoopTree;
import com.sun.source.util.TreePath;

/**
 * Flags {@code Thread.yield()}: a {@code sched_yield} system call that the JVM's threads never
 * needed for fairness, since the OS scheduler preempts them anyway.
 */
@AutoService(BugChecker.class)
@BugPattern(
    summary =
        "Thread.yield() enters the OS scheduler for nothing; the OS already preempts threads."
            + " In a spin-wait use Thread.onSpinWait()",
    severity = SUGGESTION,
    linkType = CUSTOM,
    link = Docs.BUGPATTERN + "ThreadYield.md")
public final class ThreadYield extends BugChecker
    implements MethodInvocationTreeMatcher, MemberReferenceTreeMatcher {
  private static final long serialVersionUID = 1L;

  private static final Matcher<ExpressionTree> THREAD_YIELD =
      staticMethod().onClass("java.lang.Thread").named("yield");

  @Override
  public Description matchMethodInvocation(MethodInvocationTree tree, VisitorState state) {
    if (!MethodNames.isNoArgCallNamed(tree, "yield")
        || !THREAD_YIELD.matches(tree, state)
        || NonProductionCode.contains(state)) {
      return Description.NO_MATCH;
    }
    if (isSpinWaitPass(state.getPath())) {
      if (!JavaTarget.atLeast(state, 9)) {
        return buildDescription(tree)
            .setMessage(message() + " (Thread.onSpinWait() needs Java 9; this code targets older.)")
            .build();
      }
      SuggestedFix.Builder fix = SuggestedFix.builder();
      String thread = SuggestedFixes.qualifyType(state, fix, "java.lang.Thread");
      return describeMatch(tree, fix.replace(tree, thread + ".onSpinWait()").build());
    }
    return StatementRemoval.removeEnclosingStatement(state)
        .map(fix -> describeMatch(tree, fix))
        .orElseGet(
            () ->
                buildDescription(tree)
                    .setMessage(message() + " Remove the task that only yields.")
                    .build());
  }

  @Override
  public Description matchMemberReference(MemberReferenceTree tree, VisitorState state) {
    if (!MethodNames.isReferenceNamed(tree, "yield")
        || !THREAD_YIELD.matches(tree, state)
        || NonProductionCode.contains(state)) {
      return Description.NO_MATCH;
    }
    return describeMatch(tree);
  }

  /**
   * Whether the yield runs on every pass of a waiting loop ({@code while}, {@code do}, {@code
   * for (;;)}): the statement is the loop's body or stands unconditionally in it. A yield that runs
   * now and then (inside an {@code if}), or once per item of a counting or for-each loop, is the
   * "be fair" kind, which is simply deleted.
   */
  private static boolean isSpinWaitPass(TreePath call) {
    TreePath statement = call.getParentPath();
    if (statement == null || !(statement.getLeaf() instanceof ExpressionStatementTree)) {
      return false;
    }
    Tree parent = statement.getParentPath().getLeaf();
    if (parent instanceof BlockTree) {
      TreePath owner = statement.getParentPath().getParentPath();
      return owner != null && isLoopWithBody(owner.getLeaf(), parent);
    }
    return isLoopWithBody(parent, statement.getLeaf());
  }

  private static boolean isLoopWithBody(Tree loop, Tree body) {
    StatementTree loopBody;
    if (loop instanceof WhileLoopTree) {
      loopBody = ((WhileLoopTree) loop).getStatement();
    } else if (loop instanceof DoWhileLoopTree) {
      loopBody = ((DoWhileLoopTree) loop).getStatement();
    } else if (loop instanceof ForLoopTree && ((ForLoopTree) loop).getUpdate().isEmpty()) {
      loopBody = ((ForLoopTree) loop).getStatement();
    } else {
      // A counting or for-each loop walks through work: its yield is the "be fair" kind.
      return false;
    }
    return loopBody == body;
  }
}
