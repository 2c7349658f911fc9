package dev.slowpath.checks;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.CatchTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TryTree;
import com.sun.tools.javac.code.Flags;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Type;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.ElementKind;

/**
 * Statements that only close resources held in {@code private final} fields of a {@code
 * java.io.Closeable} type: {@code in.close();}, {@code if (in != null) in.close();}, and either in a
 * {@code try} whose {@code catch} ignores or logs the failure. Such a release can run without the
 * object — a {@code java.lang.ref.Cleaner} action can hold the resources instead of {@code this} —
 * and running it twice does nothing ({@code Closeable.close} of a closed resource has no effect).
 */
final class ReleasedResources {
  private ReleasedResources() {}

  /** The fields {@code statements} close, in order; empty when any statement is something else. */
  static Optional<List<Symbol.VarSymbol>> closedBy(List<? extends StatementTree> statements, VisitorState state) {
    Set<Symbol.VarSymbol> fields = new LinkedHashSet<>();
    for (StatementTree statement : statements) {
      if (!collect(statement, fields, state)) {
        return Optional.empty();
      }
    }
    return fields.isEmpty() ? Optional.empty() : Optional.of(new ArrayList<>(fields));
  }

  private static boolean collect(StatementTree statement, Set<Symbol.VarSymbol> fields, VisitorState state) {
    if (statement instanceof BlockTree) {
      for (StatementTree inner : ((BlockTree) statement).getStatements()) {
        if (!collect(inner, fields, state)) {
          return false;
        }
      }
      return true;
    }
    if (statement instanceof TryTree) {
      TryTree attempt = (TryTree) statement;
      return attempt.getResources().isEmpty()
          && attempt.getFinallyBlock() == null
          && attempt.getCatches().stream().allMatch(ReleasedResources::onlyReports)
          && collect(attempt.getBlock(), fields, state);
    }
    if (statement instanceof IfTree) {
      IfTree test = (IfTree) statement;
      Symbol.VarSymbol tested = nonNullTestOf(test.getCondition());
      if (tested == null || test.getElseStatement() != null) {
        return false;
      }
      Set<Symbol.VarSymbol> inside = new LinkedHashSet<>();
      if (!collect(test.getThenStatement(), inside, state) || !inside.equals(Set.of(tested))) {
        return false;
      }
      fields.addAll(inside);
      return true;
    }
    if (statement instanceof ExpressionStatementTree
        && ((ExpressionStatementTree) statement).getExpression() instanceof MethodInvocationTree) {
      Symbol.VarSymbol field = closedField((MethodInvocationTree) ((ExpressionStatementTree) statement).getExpression(), state);
      if (field != null) {
        fields.add(field);
        return true;
      }
    }
    return false;
  }

  /** {@code field.close()} on a private final Closeable field of this object, or null. */
  private static Symbol.VarSymbol closedField(MethodInvocationTree call, VisitorState state) {
    if (!MethodNames.isNoArgCallNamed(call, "close") || !(call.getMethodSelect() instanceof MemberSelectTree)) {
      return null;
    }
    return resourceField(((MemberSelectTree) call.getMethodSelect()).getExpression(), state);
  }

  /** {@code field} or {@code this.field}: a private final instance field of a Closeable type. */
  static Symbol.VarSymbol resourceField(ExpressionTree reference, VisitorState state) {
    ExpressionTree stripped = ASTHelpers.stripParentheses(reference);
    boolean onThis =
        stripped instanceof IdentifierTree
            || stripped instanceof MemberSelectTree
                && ((MemberSelectTree) stripped).getExpression() instanceof IdentifierTree
                && ((IdentifierTree) ((MemberSelectTree) stripped).getExpression()).getName().contentEquals("this");
    Symbol symbol = ASTHelpers.getSymbol(stripped);
    if (!onThis || !(symbol instanceof Symbol.VarSymbol) || symbol.getKind() != ElementKind.FIELD) {
      return null;
    }
    long flags = symbol.flags();
    Type closeable = state.getTypeFromString("java.io.Closeable");
    boolean isResource =
        (flags & Flags.PRIVATE) != 0
            && (flags & Flags.FINAL) != 0
            && (flags & Flags.STATIC) == 0
            && closeable != null
            && ASTHelpers.isSubtype(symbol.type, closeable, state);
    return isResource ? (Symbol.VarSymbol) symbol : null;
  }

  /** {@code field != null} / {@code null != field}: the field tested, or null. */
  private static Symbol.VarSymbol nonNullTestOf(ExpressionTree condition) {
    ExpressionTree stripped = ASTHelpers.stripParentheses(condition);
    if (stripped.getKind() != Tree.Kind.NOT_EQUAL_TO) {
      return null;
    }
    BinaryTree test = (BinaryTree) stripped;
    ExpressionTree other =
        test.getLeftOperand().getKind() == Tree.Kind.NULL_LITERAL ? test.getRightOperand()
            : test.getRightOperand().getKind() == Tree.Kind.NULL_LITERAL ? test.getLeftOperand() : null;
    Symbol symbol = other == null ? null : ASTHelpers.getSymbol(other);
    return symbol instanceof Symbol.VarSymbol ? (Symbol.VarSymbol) symbol : null;
  }

  /** A catch whose body does not change the object: empty, or printing/logging only. */
  private static boolean onlyReports(CatchTree handler) {
    return handler.getBlock().getStatements().stream()
        .allMatch(s -> s instanceof ExpressionStatementTree
            && ((ExpressionStatementTree) s).getExpression() instanceof MethodInvocationTree
            && TreeSearch.anyMatch(s, node -> node instanceof IdentifierTree
                && ((IdentifierTree) node).getName().contentEquals(handler.getParameter().getName())));
  }
}
