package dev.slowpath.checks;

import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberReferenceTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.tools.javac.code.Flags;
import com.sun.tools.javac.code.Symbol;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Name;

/**
 * Where a field, method or local is declared and used in one file: for checks and fixes that look
 * past one call.
 */
final class SymbolUses {
  private SymbolUses() {}

  /**
   * Every identifier, member select or method reference in {@code unit} that refers to {@code
   * symbol}; the declaration itself is not a use. Names are compared before symbols are resolved.
   */
  static List<TreePath> in(CompilationUnitTree unit, Symbol symbol) {
    return within(new TreePath(unit), symbol);
  }

  /** Like {@link #in}, but only inside {@code scope} (a method, lambda or block). */
  static List<TreePath> within(TreePath scope, Symbol symbol) {
    if (symbol == null) {
      return List.of();
    }
    Name name = symbol.getSimpleName();
    List<TreePath> uses = new ArrayList<>();
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitIdentifier(IdentifierTree tree, Void unused) {
        check(tree, tree.getName());
        return null;
      }

      @Override
      public Void visitMemberSelect(MemberSelectTree tree, Void unused) {
        check(tree, tree.getIdentifier());
        return super.visitMemberSelect(tree, null);
      }

      @Override
      public Void visitMemberReference(MemberReferenceTree tree, Void unused) {
        check(tree, tree.getName());
        return super.visitMemberReference(tree, null);
      }

      private void check(Tree tree, Name used) {
        if (used.contentEquals(name) && symbol.equals(ASTHelpers.getSymbol(tree))) {
          uses.add(getCurrentPath());
        }
      }
    }.scan(scope, null);
    return uses;
  }

  /** The declaration of {@code symbol} in {@code unit}: a field, local, method or class. */
  static Optional<TreePath> declaration(CompilationUnitTree unit, Symbol symbol) {
    return declarationWithin(new TreePath(unit), symbol);
  }

  /** Like {@link #declaration}, but only inside {@code scope}. */
  static Optional<TreePath> declarationWithin(TreePath scope, Symbol symbol) {
    if (symbol == null) {
      return Optional.empty();
    }
    List<TreePath> found = new ArrayList<>();
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitVariable(VariableTree tree, Void unused) {
        if (tree.getName().contentEquals(symbol.getSimpleName()) && symbol.equals(ASTHelpers.getSymbol(tree))) {
          found.add(getCurrentPath());
        }
        return super.visitVariable(tree, null);
      }

      @Override
      public Void visitMethod(MethodTree tree, Void unused) {
        if (tree.getName().contentEquals(symbol.getSimpleName()) && symbol.equals(ASTHelpers.getSymbol(tree))) {
          found.add(getCurrentPath());
        }
        return super.visitMethod(tree, null);
      }

      @Override
      public Void visitClass(ClassTree tree, Void unused) {
        if (tree.getSimpleName().contentEquals(symbol.getSimpleName()) && symbol.equals(ASTHelpers.getSymbol(tree))) {
          found.add(getCurrentPath());
        }
        return super.visitClass(tree, null);
      }
    }.scan(scope, null);
    return found.stream().findFirst();
  }

  /** Whether {@code path} lies inside one of {@code trees} (nulls ignored). */
  static boolean isWithin(TreePath path, Tree... trees) {
    for (TreePath p = path; p != null; p = p.getParentPath()) {
      for (Tree tree : trees) {
        if (tree != null && p.getLeaf() == tree) {
          return true;
        }
      }
    }
    return false;
  }

  /** A local, or a try-with-resources variable, that is never reassigned. */
  static boolean isFinalLocal(Symbol symbol) {
    return symbol != null
        && (symbol.getKind() == ElementKind.LOCAL_VARIABLE || symbol.getKind() == ElementKind.RESOURCE_VARIABLE)
        && (symbol.flags() & (Flags.FINAL | Flags.EFFECTIVELY_FINAL)) != 0;
  }

  /** The path of the initializer of a local declared in the method or lambda around {@code from}. */
  static TreePath initializerOf(Symbol local, TreePath from) {
    TreePath scope = from;
    while (scope != null && !(scope.getLeaf() instanceof MethodTree || scope.getLeaf() instanceof LambdaExpressionTree)) {
      scope = scope.getParentPath();
    }
    if (scope == null) {
      return null;
    }
    Tree[] found = new Tree[1];
    TreeSearch.anyMatch(
        scope.getLeaf(),
        node -> {
          if (node instanceof VariableTree && local.equals(ASTHelpers.getSymbol(node))) {
            found[0] = ((VariableTree) node).getInitializer();
            return true;
          }
          return false;
        });
    return found[0] == null ? null : TreePath.getPath(scope, ASTHelpers.stripParentheses((ExpressionTree) found[0]));
  }
}
