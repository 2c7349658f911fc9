package dev.slowpath.checks;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.util.TreePathScanner;

/**
 * Scans the code a method runs itself: it does not enter the lambdas and classes written in it,
 * whose code runs when and where something else calls it.
 */
abstract class OwnCodeScanner<R, P> extends TreePathScanner<R, P> {
  @Override
  public R visitLambdaExpression(LambdaExpressionTree tree, P p) {
    return null;
  }

  @Override
  public R visitClass(ClassTree tree, P p) {
    return null;
  }
}
