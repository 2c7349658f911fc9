package dev.slowpath.checks;

import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.BreakTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.ContinueTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.ThrowTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Whether a logging call runs only after a level check: inside an {@code if} or {@code ?:} whose
 * condition asks the level, on the right of an {@code &&} that does, or after an {@code if} that
 * asks and leaves the method or the pass ({@code if (!log.isDebugEnabled()) return;}). The test is
 * lenient on purpose — a check of another level, or of a flag that caches one ({@code if (debug)}),
 * counts — since reporting a call someone has guarded is worse than missing one.
 */
final class LevelGuard {
  private LevelGuard() {}

  /** Calls that ask a level: {@code isDebugEnabled()}, {@code isLoggable(FINE)}, {@code isEnabled(…)}. */
  private static final Pattern LEVEL_CHECK = Pattern.compile("is\\w*Enabled|isLoggable|isDebug\\w*|isTrace\\w*");

  /** Variables that cache one: {@code debug}, {@code traceEnabled}, {@code LOG_FINE}, {@code verbose}. */
  private static final Pattern CACHED_CHECK =
      Pattern.compile("(?i).*(debug|trace|fine|verbose|loggable|enabled|logging).*");

  static boolean guards(TreePath call) {
    Tree child = call.getLeaf();
    for (TreePath p = call.getParentPath(); p != null && !EnclosingCode.isBoundary(p.getLeaf()); p = p.getParentPath()) {
      Tree leaf = p.getLeaf();
      if (leaf instanceof IfTree && asksLevel(((IfTree) leaf).getCondition())) {
        return true;
      }
      if (leaf instanceof ConditionalExpressionTree && asksLevel(((ConditionalExpressionTree) leaf).getCondition())) {
        return true;
      }
      if (leaf instanceof BinaryTree
          && leaf.getKind() == Tree.Kind.CONDITIONAL_AND
          && ((BinaryTree) leaf).getRightOperand() == child
          && asksLevel(((BinaryTree) leaf).getLeftOperand())) {
        return true;
      }
      if (leaf instanceof BlockTree && exitsEarlierUnlessLevelOn(((BlockTree) leaf).getStatements(), child)) {
        return true;
      }
      child = leaf;
    }
    return false;
  }

  /** An {@code if} before {@code statement} in its block that asks the level and then leaves. */
  private static boolean exitsEarlierUnlessLevelOn(List<? extends StatementTree> statements, Tree statement) {
    for (StatementTree earlier : statements) {
      if (earlier == statement) {
        return false;
      }
      if (earlier instanceof IfTree
          && ((IfTree) earlier).getElseStatement() == null
          && asksLevel(((IfTree) earlier).getCondition())
          && leaves(((IfTree) earlier).getThenStatement())) {
        return true;
      }
    }
    return false;
  }

  private static boolean leaves(StatementTree statement) {
    List<? extends StatementTree> statements = Loops.statements(statement);
    if (statements.isEmpty()) {
      return false;
    }
    StatementTree last = statements.get(statements.size() - 1);
    return last instanceof ReturnTree || last instanceof ThrowTree || last instanceof ContinueTree || last instanceof BreakTree;
  }

  /** Logger call names: what a level-guarded branch may do and still be only logging. */
  private static final Pattern LOG_CALL =
      Pattern.compile("trace|debug|info|warn|warning|error|fine|finer|finest|config|log\\w*");

  /**
   * {@code if (log.isDebugEnabled()) { log.debug(…); }}: an {@code if} without {@code else} that
   * asks the level and then only calls logging methods.
   */
  static boolean isGuardedLogging(StatementTree statement) {
    if (!(statement instanceof IfTree)
        || ((IfTree) statement).getElseStatement() != null
        || !asksLevel(((IfTree) statement).getCondition())) {
      return false;
    }
    List<? extends StatementTree> then = Loops.statements(((IfTree) statement).getThenStatement());
    return !then.isEmpty()
        && then.stream()
            .allMatch(
                s ->
                    s instanceof ExpressionStatementTree
                        && ((ExpressionStatementTree) s).getExpression() instanceof MethodInvocationTree
                        && LOG_CALL.matcher(
                                MethodNames.simpleName(
                                    ((MethodInvocationTree) ((ExpressionStatementTree) s).getExpression()).getMethodSelect()))
                            .matches());
  }

  private static boolean asksLevel(Tree condition) {
    return TreeSearch.anyMatch(
        condition,
        node -> {
          if (node instanceof MethodInvocationTree) {
            CharSequence name = MethodNames.simpleName(((MethodInvocationTree) node).getMethodSelect());
            return name != null && LEVEL_CHECK.matcher(name).matches();
          }
          if (node instanceof IdentifierTree) {
            return CACHED_CHECK.matcher(((IdentifierTree) node).getName()).matches();
          }
          return node instanceof MemberSelectTree
              && CACHED_CHECK.matcher(((MemberSelectTree) node).getIdentifier()).matches();
        });
  }
}
