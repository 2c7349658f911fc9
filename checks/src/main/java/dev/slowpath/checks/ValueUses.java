package dev.slowpath.checks;

import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ArrayAccessTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a value is read in the method that computes it: the expression itself, or the reads of a
 * local it initializes (never reassigned, declared in the same method). A check asks of each
 * place what is done there: a method called on it, an element taken, a null test. Anything this
 * class cannot follow (a field, a reassigned local, a value passed on or returned) is a use the
 * caller cannot see: {@link #of} answers empty, and the check stays silent.
 */
final class ValueUses {
  private ValueUses() {}

  /** The places {@code value} is read, following locals it initializes; empty when it escapes. */
  static Optional<List<TreePath>> of(TreePath value) {
    List<TreePath> places = new ArrayList<>();
    return collect(value, places, 3) ? Optional.of(places) : Optional.empty();
  }

  private static boolean collect(TreePath value, List<TreePath> places, int hops) {
    TreePath at = outermostParentheses(value);
    Tree parent = at.getParentPath().getLeaf();
    if (parent instanceof VariableTree && ((VariableTree) parent).getInitializer() == at.getLeaf()) {
      Symbol local = ASTHelpers.getSymbol(parent);
      TreePath scope = EnclosingCode.methodOrLambdaPath(at);
      if (hops == 0 || !SymbolUses.isFinalLocal(local) || scope == null) {
        return false;
      }
      for (TreePath read : SymbolUses.within(scope, local)) {
        if (!collect(read, places, hops - 1)) {
          return false;
        }
      }
      return true;
    }
    places.add(at);
    return true;
  }

  /** The elements of the array or collection read at {@code place}: by index or by a for-each. */
  static Optional<List<TreePath>> elementsAt(TreePath place) {
    Tree parent = place.getParentPath().getLeaf();
    if (parent instanceof ArrayAccessTree && ((ArrayAccessTree) parent).getExpression() == place.getLeaf()) {
      return of(place.getParentPath());
    }
    if (parent instanceof EnhancedForLoopTree && ((EnhancedForLoopTree) parent).getExpression() == place.getLeaf()) {
      VariableTree element = ((EnhancedForLoopTree) parent).getVariable();
      TreePath loop = place.getParentPath();
      return Optional.of(SymbolUses.within(new TreePath(loop, ((EnhancedForLoopTree) parent).getStatement()), ASTHelpers.getSymbol(element)));
    }
    return Optional.empty();
  }

  /** The method called on the value read at {@code place}, if that is what happens there. */
  static Optional<MethodInvocationTree> callOn(TreePath place) {
    TreePath select = place.getParentPath();
    if (select.getLeaf() instanceof MemberSelectTree
        && ((MemberSelectTree) select.getLeaf()).getExpression() == place.getLeaf()
        && select.getParentPath().getLeaf() instanceof MethodInvocationTree) {
      return Optional.of((MethodInvocationTree) select.getParentPath().getLeaf());
    }
    return Optional.empty();
  }

  /** The name of the field read from the value at {@code place} ({@code .length}), if that is what happens. */
  static Optional<String> fieldReadAt(TreePath place) {
    TreePath select = place.getParentPath();
    if (select.getLeaf() instanceof MemberSelectTree
        && ((MemberSelectTree) select.getLeaf()).getExpression() == place.getLeaf()
        && !(select.getParentPath().getLeaf() instanceof MethodInvocationTree)) {
      return Optional.of(((MemberSelectTree) select.getLeaf()).getIdentifier().toString());
    }
    return Optional.empty();
  }

  /** Whether the value at {@code place} is only compared with {@code null} there. */
  static boolean isNullTest(TreePath place) {
    Tree parent = place.getParentPath().getLeaf();
    if (!(parent instanceof BinaryTree)
        || (parent.getKind() != Tree.Kind.EQUAL_TO && parent.getKind() != Tree.Kind.NOT_EQUAL_TO)) {
      return false;
    }
    BinaryTree test = (BinaryTree) parent;
    ExpressionTree other = test.getLeftOperand() == place.getLeaf() ? test.getRightOperand() : test.getLeftOperand();
    return ASTHelpers.stripParentheses(other).getKind() == Tree.Kind.NULL_LITERAL;
  }

  private static TreePath outermostParentheses(TreePath path) {
    TreePath at = path;
    while (at.getParentPath() != null && at.getParentPath().getLeaf() instanceof ParenthesizedTree) {
      at = at.getParentPath();
    }
    return at;
  }
}
