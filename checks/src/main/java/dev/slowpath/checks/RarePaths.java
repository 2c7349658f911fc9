package dev.slowpath.checks;

import com.sun.source.tree.BlockTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.ThrowTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Code inside a loop that still does not run on every pass, or runs for a person reading: the
 * expression of a {@code throw} or {@code return}, and a statement of a block that ends in one
 * (the loop's last pass); every statement of a retry loop, whose body ends in a {@code return} or
 * {@code throw} so that only a {@code continue} starts another pass; and methods that render an
 * object for a reader ({@code toString}, {@code fooToString}, {@code dump…}).
 */
final class RarePaths {
  private RarePaths() {}

  private static final Pattern FOR_A_READER = Pattern.compile("toString|\\w+ToString|dump\\w*");

  static boolean contains(TreePath path) {
    for (TreePath p = path.getParentPath(); p != null; p = p.getParentPath()) {
      Tree leaf = p.getLeaf();
      if (leaf instanceof ThrowTree || leaf instanceof ReturnTree || (leaf instanceof BlockTree && endsTheCall((BlockTree) leaf))) {
        return true;
      }
      if (Loops.isLoop(leaf) || EnclosingCode.isBoundary(leaf)) {
        break;
      }
    }
    MethodTree method = EnclosingCode.method(path);
    return method != null && FOR_A_READER.matcher(method.getName()).matches();
  }

  /** A block whose last statement leaves the method: {@code { …; throw e; }}, {@code { …; return r; }}. */
  private static boolean endsTheCall(BlockTree block) {
    List<? extends StatementTree> statements = block.getStatements();
    StatementTree last = statements.isEmpty() ? null : statements.get(statements.size() - 1);
    return last instanceof ThrowTree || last instanceof ReturnTree;
  }
}
