package dev.slowpath.checks;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles one source file with plain javac (no Error Prone) and loads it in a class loader of its
 * own: for tests that run the original and the patched code and compare what they do.
 */
final class Probe {
  private Probe() {}

  /** A class loader over these source files, compiled together; its parent is the platform loader. */
  static URLClassLoader compile(List<Path> sources) {
    try {
      Path classes = Files.createTempDirectory("slowpath-probe");
      JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
      StringWriter output = new StringWriter();
      try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, UTF_8)) {
        boolean ok =
            javac
                .getTask(output, files, null, List.of("-g", "-d", classes.toString()), null,
                    files.getJavaFileObjectsFromPaths(sources))
                .call();
        assertTrue(ok, output::toString);
      }
      return new URLClassLoader(new URL[] {classes.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A class loader over the compiled {@code source}; its parent is the platform loader. */
  static URLClassLoader compile(String fileName, String source) {
    try {
      Path file = Files.createTempDirectory("slowpath-probe-src").resolve(fileName);
      Files.createDirectories(file.getParent());
      Files.writeString(file, source, UTF_8);
      return compile(List.of(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
