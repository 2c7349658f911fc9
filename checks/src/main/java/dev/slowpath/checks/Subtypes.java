package dev.slowpath.checks;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.tools.javac.code.Type;
import java.util.Set;

/** Type tests by class name, for types that may not be on the compilation's classpath. */
final class Subtypes {
  private Subtypes() {}

  /** Whether {@code type} is a subtype of one of the classes {@code names} (those absent are skipped). */
  static boolean ofAny(Type type, Set<String> names, VisitorState state) {
    if (type == null) {
      return false;
    }
    for (String name : names) {
      Type candidate = state.getTypeFromString(name);
      if (candidate != null && ASTHelpers.isSubtype(type, candidate, state)) {
        return true;
      }
    }
    return false;
  }
}
