package dev.slowpath.checks;

import com.google.errorprone.VisitorState;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.CaseTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import java.util.Optional;

/**
 * Puts a logging statement inside {@code if (<level check>) { … }}: the arguments are then
 * evaluated, boxed and put in a varargs array only when the level is on, and the call logs exactly
 * what it logged before when it is.
 */
final class LevelGuardFix {
  private LevelGuardFix() {}

  static Optional<SuggestedFix> of(TreePath call, String guard, VisitorState state) {
    Tree parent = call.getParentPath().getLeaf();
    if (guard == null || !(parent instanceof ExpressionStatementTree)) {
      return Optional.empty(); // the call's value is used, or it sits in a lambda's expression body
    }
    Tree holder = call.getParentPath().getParentPath().getLeaf();
    if (!(holder instanceof BlockTree || holder instanceof CaseTree || Loops.isLoop(holder))) {
      return Optional.empty(); // the branch of an if: an else after it would bind to the new if
    }
    CharSequence source = state.getSourceCode();
    int start = ASTHelpers.getStartPosition(parent);
    int end = state.getEndPosition(parent);
    String indent = source == null || start < 0 || end > source.length() ? null : Indentation.before(source, start);
    if (end <= start || indent == null) {
      return Optional.empty();
    }
    String step = step(call.getParentPath(), indent, source);
    String statement = source.subSequence(start, end).toString().replace("\n", "\n" + step);
    String guarded = "if (" + guard + ") {\n" + indent + step + statement + "\n" + indent + "}";
    return Optional.of(SuggestedFix.replace(start, end, guarded));
  }

  /**
   * One level of the file's indentation: how much deeper {@code statement} sits than the statement
   * that holds it (four spaces in ZooKeeper and Ant, two in Google style, a tab); two spaces when
   * that cannot be read.
   */
  private static String step(TreePath statement, String indent, CharSequence source) {
    for (TreePath p = statement.getParentPath(); p != null; p = p.getParentPath()) {
      if (p.getLeaf() instanceof BlockTree || p.getLeaf() instanceof CaseTree) {
        continue;
      }
      int lineStart = ASTHelpers.getStartPosition(p.getLeaf());
      while (lineStart > 0 && source.charAt(lineStart - 1) != '\n') {
        lineStart--;
      }
      int end = lineStart;
      while (end < source.length() && (source.charAt(end) == ' ' || source.charAt(end) == '\t')) {
        end++;
      }
      String outer = source.subSequence(lineStart, end).toString();
      return indent.startsWith(outer) && indent.length() > outer.length() ? indent.substring(outer.length()) : "  ";
    }
    return "  ";
  }
}
