package dev.slowpath.checks;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Flags;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Type;

/** Facts about a field that decide whether a fix may change its type. */
final class Fields {
  private Fields() {}

  /** An instance field of a {@code Serializable} class that is not transient: in the serial form. */
  static boolean isSerialized(Symbol field, VisitorState state) {
    Type serializable = state.getTypeFromString("java.io.Serializable");
    return serializable != null
        && !field.isStatic()
        && (field.flags() & Flags.TRANSIENT) == 0
        && ASTHelpers.isSubtype(field.owner.type, serializable, state);
  }

  /** {@code private long hits, misses;}: two fields, one declaration. */
  static boolean sharesItsDeclaration(TreePath declaration) {
    Tree owner = declaration.getParentPath().getLeaf();
    if (!(owner instanceof ClassTree)) {
      return true;
    }
    int start = ASTHelpers.getStartPosition(declaration.getLeaf());
    return ((ClassTree) owner).getMembers().stream()
        .filter(m -> m != declaration.getLeaf() && m instanceof VariableTree)
        .anyMatch(m -> ASTHelpers.getStartPosition(m) == start);
  }
}
