package dev.slowpath.checks;

import com.sun.source.tree.BlockTree;
import com.sun.source.tree.CaseTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.ThrowTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.tree.JCTree;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Code inside a loop that still does not run on every pass, or runs for a person reading: the
 * expression of a {@code throw} or {@code return}, and a statement of a block or {@code case} that
 * ends in one or in a {@code break} out of the loop (the loop's last pass — unless another loop
 * runs that loop once per item of its own); every statement of a retry loop, whose body ends in a {@code return} or
 * {@code throw} so that only a {@code continue} starts another pass; and methods that render an
 * object for a reader ({@code toString}, {@code fooToString}, {@code dump…}).
 */
final class RarePaths {
  private RarePaths() {}

  private static final Pattern FOR_A_READER = Pattern.compile("toString|\\w+ToString|dump\\w*");

  static boolean contains(TreePath path) {
    TreePath loop = Loops.innermost(path);
    for (TreePath p = path.getParentPath(); p != null; p = p.getParentPath()) {
      Tree leaf = p.getLeaf();
      if (leaf instanceof ThrowTree
          || leaf instanceof ReturnTree
          || (leaf instanceof BlockTree && endsThePass(((BlockTree) leaf).getStatements(), loop))
          || (leaf instanceof CaseTree && endsThePass(((CaseTree) leaf).getStatements(), loop))) {
        return true;
      }
      if (Loops.isLoop(leaf) || EnclosingCode.isBoundary(leaf)) {
        break;
      }
    }
    MethodTree method = EnclosingCode.method(path);
    return method != null && FOR_A_READER.matcher(method.getName()).matches();
  }

  /**
   * Statements whose last one leaves the loop for good: {@code throw e;}, {@code return r;}, or a
   * {@code break} whose target is the loop or a statement around it ({@code break authloop;}).
   */
  private static boolean endsThePass(List<? extends StatementTree> statements, TreePath loop) {
    StatementTree last = statements == null || statements.isEmpty() ? null : statements.get(statements.size() - 1);
    if (last instanceof ThrowTree || last instanceof ReturnTree) {
      return true;
    }
    if (!(last instanceof JCTree.JCBreak) || loop == null) {
      return false;
    }
    Tree target = ((JCTree.JCBreak) last).target;
    for (TreePath p = loop; p != null && !EnclosingCode.isBoundary(p.getLeaf()); p = p.getParentPath()) {
      if (p.getLeaf() == target) {
        // The last pass of this loop, but once per pass of a loop around it: still per item.
        return !insideAnotherLoop(p);
      }
    }
    return false;
  }

  private static boolean insideAnotherLoop(TreePath path) {
    for (TreePath p = path.getParentPath(); p != null && !EnclosingCode.isBoundary(p.getLeaf()); p = p.getParentPath()) {
      if (Loops.isLoop(p.getLeaf())) {
        return true;
      }
    }
    return false;
  }
}
