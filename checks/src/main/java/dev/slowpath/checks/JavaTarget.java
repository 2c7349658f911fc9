package dev.slowpath.checks;

import com.google.errorprone.VisitorState;
import com.sun.tools.javac.code.Source;

/** The Java language level of the compilation, for fixes that use a newer JDK API. */
final class JavaTarget {
  private JavaTarget() {}

  /**
   * Whether code compiled here may use an API added in Java {@code feature}. With {@code --release
   * N} or {@code -source N} the source level is N, so a fix never uses an API the target lacks.
   */
  static boolean atLeast(VisitorState state, int feature) {
    Source source = Source.instance(state.context);
    Source wanted = Source.lookup(Integer.toString(feature));
    return source != null && wanted != null && source.compareTo(wanted) >= 0;
  }
}
