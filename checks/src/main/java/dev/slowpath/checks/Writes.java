package dev.slowpath.checks;

import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.UnaryTree;
import com.sun.tools.javac.code.Symbol;

/** Expressions that write a variable: {@code =}, {@code +=} and the like, {@code ++} and {@code --}. */
final class Writes {
  private Writes() {}

  static boolean isWrite(Tree node) {
    switch (node.getKind()) {
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

  /** The variable that {@code write} (one {@link #isWrite} accepts) writes. */
  static Symbol target(Tree write) {
    if (write instanceof AssignmentTree) {
      return ASTHelpers.getSymbol(((AssignmentTree) write).getVariable());
    }
    if (write instanceof CompoundAssignmentTree) {
      return ASTHelpers.getSymbol(((CompoundAssignmentTree) write).getVariable());
    }
    return ASTHelpers.getSymbol(((UnaryTree) write).getExpression());
  }
}
