package dev.slowpath.checks;

/** The white space that starts a line: fixes that write new lines keep the file's layout. */
final class Indentation {
  private Indentation() {}

  /** The spaces and tabs before {@code position} on its line, or null when code precedes it. */
  static String before(CharSequence source, int position) {
    int lineStart = position;
    while (lineStart > 0 && source.charAt(lineStart - 1) != '\n') {
      lineStart--;
    }
    for (int i = lineStart; i < position; i++) {
      if (source.charAt(i) != ' ' && source.charAt(i) != '\t') {
        return null;
      }
    }
    return source.subSequence(lineStart, position).toString();
  }

  /** Whether {@code from} and {@code to} lie on the same line. */
  static boolean sameLine(CharSequence source, int from, int to) {
    for (int i = from; i < to; i++) {
      if (source.charAt(i) == '\n') {
        return false;
      }
    }
    return true;
  }
}
