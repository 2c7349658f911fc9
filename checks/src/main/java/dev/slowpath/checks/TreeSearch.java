package dev.slowpath.checks;

import com.sun.source.tree.Tree;
import com.sun.source.util.TreeScanner;
import java.util.function.Predicate;

/** Whether any node of a subtree passes a test; stops at the first that does. */
final class TreeSearch {
  private TreeSearch() {}

  static boolean anyMatch(Tree root, Predicate<Tree> test) {
    return Boolean.TRUE.equals(
        new TreeScanner<Boolean, Void>() {
          @Override
          public Boolean scan(Tree tree, Void unused) {
            return tree != null && (test.test(tree) || Boolean.TRUE.equals(super.scan(tree, null)));
          }

          @Override
          public Boolean reduce(Boolean left, Boolean right) {
            return Boolean.TRUE.equals(left) || Boolean.TRUE.equals(right);
          }
        }.scan(root, null));
  }
}
