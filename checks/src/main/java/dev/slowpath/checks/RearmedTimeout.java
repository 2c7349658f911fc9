package dev.slowpath.checks;

import com.google.errorprone.VisitorState;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Type;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.ElementKind;

/**
 * A timeout re-armed per message: {@code future.cancel(false); future = executor.schedule(…);} on
 * a {@code ScheduledThreadPoolExecutor} that keeps cancelled tasks in its queue until their delay
 * ends ({@code ScheduledFutureTask.cancel} removes a task only under {@code
 * setRemoveOnCancelPolicy(true)}). The fix turns that policy on where this file builds the
 * executor.
 */
final class RearmedTimeout {
  private static final String STPE = "java.util.concurrent.ScheduledThreadPoolExecutor";

  private final Symbol executor;

  private RearmedTimeout(Symbol executor) {
    this.executor = executor;
  }

  /** The re-armed timeout at {@code schedule}: its result replaces a future cancelled just before. */
  static Optional<RearmedTimeout> of(MethodInvocationTree schedule, TreePath path, VisitorState state) {
    Tree parent = path.getParentPath().getLeaf();
    if (!(parent instanceof AssignmentTree) || !(path.getParentPath().getParentPath().getLeaf() instanceof ExpressionStatementTree)) {
      return Optional.empty();
    }
    Symbol future = ASTHelpers.getSymbol(((AssignmentTree) parent).getVariable());
    TreePath statement = path.getParentPath().getParentPath();
    if (future == null || future.getKind() != ElementKind.FIELD || !(statement.getParentPath().getLeaf() instanceof BlockTree)) {
      return Optional.empty();
    }
    List<? extends StatementTree> block = ((BlockTree) statement.getParentPath().getLeaf()).getStatements();
    int index = block.indexOf(statement.getLeaf());
    boolean cancelledBefore = false;
    for (int i = 0; i < index && !cancelledBefore; i++) {
      cancelledBefore = cancels(block.get(i), future);
    }
    ExpressionTree receiver = ((MemberSelectTree) schedule.getMethodSelect()).getExpression();
    Symbol executor = ASTHelpers.getSymbol(receiver);
    if (!cancelledBefore || executor == null || executor.getKind() != ElementKind.FIELD) {
      return Optional.empty();
    }
    RearmedTimeout rearmed = new RearmedTimeout(executor);
    return rearmed.alreadyRemovesOnCancel(state) ? Optional.empty() : Optional.of(rearmed);
  }

  /** {@code f.cancel(…);} or {@code if (f != null) f.cancel(…);}. */
  private static boolean cancels(StatementTree statement, Symbol future) {
    if (statement instanceof IfTree && ((IfTree) statement).getElseStatement() == null) {
      List<? extends StatementTree> then = Loops.statements(((IfTree) statement).getThenStatement());
      return then.size() == 1 && cancels(then.get(0), future);
    }
    if (!(statement instanceof ExpressionStatementTree)
        || !(((ExpressionStatementTree) statement).getExpression() instanceof MethodInvocationTree)) {
      return false;
    }
    MethodInvocationTree call = (MethodInvocationTree) ((ExpressionStatementTree) statement).getExpression();
    return "cancel".contentEquals(MethodNames.simpleName(call.getMethodSelect()))
        && call.getMethodSelect() instanceof MemberSelectTree
        && future.equals(ASTHelpers.getSymbol(((MemberSelectTree) call.getMethodSelect()).getExpression()));
  }

  private boolean alreadyRemovesOnCancel(VisitorState state) {
    return TreeSearch.anyMatch(
        state.getPath().getCompilationUnit(),
        node ->
            node instanceof MethodInvocationTree
                && "setRemoveOnCancelPolicy".contentEquals(MethodNames.simpleName(((MethodInvocationTree) node).getMethodSelect())));
  }

  /**
   * {@code setRemoveOnCancelPolicy(true)} right after every place this file builds the executor
   * with {@code new ScheduledThreadPoolExecutor(…)}: its field's initializer (an initializer block
   * follows the field) and each assignment statement (a {@code start()} that builds it again after
   * a {@code stop()}). Empty when the field is also given an executor built elsewhere.
   */
  Optional<SuggestedFix> fix(VisitorState state) {
    Optional<TreePath> declaration = SymbolUses.declaration(state.getPath().getCompilationUnit(), executor);
    if (declaration.isEmpty()) {
      return Optional.empty();
    }
    VariableTree field = (VariableTree) declaration.get().getLeaf();
    String indent = Indentation.before(state.getSourceCode(), ASTHelpers.getStartPosition(field));
    if (indent == null || (field.getInitializer() != null && !isPoolCreation(field.getInitializer(), state))) {
      return Optional.empty();
    }
    SuggestedFix.Builder fix = SuggestedFix.builder();
    boolean built = false;
    String name = executor.getSimpleName().toString();
    if (field.getInitializer() != null) {
      String target = isDeclaredAsPool(state) ? name : "((" + Imports.use(STPE, fix, state) + ") " + name + ")";
      String block = (executor.isStatic() ? "static " : "") + "{\n" + indent + "  " + target + ".setRemoveOnCancelPolicy(true);\n" + indent + "}";
      fix.postfixWith(field, "\n" + indent + block);
      built = true;
    }
    for (TreePath use : SymbolUses.in(state.getPath().getCompilationUnit(), executor)) {
      Tree parent = use.getParentPath().getLeaf();
      if (!(parent instanceof AssignmentTree) || ((AssignmentTree) parent).getVariable() != use.getLeaf()) {
        continue;
      }
      ExpressionTree value = ((AssignmentTree) parent).getExpression();
      if (value.getKind() == Tree.Kind.NULL_LITERAL) {
        continue; // stop(): no executor until the next start()
      }
      TreePath statementPath = use.getParentPath().getParentPath();
      Tree statement = statementPath.getLeaf();
      if (!(statementPath.getParentPath().getLeaf() instanceof BlockTree)) {
        return Optional.empty(); // `if (x) timer = new …;`: no statement can follow inside the if
      }
      String statementIndent = Indentation.before(state.getSourceCode(), ASTHelpers.getStartPosition(statement));
      if (!isPoolCreation(value, state) || !(statement instanceof ExpressionStatementTree) || statementIndent == null) {
        return Optional.empty();
      }
      String variable = state.getSourceForNode(((AssignmentTree) parent).getVariable());
      String call = isDeclaredAsPool(state) ? variable : "((" + Imports.use(STPE, fix, state) + ") " + variable + ")";
      fix.postfixWith(statement, "\n" + statementIndent + call + ".setRemoveOnCancelPolicy(true);");
      built = true;
    }
    return built ? Optional.of(fix.build()) : Optional.empty();
  }

  private boolean isDeclaredAsPool(VisitorState state) {
    Type pool = state.getTypeFromString(STPE);
    return pool != null && ASTHelpers.isSubtype(executor.type, pool, state);
  }

  private static boolean isPoolCreation(ExpressionTree expression, VisitorState state) {
    if (!(expression instanceof NewClassTree) || ((NewClassTree) expression).getClassBody() != null) {
      return false;
    }
    Type type = ASTHelpers.getType(expression);
    return type != null && type.tsym.getQualifiedName().contentEquals(STPE);
  }
}
