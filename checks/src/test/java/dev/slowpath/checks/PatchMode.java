package dev.slowpath.checks;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs Error Prone's patch mode the way users do ({@code -XepPatchLocation:IN_PLACE}) over one
 * file and returns the patched text byte for byte. The refactoring test helper reformats its
 * output before comparing; this does not, so blank-line debris shows.
 */
final class PatchMode {
  private PatchMode() {}

  /**
   * The file's text after one patch run with {@code checks}; fails if it does not compile. {@code
   * javacOptions} are the build's own ({@code --release 17}): some fixes depend on the release.
   */
  static String patch(String checks, String fileName, String source, String... javacOptions) {
    return patch(checks, fileName, source, List.of(), javacOptions);
  }

  /** The same, with more Error Prone flags for the patch run ({@code -XepOpt:...}). */
  static String patch(
      String checks, String fileName, String source, List<String> errorProneFlags, String... javacOptions) {
    Path file = Javac.write(fileName, source);
    List<String> flags = new java.util.ArrayList<>(List.of("-XepPatchChecks:" + checks, "-XepPatchLocation:IN_PLACE"));
    flags.addAll(errorProneFlags);
    compileOrFail(file, flags, javacOptions);
    String patched = read(file);
    compileOrFail(file, List.of(), javacOptions);
    return patched;
  }

  /** Patches twice: the second run must change nothing. */
  static String patchConverged(String checks, String fileName, String source, String... javacOptions) {
    return patchConverged(checks, fileName, source, List.of(), javacOptions);
  }

  /** The same, with more Error Prone flags for both patch runs. */
  static String patchConverged(
      String checks, String fileName, String source, List<String> errorProneFlags, String... javacOptions) {
    String once = patch(checks, fileName, source, errorProneFlags, javacOptions);
    String twice = patch(checks, fileName, once, errorProneFlags, javacOptions);
    if (!once.equals(twice)) {
      throw new AssertionError("a second patch run changed the file:\n" + once + "\n---\n" + twice);
    }
    return once;
  }

  private static void compileOrFail(Path file, List<String> errorProneFlags, String... javacOptions) {
    Javac.Result result = Javac.compile(List.of(file), errorProneFlags, List.of(javacOptions));
    if (!result.success()) {
      throw new AssertionError("compilation failed:\n" + result.output() + "\n" + read(file));
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
