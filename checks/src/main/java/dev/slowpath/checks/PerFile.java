package dev.slowpath.checks;

import com.google.errorprone.VisitorState;
import com.sun.source.tree.CompilationUnitTree;
import java.util.function.Function;

/**
 * A value computed once per file being analysed, on the first check that needs it: Error Prone
 * analyses one file at a time, so only the current file's value is kept.
 */
final class PerFile<T> {
  private final Function<VisitorState, T> compute;
  private CompilationUnitTree unit;
  private T value;

  PerFile(Function<VisitorState, T> compute) {
    this.compute = compute;
  }

  synchronized T get(VisitorState state) {
    CompilationUnitTree current = state.getPath().getCompilationUnit();
    if (current != unit) {
      unit = current;
      value = compute.apply(state);
    }
    return value;
  }
}
