package dev.slowpath.checks;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;

/** The method or lambda a tree's code belongs to: where a check's local reasoning stops. */
final class EnclosingCode {
  private EnclosingCode() {}

  /** Whether {@code tree} ends the code a statement belongs to: a method, lambda or class. */
  static boolean isBoundary(Tree tree) {
    return tree instanceof MethodTree || tree instanceof LambdaExpressionTree || tree instanceof ClassTree;
  }

  /** The method whose own code {@code path} is in; null inside a lambda or a class's initializer. */
  static MethodTree method(TreePath path) {
    Tree scope = methodOrLambda(path);
    return scope instanceof MethodTree ? (MethodTree) scope : null;
  }

  /** The method or lambda whose own code {@code path} is in; null in a field initializer. */
  static Tree methodOrLambda(TreePath path) {
    TreePath scope = methodOrLambdaPath(path);
    return scope == null ? null : scope.getLeaf();
  }

  /** The path of the method or lambda whose own code {@code path} is in; null in a field initializer. */
  static TreePath methodOrLambdaPath(TreePath path) {
    for (TreePath p = path; p != null; p = p.getParentPath()) {
      Tree leaf = p.getLeaf();
      if (leaf instanceof MethodTree || leaf instanceof LambdaExpressionTree) {
        return p;
      }
      if (leaf instanceof ClassTree) {
        return null;
      }
    }
    return null;
  }

  /** The body of a method (null when abstract) or lambda (a block or an expression). */
  static Tree bodyOf(Tree methodOrLambda) {
    return methodOrLambda instanceof MethodTree
        ? ((MethodTree) methodOrLambda).getBody()
        : ((LambdaExpressionTree) methodOrLambda).getBody();
  }
}
