package dev.slowpath.checks;

import com.sun.source.tree.BlockTree;
import com.sun.source.tree.BreakTree;
import com.sun.source.tree.CatchTree;
import com.sun.source.tree.ContinueTree;
import com.sun.source.tree.DoWhileLoopTree;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.LabeledStatementTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.SwitchTree;
import com.sun.source.tree.ThrowTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TryTree;
import com.sun.source.tree.WhileLoopTree;
import com.sun.source.util.TreePath;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Name;

/**
 * Loops around a tree, and what decides that a loop ends: for checks whose fix must not turn a
 * loop that ends into one that does not.
 */
final class Loops {
  private Loops() {}

  static boolean isLoop(Tree tree) {
    return tree instanceof WhileLoopTree
        || tree instanceof DoWhileLoopTree
        || tree instanceof ForLoopTree
        || tree instanceof EnhancedForLoopTree;
  }

  /** The loops around {@code path}, innermost first, within its method, lambda or class body. */
  static List<TreePath> enclosing(TreePath path) {
    List<TreePath> loops = new ArrayList<>();
    for (TreePath p = path.getParentPath(); p != null && !EnclosingCode.isBoundary(p.getLeaf()); p = p.getParentPath()) {
      if (isLoop(p.getLeaf())) {
        loops.add(p);
      }
    }
    return loops;
  }

  /** The innermost loop around {@code path}, or null. */
  static TreePath innermost(TreePath path) {
    List<TreePath> loops = enclosing(path);
    return loops.isEmpty() ? null : loops.get(0);
  }

  static StatementTree body(Tree loop) {
    if (loop instanceof WhileLoopTree) {
      return ((WhileLoopTree) loop).getStatement();
    }
    if (loop instanceof DoWhileLoopTree) {
      return ((DoWhileLoopTree) loop).getStatement();
    }
    if (loop instanceof ForLoopTree) {
      return ((ForLoopTree) loop).getStatement();
    }
    return ((EnhancedForLoopTree) loop).getStatement();
  }

  /** The loop's own condition; null for {@code for (;;)} and for-each. */
  static ExpressionTree condition(Tree loop) {
    if (loop instanceof WhileLoopTree) {
      return ((WhileLoopTree) loop).getCondition();
    }
    if (loop instanceof DoWhileLoopTree) {
      return ((DoWhileLoopTree) loop).getCondition();
    }
    if (loop instanceof ForLoopTree) {
      return ((ForLoopTree) loop).getCondition();
    }
    return null;
  }

  /** The statements of a body, whether it is a block or a single statement. */
  static List<? extends StatementTree> statements(StatementTree body) {
    return body instanceof BlockTree ? ((BlockTree) body).getStatements() : List.of(body);
  }

  /**
   * Everything whose value decides whether {@code loop} ends: its condition (a for-each's
   * iterable), and for each {@code break}, {@code continue}, {@code return} or {@code throw} in its
   * body that leaves it, the conditions that lead there — of {@code if}s, nested loops and {@code
   * switch}es — and the {@code try} block when the exit sits in that block or in one of its {@code
   * catch} clauses (whether the block throws decides the exit). Lambdas and classes in the body are
   * not entered: their code runs elsewhere.
   */
  static List<Tree> exitDeciders(TreePath loop) {
    List<Tree> deciders = new ArrayList<>();
    Tree leaf = loop.getLeaf();
    if (condition(leaf) != null) {
      deciders.add(condition(leaf));
    }
    if (leaf instanceof EnhancedForLoopTree) {
      deciders.add(((EnhancedForLoopTree) leaf).getExpression());
    }
    new OwnCodeScanner<Void, Void>() {
      @Override
      public Void visitBreak(BreakTree tree, Void unused) {
        if (leaves(getCurrentPath(), tree.getLabel(), true, loop)) {
          addGuards(getCurrentPath(), loop, deciders);
        }
        return null;
      }

      @Override
      public Void visitContinue(ContinueTree tree, Void unused) {
        if (leaves(getCurrentPath(), tree.getLabel(), false, loop)) {
          addGuards(getCurrentPath(), loop, deciders);
        }
        return null;
      }

      @Override
      public Void visitReturn(ReturnTree tree, Void unused) {
        addGuards(getCurrentPath(), loop, deciders);
        return null;
      }

      @Override
      public Void visitThrow(ThrowTree tree, Void unused) {
        addGuards(getCurrentPath(), loop, deciders);
        return null;
      }

    }.scan(new TreePath(loop, body(leaf)), null);
    return deciders;
  }

  /**
   * Whether a {@code break} ({@code isBreak}) or {@code continue} at {@code jump} leaves {@code
   * loop}: its target is not a statement inside the loop's body.
   */
  private static boolean leaves(TreePath jump, Name label, boolean isBreak, TreePath loop) {
    for (TreePath p = jump.getParentPath(); p != null && p.getLeaf() != loop.getLeaf(); p = p.getParentPath()) {
      Tree leaf = p.getLeaf();
      if (label != null) {
        if (leaf instanceof LabeledStatementTree && ((LabeledStatementTree) leaf).getLabel().contentEquals(label)) {
          return false;
        }
      } else if (isLoop(leaf) || (isBreak && leaf instanceof SwitchTree)) {
        return false;
      }
    }
    if (isBreak) {
      return true;
    }
    // A continue of this very loop, labeled or not, starts its next pass: it does not leave it.
    Tree aroundLoop = loop.getParentPath().getLeaf();
    return label != null
        && !(aroundLoop instanceof LabeledStatementTree
            && ((LabeledStatementTree) aroundLoop).getLabel().contentEquals(label));
  }

  private static void addGuards(TreePath exit, TreePath loop, List<Tree> deciders) {
    Tree child = exit.getLeaf();
    for (TreePath p = exit.getParentPath(); p != null && p.getLeaf() != loop.getLeaf(); p = p.getParentPath()) {
      Tree leaf = p.getLeaf();
      if (leaf instanceof IfTree) {
        deciders.add(((IfTree) leaf).getCondition());
      } else if (isLoop(leaf)) {
        if (condition(leaf) != null) {
          deciders.add(condition(leaf));
        }
        if (leaf instanceof EnhancedForLoopTree) {
          deciders.add(((EnhancedForLoopTree) leaf).getExpression());
        }
      } else if (leaf instanceof SwitchTree) {
        deciders.add(((SwitchTree) leaf).getExpression());
      } else if (leaf instanceof TryTree && (child == ((TryTree) leaf).getBlock() || child instanceof CatchTree)) {
        deciders.add(((TryTree) leaf).getBlock());
      }
      child = leaf;
    }
  }

  /** A loop bound no larger than this runs "a handful of times by construction". */
  private static final int FEW = 16;

  /**
   * Whether {@code loop} runs a few times by construction: over an enum's {@code values()}, over
   * an array or {@code List.of}/{@code Set.of} written out with few elements, or a counting
   * {@code for} up to a constant of at most {@value #FEW}.
   */
  static boolean runsAFewTimes(Tree loop) {
    if (loop instanceof EnhancedForLoopTree) {
      ExpressionTree over = com.google.errorprone.util.ASTHelpers.stripParentheses(((EnhancedForLoopTree) loop).getExpression());
      if (over instanceof com.sun.source.tree.NewArrayTree) {
        var elements = ((com.sun.source.tree.NewArrayTree) over).getInitializers();
        return elements != null && elements.size() <= FEW;
      }
      if (over instanceof com.sun.source.tree.MethodInvocationTree) {
        var call = (com.sun.source.tree.MethodInvocationTree) over;
        CharSequence name = MethodNames.simpleName(call.getMethodSelect());
        com.sun.tools.javac.code.Symbol.MethodSymbol method = com.google.errorprone.util.ASTHelpers.getSymbol(call);
        if ("values".contentEquals(name) && call.getArguments().isEmpty() && method != null && method.owner.isEnum()) {
          return true;
        }
        return "of".contentEquals(name) && method != null && method.isStatic()
            && method.owner.getQualifiedName().toString().startsWith("java.util.")
            && call.getArguments().size() <= FEW && !method.isVarArgs();
      }
      return false;
    }
    if (loop instanceof ForLoopTree && ((ForLoopTree) loop).getCondition() instanceof com.sun.source.tree.BinaryTree) {
      var condition = (com.sun.source.tree.BinaryTree) ((ForLoopTree) loop).getCondition();
      Object bound = com.google.errorprone.util.ASTHelpers.constValue(condition.getRightOperand());
      return (condition.getKind() == Tree.Kind.LESS_THAN || condition.getKind() == Tree.Kind.LESS_THAN_EQUAL)
          && bound instanceof Integer
          && (Integer) bound <= FEW;
    }
    return false;
  }
}
