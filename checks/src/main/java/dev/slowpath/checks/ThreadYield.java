package dev.slowpath.checks;

import static com.google.errorprone.BugPattern.LinkType.CUSTOM;
import static com.google.errorprone.BugPattern.SeverityLevel.SUGGESTION;
import static com.google.errorprone.matchers.Matchers.staticMethod;

import com.google.auto.service.AutoService;
import com.google.errorprone.BugPattern;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import com.google.errorprone.bugpatterns.BugChecker.MethodInvocationTreeMatcher;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.fixes.SuggestedFixes;
import com.google.errorprone.matchers.Description;
import com.google.errorprone.matchers.Matcher;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.DoWhileLoopTree;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.WhileLoopTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import java.util.HashSet;
import java.util.Set;

/**
 * Flags the two {@code Thread.yield()} shapes that only cost: the "be fair" yield in a loop that
 * works through data, and the bare yield of a loop that polls a flag. Yields that are one tier of a
 * deliberate back-off (a branch of a retry loop, a wait strategy's step) are left alone.
 */
@AutoService(BugChecker.class)
@BugPattern(
    summary =
        "Thread.yield() enters the OS scheduler for nothing; the OS already preempts threads."
            + " In a spin-wait use Thread.onSpinWait()",
    severity = SUGGESTION,
    linkType = CUSTOM,
    link = Docs.BUGPATTERN + "ThreadYield.md")
public final class ThreadYield extends BugChecker implements MethodInvocationTreeMatcher {
  private static final long serialVersionUID = 1L;

  private static final Matcher<ExpressionTree> THREAD_YIELD =
      staticMethod().onClass("java.lang.Thread").named("yield");

  private static final String ATOMICS = "java.util.concurrent.atomic.";

  @Override
  public Description matchMethodInvocation(MethodInvocationTree tree, VisitorState state) {
    if (!MethodNames.isNoArgCallNamed(tree, "yield")
        || !THREAD_YIELD.matches(tree, state)
        || !(state.getPath().getParentPath().getLeaf() instanceof ExpressionStatementTree)
        || NonProductionCode.contains(state)) {
      return Description.NO_MATCH;
    }
    TreePath statement = state.getPath().getParentPath();
    TreePath loop = enclosingLoop(statement);
    if (loop == null) {
      // A yield outside any loop is one step of a caller's wait strategy (Disruptor's
      // YieldingWaitStrategy): whether it helps depends on that caller. No finding.
      return Description.NO_MATCH;
    }
    if (worksThroughData(loop.getLeaf())) {
      return StatementRemoval.removeEnclosingStatement(state)
          .map(fix -> describeMatch(tree, fix))
          .orElse(Description.NO_MATCH);
    }
    if (isFlagPoll(loop.getLeaf(), statement.getLeaf())) {
      if (!JavaTarget.atLeast(state, 9)) {
        return buildDescription(tree)
            .setMessage(message() + " (Thread.onSpinWait() needs Java 9; this code targets older.)")
            .build();
      }
      SuggestedFix.Builder fix = SuggestedFix.builder();
      String thread = SuggestedFixes.qualifyType(state, fix, "java.lang.Thread");
      return describeMatch(tree, fix.replace(tree, thread + ".onSpinWait()").build());
    }
    // A yield in one branch of a retry loop, or in a loop whose condition does work (a CAS, an
    // offer): a back-off tier chosen on purpose, as in ConcurrentHashMap.initTable.
    return Description.NO_MATCH;
  }

  private static TreePath enclosingLoop(TreePath statement) {
    for (TreePath path = statement.getParentPath(); path != null; path = path.getParentPath()) {
      Tree leaf = path.getLeaf();
      if (leaf instanceof WhileLoopTree
          || leaf instanceof DoWhileLoopTree
          || leaf instanceof ForLoopTree
          || leaf instanceof EnhancedForLoopTree) {
        return path;
      }
      if (leaf instanceof MethodTree || leaf instanceof LambdaExpressionTree || leaf instanceof ClassTree) {
        return null;
      }
    }
    return null;
  }

  /**
   * A loop over data: a for-each, or a counting {@code for} whose counter runs to the data's size
   * ({@code i < values.length}, {@code i < list.size()}). Its yield is the seed's "be fair" kind.
   * A counting loop bounded by anything else ({@code i < MAX_SPINS}, {@code waiters.get() > 0})
   * is a bounded retry, whose yield is a back-off.
   */
  private static boolean worksThroughData(Tree loop) {
    if (loop instanceof EnhancedForLoopTree) {
      return true;
    }
    if (!(loop instanceof ForLoopTree)
        || ((ForLoopTree) loop).getUpdate().isEmpty()
        || !(((ForLoopTree) loop).getCondition() instanceof BinaryTree)) {
      return false;
    }
    ForLoopTree forLoop = (ForLoopTree) loop;
    Set<Symbol> counters = new HashSet<>();
    for (StatementTree init : forLoop.getInitializer()) {
      Symbol symbol = ASTHelpers.getSymbol(init);
      if (symbol != null) {
        counters.add(symbol);
      }
    }
    BinaryTree condition = (BinaryTree) forLoop.getCondition();
    return (isCounter(condition.getLeftOperand(), counters) && isDataSize(condition.getRightOperand()))
        || (isCounter(condition.getRightOperand(), counters) && isDataSize(condition.getLeftOperand()));
  }

  private static boolean isCounter(ExpressionTree operand, Set<Symbol> counters) {
    return operand instanceof IdentifierTree && counters.contains(ASTHelpers.getSymbol(operand));
  }

  /** {@code values.length}, {@code list.size()}, {@code text.length()}. */
  private static boolean isDataSize(ExpressionTree operand) {
    ExpressionTree size = ASTHelpers.stripParentheses(operand);
    if (size instanceof MemberSelectTree) {
      return ((MemberSelectTree) size).getIdentifier().contentEquals("length");
    }
    if (size instanceof MethodInvocationTree && ((MethodInvocationTree) size).getArguments().isEmpty()) {
      CharSequence name = MethodNames.simpleName(((MethodInvocationTree) size).getMethodSelect());
      return "size".contentEquals(name) || "length".contentEquals(name);
    }
    return false;
  }

  /**
   * {@code while (!ready) Thread.yield();}: a waiting loop whose whole body is the yield and whose
   * condition only reads state — fields, locals and atomic getters, no call that acts.
   */
  private static boolean isFlagPoll(Tree loop, Tree statement) {
    StatementTree body;
    ExpressionTree condition;
    if (loop instanceof WhileLoopTree) {
      body = ((WhileLoopTree) loop).getStatement();
      condition = ((WhileLoopTree) loop).getCondition();
    } else if (loop instanceof DoWhileLoopTree) {
      body = ((DoWhileLoopTree) loop).getStatement();
      condition = ((DoWhileLoopTree) loop).getCondition();
    } else {
      body = ((ForLoopTree) loop).getStatement();
      condition = ((ForLoopTree) loop).getCondition();
    }
    boolean onlyTheYield =
        body == statement
            || (body instanceof BlockTree
                && ((BlockTree) body).getStatements().size() == 1
                && ((BlockTree) body).getStatements().get(0) == statement);
    return onlyTheYield && condition != null && onlyReads(condition);
  }

  private static boolean onlyReads(ExpressionTree condition) {
    return !TreeSearch.anyMatch(condition, ThreadYield::acts);
  }

  /** A call that is not an atomic read, an allocation, an assignment or an increment. */
  private static boolean acts(Tree node) {
    if (node instanceof MethodInvocationTree) {
      return !isAtomicRead((MethodInvocationTree) node);
    }
    switch (node.getKind()) {
      case NEW_CLASS:
      case NEW_ARRAY:
      case ASSIGNMENT:
      case PREFIX_INCREMENT:
      case PREFIX_DECREMENT:
      case POSTFIX_INCREMENT:
      case POSTFIX_DECREMENT:
        return true;
      default:
        return node instanceof CompoundAssignmentTree;
    }
  }

  /** {@code flag.get()}, {@code count.getAcquire()}: a no-argument getter of an atomic. */
  private static boolean isAtomicRead(MethodInvocationTree call) {
    Symbol method = ASTHelpers.getSymbol(call);
    return call.getArguments().isEmpty()
        && call.getMethodSelect() instanceof MemberSelectTree
        && method != null
        && method.getSimpleName().toString().startsWith("get")
        && method.owner.getQualifiedName().toString().startsWith(ATOMICS);
  }
}
