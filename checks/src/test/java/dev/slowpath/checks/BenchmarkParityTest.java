package dev.slowpath.checks;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * A benchmark's {@code after} code is exactly what the check's fix makes of its {@code before}
 * code. Run with {@code -Dslowpath.regenerate=true} to write the {@code after} files from the fix.
 */
final class BenchmarkParityTest {
  /**
   * Not under {@code dev.slowpath.benchmarks}: a package segment "benchmarks" marks benchmark
   * support code, where the checks stay silent.
   */
  static final Path WORKLOADS = Repository.root().resolve("benchmarks/src/main/java/dev/slowpath/workload");

  /** benchmarks/pom.xml's maven.compiler.release: the fixes that depend on it must see it. */
  private static final String BENCHMARKS_RELEASE = "17";

  @TestFactory
  List<DynamicTest> afterIsTheFixOfBefore() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (var check : Repository.registeredChecks()) {
      String name = Repository.name(check);
      Path before = WORKLOADS.resolve(name.toLowerCase()).resolve("before");
      if (!Files.isDirectory(before)) {
        continue; // CatalogTest names the missing benchmark.
      }
      try (Stream<Path> files = Files.list(before)) {
        for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
          tests.add(DynamicTest.dynamicTest(name + " " + file.getFileName(), () -> verify(name, file)));
        }
      }
    }
    assertFalse(tests.isEmpty(), "no benchmark workloads found under " + WORKLOADS);
    return tests;
  }

  private static void verify(String check, Path beforeFile) throws IOException {
    String before = Files.readString(beforeFile, UTF_8);
    String patched =
        PatchMode.patchConverged(check, beforeFile.getFileName().toString(), before, "--release", BENCHMARKS_RELEASE)
            .replace(".before;", ".after;");
    Path afterFile = beforeFile.getParent().resolveSibling("after").resolve(beforeFile.getFileName());
    if (Boolean.getBoolean("slowpath.regenerate")) {
      Files.createDirectories(afterFile.getParent());
      Files.writeString(afterFile, patched, UTF_8);
    }
    assertEquals(patched, Files.readString(afterFile, UTF_8), afterFile + " is not the fix's output");
  }
}
