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
 * deleted in our real-code run): the patch-mode complaint DESIGN.md promises to avoid. A file
 * without imports gets Error Prone's own: there is nothing to keep.
 */
final class Imports {
  private Imports() {}

  /**
   * The name to write for {@code qualifiedName} in this file: its simple name, with an import line
   * added to {@code fix} when one is needed, or the qualified name when the simple one is taken.
   */
  static String use(String qualifiedName, SuggestedFix.Builder fix, VisitorState state) {
    CompilationUnitTree unit = state.getPath().getCompilationUnit();
    if (unit.getImports().stream().allMatch(ImportTree::isStatic)) {
      // No block to keep: Error Prone's organizer writes one, and merges what several fixes add.
      return SuggestedFixes.qualifyType(state, fix, qualifiedName);
    }
    SuggestedFix.Builder probe = SuggestedFix.builder();
    String name = SuggestedFixes.qualifyType(state, probe, qualifiedName);
    if (probe.build().getImportsToAdd().isEmpty()) {
      return name; // imported already, in java.lang or this package, or written qualified
    }
    String line = "import " + qualifiedName + ";";
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
