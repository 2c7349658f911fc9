package dev.slowpath.checks;

import com.google.errorprone.VisitorState;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.fixes.SuggestedFixes;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ImportTree;

/**
 * Adds an import as one new line beside its alphabetical neighbours. Error Prone's own {@code
 * addImport} rewrites the whole import block when a fix is applied — its order, the blank lines
 * between groups, and the comments in it (HSQLDB's {@code //import java.sql.SQLData;} lines were
 * deleted in our real-code run): the patch-mode complaint DESIGN.md promises to avoid — and
 * how it lays out a file that had no imports differs between Error Prone 2.42 and 2.52.
 */
final class Imports {
  private Imports() {}

  /**
   * The name to write for {@code qualifiedName} in this file: its simple name, with an import line
   * added to {@code fix} when one is needed, or the qualified name when the simple one is taken.
   */
  static String use(String qualifiedName, SuggestedFix.Builder fix, VisitorState state) {
    CompilationUnitTree unit = state.getPath().getCompilationUnit();
    SuggestedFix.Builder probe = SuggestedFix.builder();
    String name = SuggestedFixes.qualifyType(state, probe, qualifiedName);
    if (probe.build().getImportsToAdd().isEmpty()) {
      return name; // imported already, in java.lang or this package, or written qualified
    }
    String line = "import " + qualifiedName + ";";
    if (unit.getImports().stream().allMatch(ImportTree::isStatic)) {
      // No import to stand beside: after the package line. (In the default package a type's
      // Javadoc may come first, which an import must not split from its type: stay qualified.)
      if (unit.getPackage() == null) {
        return qualifiedName;
      }
      fix.postfixWith(unit.getPackage(), "\n\n" + line);
      return name;
    }
    ImportTree after = null;
    ImportTree before = null;
    for (ImportTree existing : unit.getImports()) {
      if (existing.isStatic()) {
        continue;
      }
      String imported = existing.getQualifiedIdentifier().toString();
      if (imported.compareTo(qualifiedName) < 0) {
        after = after == null || imported.compareTo(after.getQualifiedIdentifier().toString()) > 0 ? existing : after;
      } else if (before == null || imported.compareTo(before.getQualifiedIdentifier().toString()) < 0) {
        before = existing;
      }
    }
    if (after != null) {
      fix.postfixWith(after, "\n" + line);
    } else {
      fix.prefixWith(before, line + "\n");
    }
    return name;
  }
}
