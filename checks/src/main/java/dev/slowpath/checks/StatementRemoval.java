package dev.slowpath.checks;

import com.google.errorprone.VisitorState;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.CaseTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.DoWhileLoopTree;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.InstanceOfTree;
import com.sun.source.tree.LabeledStatementTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.tree.WhileLoopTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Type;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Deletes a statement the way a person would: the whole line with its trailing comment, no blank
 * line left doubled, an {@code if} that guarded nothing else removed with it, and {@code {}} where
 * Java needs a statement. Shared by the checks whose fix is "delete the call".
 */
final class StatementRemoval {
  /**
   * Calls that another Slowpath check may delete on a neighbouring line; the blank-line clean-up
   * leaves their lines alone so that two deletions never claim the same characters.
   */
  private static final Set<String> DELETABLE_CALLS = Set.of("gc", "yield");

  private StatementRemoval() {}

  /**
   * A fix that removes the expression statement around the call at {@code state}'s path, or empty
   * when removing it would leave code that no longer says anything (an empty lambda body).
   */
  static Optional<SuggestedFix> removeEnclosingStatement(VisitorState state) {
    TreePath statement = state.getPath().getParentPath();
    if (statement == null || !(statement.getLeaf() instanceof ExpressionStatementTree)) {
      return Optional.empty();
    }
    return removeStatement(statement, state);
  }

  /** A fix that removes the statement at {@code statementPath}, as {@link #removeEnclosingStatement}. */
  static Optional<SuggestedFix> removeStatement(TreePath statementPath, VisitorState state) {
    StatementTree statement = (StatementTree) statementPath.getLeaf();
    TreePath parentPath = statementPath.getParentPath();
    Tree parent = parentPath.getLeaf();
    if (parent instanceof ClassTree && statement instanceof VariableTree) {
      return Optional.of(deleteMember((VariableTree) statement, state));
    }
    if (parent instanceof BlockTree) {
      BlockTree block = (BlockTree) parent;
      if (block.getStatements().size() == 1) {
        TreePath owner = parentPath.getParentPath();
        Tree ownerLeaf = owner == null ? null : owner.getLeaf();
        if (ownerLeaf instanceof com.sun.source.tree.LambdaExpressionTree) {
          return Optional.empty();
        }
        if (ownerLeaf instanceof IfTree && isRemovableIf((IfTree) ownerLeaf, block, state)) {
          return removeStatement(owner, state);
        }
      }
      return Optional.of(deleteLines(statement, statement, block.getStatements(), state));
    }
    if (parent instanceof CaseTree && ((CaseTree) parent).getCaseKind() == CaseTree.CaseKind.RULE) {
      // case X -> System.gc(); : the arrow needs a body.
      return Optional.of(SuggestedFix.replace(statement, "{}"));
    }
    if (parent instanceof CaseTree) {
      List<? extends StatementTree> statements = ((CaseTree) parent).getStatements();
      return Optional.of(deleteLines(statement, statement, statements == null ? List.of() : statements, state));
    }
    if (parent instanceof IfTree && isRemovableIf((IfTree) parent, statement, state)) {
      return removeStatement(parentPath, state);
    }
    if (parent instanceof IfTree
        || parent instanceof WhileLoopTree
        || parent instanceof DoWhileLoopTree
        || parent instanceof ForLoopTree
        || parent instanceof EnhancedForLoopTree
        || parent instanceof LabeledStatementTree) {
      // Java needs a statement here: an empty block says "nothing" without a dangling `;`.
      return Optional.of(SuggestedFix.replace(statement, "{}"));
    }
    return Optional.empty();
  }

  /**
   * What {@link #removeStatement} deletes besides the statement itself, in words for a finding's
   * message: {@code ""}, {@code " and the `if` that only guards it"}, or, where Java needs a
   * statement, {@code " (an empty block {} keeps the statement Java needs there)"}.
   */
  static String alsoRemoved(TreePath statementPath, VisitorState state) {
    Tree statement = statementPath.getLeaf();
    TreePath parentPath = statementPath.getParentPath();
    Tree parent = parentPath == null ? null : parentPath.getLeaf();
    if (parent instanceof BlockTree && ((BlockTree) parent).getStatements().size() == 1) {
      Tree owner = parentPath.getParentPath() == null ? null : parentPath.getParentPath().getLeaf();
      return owner instanceof IfTree && isRemovableIf((IfTree) owner, parent, state) ? " and the `if` that only guards it" : "";
    }
    if (parent instanceof IfTree && isRemovableIf((IfTree) parent, statement, state)) {
      return " and the `if` that only guards it";
    }
    if (parent instanceof IfTree
        || parent instanceof WhileLoopTree
        || parent instanceof DoWhileLoopTree
        || parent instanceof ForLoopTree
        || parent instanceof EnhancedForLoopTree
        || parent instanceof LabeledStatementTree
        || parent instanceof CaseTree && ((CaseTree) parent).getCaseKind() == CaseTree.CaseKind.RULE) {
      return " (an empty block {} keeps the statement Java needs there)";
    }
    return "";
  }

  /** An {@code if} whose only effect was {@code then}: no else, and a condition with no effect. */
  private static boolean isRemovableIf(IfTree ifTree, Tree then, VisitorState state) {
    return ifTree.getThenStatement() == then
        && ifTree.getElseStatement() == null
        && hasNoEffect(ifTree.getCondition(), state);
  }

  /**
   * Whether evaluating {@code expression} can neither change state nor throw: no calls,
   * assignments, increments, unboxing, array indexing, division by a variable or string
   * concatenation (which calls {@code toString()}).
   */
  static boolean hasNoEffect(ExpressionTree expression, VisitorState state) {
    if (expression instanceof ParenthesizedTree) {
      return hasNoEffect(((ParenthesizedTree) expression).getExpression(), state);
    }
    switch (expression.getKind()) {
      case BOOLEAN_LITERAL:
      case INT_LITERAL:
      case LONG_LITERAL:
      case CHAR_LITERAL:
      case FLOAT_LITERAL:
      case DOUBLE_LITERAL:
      case NULL_LITERAL:
      case STRING_LITERAL:
        return true;
      case IDENTIFIER:
        return isReadWithoutUnboxing(expression, state);
      case MEMBER_SELECT:
        return isStaticOrThisField((MemberSelectTree) expression)
            && isReadWithoutUnboxing(expression, state);
      case LOGICAL_COMPLEMENT:
      case UNARY_MINUS:
      case UNARY_PLUS:
      case BITWISE_COMPLEMENT:
        return hasNoEffect(((UnaryTree) expression).getExpression(), state);
      case CONDITIONAL_EXPRESSION:
        ConditionalExpressionTree conditional = (ConditionalExpressionTree) expression;
        return hasNoEffect(conditional.getCondition(), state)
            && hasNoEffect(conditional.getTrueExpression(), state)
            && hasNoEffect(conditional.getFalseExpression(), state);
      case INSTANCE_OF:
        return hasNoEffect(((InstanceOfTree) expression).getExpression(), state);
      default:
        break;
    }
    if (!(expression instanceof BinaryTree)) {
      return false;
    }
    BinaryTree binary = (BinaryTree) expression;
    Type type = ASTHelpers.getType(binary);
    if (type == null || ASTHelpers.isSameType(type, state.getSymtab().stringType, state)) {
      return false;
    }
    if ((binary.getKind() == Tree.Kind.DIVIDE || binary.getKind() == Tree.Kind.REMAINDER)
        && !isNonZeroConstant(binary.getRightOperand())) {
      return false;
    }
    return hasNoEffect(binary.getLeftOperand(), state)
        && hasNoEffect(binary.getRightOperand(), state);
  }

  private static boolean isNonZeroConstant(ExpressionTree tree) {
    Object value = ASTHelpers.constValue(tree);
    return value instanceof Number && ((Number) value).doubleValue() != 0;
  }

  private static boolean isStaticOrThisField(MemberSelectTree select) {
    Symbol symbol = ASTHelpers.getSymbol(select);
    if (symbol == null || symbol.getKind() != javax.lang.model.element.ElementKind.FIELD) {
      return false;
    }
    ExpressionTree receiver = select.getExpression();
    return ASTHelpers.isStatic(symbol)
        || (receiver instanceof IdentifierTree
            && ((IdentifierTree) receiver).getName().contentEquals("this"));
  }

  private static boolean isReadWithoutUnboxing(ExpressionTree tree, VisitorState state) {
    Symbol symbol = ASTHelpers.getSymbol(tree);
    Type type = ASTHelpers.getType(tree);
    if (symbol == null || type == null) {
      return false;
    }
    switch (symbol.getKind()) {
      case LOCAL_VARIABLE:
      case PARAMETER:
      case FIELD:
      case EXCEPTION_PARAMETER:
      case RESOURCE_VARIABLE:
        break;
      default:
        return false;
    }
    return type.isPrimitive() || state.getTypes().unboxedType(type).getTag() == com.sun.tools.javac.code.TypeTag.NONE;
  }

  /**
   * A fix that removes two neighbouring statements of one block together ({@code count++;} and the
   * {@code if} after it), so that their lines go as one paragraph.
   */
  static Optional<SuggestedFix> removeAdjacentStatements(TreePath first, TreePath second, VisitorState state) {
    Tree block = first.getParentPath().getLeaf();
    if (!(block instanceof BlockTree) || second.getParentPath().getLeaf() != block) {
      return Optional.empty();
    }
    List<? extends StatementTree> statements = ((BlockTree) block).getStatements();
    int index = statements.indexOf(first.getLeaf());
    if (index < 0 || index + 1 >= statements.size() || statements.get(index + 1) != second.getLeaf()) {
      return Optional.empty();
    }
    return Optional.of(
        deleteLines((StatementTree) first.getLeaf(), (StatementTree) second.getLeaf(), statements, state));
  }

  /** Deletes a field declaration's lines with the Javadoc or comment lines right above it. */
  static SuggestedFix deleteMember(VariableTree field, VisitorState state) {
    CharSequence source = state.getSourceCode();
    int start = ASTHelpers.getStartPosition(field);
    int end = state.getEndPosition(field);
    if (source == null || start < 0 || end <= start || end > source.length()) {
      return SuggestedFix.delete(field);
    }
    Lines lines = new Lines(source);
    int lineStart = lines.startOfLine(start);
    int afterCode = lines.skipTrailingComment(end);
    if (!lines.isBlank(lineStart, start) || !lines.isLineEnd(afterCode)) {
      return SuggestedFix.replace(start, lines.skipSpaces(end), "");
    }
    int from = lines.startOfCommentAbove(lineStart);
    int to = lines.nextLineStart(afterCode);
    int previous = lines.previousLineStart(from);
    if (previous >= 0 && lines.isBlankLine(previous) && (lines.isBlankLine(to) || lines.firstCharOfLine(to) == '}')) {
      from = previous;
    } else if ((previous < 0 || lines.lastCharOfLine(previous) == '{') && lines.isBlankLine(to)) {
      to = lines.nextLineStart(lines.endOfLine(to));
    }
    return SuggestedFix.replace(from, to, "");
  }

  /** Deletes {@code first} to {@code last} of one block, whole lines where they stand alone. */
  private static SuggestedFix deleteLines(
      StatementTree first, StatementTree last, List<? extends StatementTree> siblings, VisitorState state) {
    StatementTree statement = last;
    CharSequence source = state.getSourceCode();
    int start = ASTHelpers.getStartPosition(first);
    int end = state.getEndPosition(last);
    if (source == null || start < 0 || end <= start || end > source.length()) {
      return first == last ? SuggestedFix.delete(first) : SuggestedFix.replace(start, end, "");
    }
    Lines lines = new Lines(source);
    int lineStart = lines.startOfLine(start);
    int afterCode = lines.skipTrailingComment(end);
    boolean alone = lines.isBlank(lineStart, start) && lines.isLineEnd(afterCode);
    if (!alone) {
      // Shares its line with other code: take the statement and the spaces after it.
      return SuggestedFix.replace(start, lines.skipSpaces(end), "");
    }
    int to = lines.nextLineStart(afterCode);
    int from = lines.startOfOwnComment(lineStart, to);
    int previous = lines.previousLineStart(from);
    if (previous >= 0 && lines.isBlankLine(previous)
        && (lines.isBlankLine(to) || lines.firstCharOfLine(to) == '}')) {
      from = previous;
    } else if (previous >= 0
        && lines.lastCharOfLine(previous) == '{'
        && lines.isBlankLine(to)
        && !nextIsDeletable(statement, siblings)) {
      to = lines.nextLineStart(lines.endOfLine(to));
    }
    return SuggestedFix.replace(from, to, "");
  }

  private static boolean nextIsDeletable(StatementTree statement, List<? extends StatementTree> siblings) {
    int index = siblings.indexOf(statement);
    if (index < 0 || index + 1 >= siblings.size()) {
      return false;
    }
    StatementTree next = siblings.get(index + 1);
    if (!(next instanceof ExpressionStatementTree)) {
      return next instanceof IfTree;
    }
    ExpressionTree expression = ((ExpressionStatementTree) next).getExpression();
    return expression instanceof MethodInvocationTree
        && ((MethodInvocationTree) expression).getArguments().isEmpty()
        && DELETABLE_CALLS.contains(
            MethodNames.simpleName(((MethodInvocationTree) expression).getMethodSelect()).toString());
  }

  /** Line arithmetic over the source text. */
  private static final class Lines {
    private final CharSequence text;

    Lines(CharSequence text) {
      this.text = text;
    }

    int startOfLine(int position) {
      int i = position;
      while (i > 0 && text.charAt(i - 1) != '\n') {
        i--;
      }
      return i;
    }

    int endOfLine(int position) {
      int i = position;
      while (i < text.length() && text.charAt(i) != '\n' && text.charAt(i) != '\r') {
        i++;
      }
      return i;
    }

    /** The start of the line after the one holding {@code position}; the text's end at the last. */
    int nextLineStart(int position) {
      int i = endOfLine(position);
      if (i < text.length() && text.charAt(i) == '\r') {
        i++;
      }
      if (i < text.length() && text.charAt(i) == '\n') {
        i++;
      }
      return i;
    }

    int previousLineStart(int lineStart) {
      return lineStart == 0 ? -1 : startOfLine(lineStart - 1);
    }

    /**
     * Where the statement's paragraph starts: the {@code //} lines right above it when they open a
     * paragraph (after a blank line or a {@code {}) that holds only this statement, since such a
     * comment explains the statement and would be left orphaned; otherwise its own line.
     */
    int startOfOwnComment(int lineStart, int next) {
      int first = lineStart;
      int previous = previousLineStart(first);
      while (previous >= 0 && isCommentLine(previous)) {
        first = previous;
        previous = previousLineStart(first);
      }
      boolean opensParagraph = previous < 0 || isBlankLine(previous) || lastCharOfLine(previous) == '{';
      boolean closesParagraph = next >= text.length() || isBlankLine(next) || firstCharOfLine(next) == '}';
      return first != lineStart && opensParagraph && closesParagraph ? first : lineStart;
    }

    /**
     * The start of the comment lines right above {@code lineStart} — a Javadoc or block comment,
     * or {@code //} lines — or {@code lineStart} itself when there are none.
     */
    int startOfCommentAbove(int lineStart) {
      int first = lineStart;
      int previous = previousLineStart(first);
      if (previous >= 0 && endsBlockComment(previous)) {
        while (previous >= 0 && !startsBlockComment(previous)) {
          previous = previousLineStart(previous);
        }
        return previous >= 0 ? previous : lineStart;
      }
      while (previous >= 0 && isCommentLine(previous)) {
        first = previous;
        previous = previousLineStart(first);
      }
      return first;
    }

    private boolean endsBlockComment(int lineStart) {
      int end = endOfLine(lineStart);
      while (end > lineStart && Character.isWhitespace(text.charAt(end - 1))) {
        end--;
      }
      return end - lineStart >= 2 && text.charAt(end - 2) == '*' && text.charAt(end - 1) == '/';
    }

    private boolean startsBlockComment(int lineStart) {
      int i = skipSpaces(lineStart);
      return i + 1 < text.length() && text.charAt(i) == '/' && text.charAt(i + 1) == '*';
    }

    private boolean isCommentLine(int lineStart) {
      int i = skipSpaces(lineStart);
      return i + 1 < text.length() && text.charAt(i) == '/' && text.charAt(i + 1) == '/';
    }

    int skipSpaces(int position) {
      int i = position;
      while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
        i++;
      }
      return i;
    }

    /** Past spaces and a {@code //} comment that end the line. */
    int skipTrailingComment(int position) {
      int i = skipSpaces(position);
      if (i + 1 < text.length() && text.charAt(i) == '/' && text.charAt(i + 1) == '/') {
        return endOfLine(i);
      }
      return i;
    }

    boolean isLineEnd(int position) {
      return position >= text.length() || text.charAt(position) == '\n' || text.charAt(position) == '\r';
    }

    boolean isBlank(int from, int to) {
      for (int i = from; i < to; i++) {
        if (!Character.isWhitespace(text.charAt(i))) {
          return false;
        }
      }
      return true;
    }

    boolean isBlankLine(int lineStart) {
      return lineStart < text.length() && isBlank(lineStart, endOfLine(lineStart));
    }

    char firstCharOfLine(int lineStart) {
      int i = skipSpaces(lineStart);
      return i < text.length() ? text.charAt(i) : '\0';
    }

    char lastCharOfLine(int lineStart) {
      int i = endOfLine(lineStart);
      while (i > lineStart && Character.isWhitespace(text.charAt(i - 1))) {
        i--;
      }
      return i > lineStart ? text.charAt(i - 1) : '\0';
    }
  }
}
