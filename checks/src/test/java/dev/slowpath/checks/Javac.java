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
 * javac with {@code -Xplugin:ErrorProne} as a user's build runs it: Error Prone's default checks
 * on, Slowpath's checks found on the processor path by their AutoService registration.
 */
final class Javac {
  /** Whether javac succeeded, and everything it printed. */
  record Result(boolean success, String output) {}

  private Javac() {}

  static Result compile(List<Path> sources, List<String> errorProneFlags) {
    return compile(sources, errorProneFlags, List.of());
  }

  /** The same, with javac options of the user's build ({@code --release 17}). */
  static Result compile(List<Path> sources, List<String> errorProneFlags, List<String> javacOptions) {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter output = new StringWriter();
    try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, UTF_8)) {
      Path classes = Files.createTempDirectory("slowpath-classes");
      String classpath = System.getProperty("java.class.path");
      List<String> options = new ArrayList<>();
      options.addAll(
          List.of(
              "-d", classes.toString(),
              "-classpath", classpath,
              // Error Prone finds plugin checks with a ServiceLoader over the processor path.
              "-processorpath", classpath,
              "-XDcompilePolicy=simple",
              "--should-stop=ifError=FLOW"));
      options.addAll(javacOptions);
      options.add(String.join(" ", "-Xplugin:ErrorProne", String.join(" ", errorProneFlags)).trim());
      boolean ok =
          javac.getTask(output, files, null, options, null, files.getJavaFileObjectsFromPaths(sources)).call();
      return new Result(ok, output.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes {@code source} to {@code fileName} in a new temporary directory. */
  static Path write(String fileName, String source) {
    try {
      Path file = Files.createTempDirectory("slowpath-src").resolve(fileName);
      Files.createDirectories(file.getParent());
      Files.writeString(file, source, UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
