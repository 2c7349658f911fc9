package dev.slowpath.checks;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Runs Error Prone's patch mode the way users do ({@code -XepPatchLocation:IN_PLACE}) over one
 * file and returns the patched text byte for byte. The refactoring test helper reformats its
 * output before comparing; this does not, so blank-line debris shows.
 */
final class PatchMode {
  private PatchMode() {}

  /** The file's text after one patch run with {@code checks}; fails if it does not compile. */
  static String patch(String checks, String fileName, String source) {
    try {
      Path dir = Files.createTempDirectory("slowpath-patch");
      Path file = dir.resolve(fileName);
      Files.createDirectories(file.getParent());
      Files.writeString(file, source, UTF_8);
      compile(dir, file, List.of("-XepPatchChecks:" + checks, "-XepPatchLocation:IN_PLACE"));
      String patched = Files.readString(file, UTF_8);
      // The patched file must compile as it stands.
      compile(dir, file, List.of());
      return patched;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Patches twice: the second run must change nothing. */
  static String patchConverged(String checks, String fileName, String source) {
    String once = patch(checks, fileName, source);
    String twice = patch(checks, fileName, once);
    if (!once.equals(twice)) {
      throw new AssertionError("a second patch run changed the file:\n" + once + "\n---\n" + twice);
    }
    return once;
  }

  private static void compile(Path dir, Path file, List<String> errorProneFlags) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter output = new StringWriter();
    try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, UTF_8)) {
      List<String> options = new ArrayList<>();
      options.addAll(
          List.of(
              "-d", Files.createDirectories(dir.resolve("classes")).toString(),
              "-classpath", System.getProperty("java.class.path"),
              "-XDcompilePolicy=simple",
              "--should-stop=ifError=FLOW",
              // Error Prone finds plugin checks with a ServiceLoader over the processor path.
              "-processorpath", System.getProperty("java.class.path")));
      options.add(String.join(" ", prepend("-Xplugin:ErrorProne", errorProneFlags)));
      boolean ok =
          javac.getTask(output, files, null, options, null, files.getJavaFileObjects(file)).call();
      if (!ok) {
        throw new AssertionError("compilation failed:\n" + output + "\n" + Files.readString(file, UTF_8));
      }
    }
  }

  private static List<String> prepend(String first, List<String> rest) {
    List<String> all = new ArrayList<>();
    all.add(first);
    all.addAll(rest);
    return all;
  }
}
