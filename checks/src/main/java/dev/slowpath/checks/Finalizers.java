package dev.slowpath.checks;

import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.TryTree;
import java.util.ArrayList;
import java.util.List;

/** What a {@code finalize()} does of its own: its statements without the {@code super.finalize()} chain. */
final class Finalizers {
  private Finalizers() {}

  /**
   * The statements of {@code body} without {@code super.finalize();}, and with {@code try { … }
   * finally { super.finalize(); }} unwrapped to its {@code try} block.
   */
  static List<StatementTree> ownWork(BlockTree body) {
    List<StatementTree> work = new ArrayList<>();
    for (StatementTree statement : body.getStatements()) {
      if (isSuperFinalize(statement)) {
        continue;
      }
      if (statement instanceof TryTree && chainsOnlyInFinally((TryTree) statement)) {
        work.addAll(((TryTree) statement).getBlock().getStatements());
        continue;
      }
      work.add(statement);
    }
    return work;
  }

  /** Whether the work came out of a {@code try … finally { super.finalize(); }}: one level deeper. */
  static boolean isWrapped(BlockTree body) {
    return body.getStatements().stream().anyMatch(s -> s instanceof TryTree && chainsOnlyInFinally((TryTree) s));
  }

  private static boolean chainsOnlyInFinally(TryTree attempt) {
    return attempt.getCatches().isEmpty()
        && attempt.getResources().isEmpty()
        && attempt.getFinallyBlock() != null
        && attempt.getFinallyBlock().getStatements().size() == 1
        && isSuperFinalize(attempt.getFinallyBlock().getStatements().get(0));
  }

  private static boolean isSuperFinalize(StatementTree statement) {
    if (!(statement instanceof ExpressionStatementTree)
        || !(((ExpressionStatementTree) statement).getExpression() instanceof MethodInvocationTree)) {
      return false;
    }
    MethodInvocationTree call = (MethodInvocationTree) ((ExpressionStatementTree) statement).getExpression();
    return MethodNames.isNoArgCallNamed(call, "finalize")
        && call.getMethodSelect() instanceof MemberSelectTree
        && ((MemberSelectTree) call.getMethodSelect()).getExpression() instanceof IdentifierTree
        && ((IdentifierTree) ((MemberSelectTree) call.getMethodSelect()).getExpression()).getName().contentEquals("super");
  }
}
