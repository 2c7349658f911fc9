package dev.slowpath.checks;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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

  /**
   * benchmarks/src/main/java21: the {@code after} side of fixes made only for {@code --release} 21
   * or later (benchmarks/pom.xml compiles it for 21 on a JDK that can).
   */
  static final Path WORKLOADS_21 = Repository.root().resolve("benchmarks/src/main/java21/dev/slowpath/workload");

  /** benchmarks/pom.xml's maven.compiler.release: the fixes that depend on it must see it. */
  private static final String BENCHMARKS_RELEASE = "17";

  private static final String WORKLOADS_21_RELEASE = "21";

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

  /** The directory of a check's {@code after} workload: under java21 when its fix needs 21. */
  static Path afterDirectory(String check) {
    Path on21 = WORKLOADS_21.resolve(check.toLowerCase()).resolve("after");
    return Files.isDirectory(on21) ? on21 : WORKLOADS.resolve(check.toLowerCase()).resolve("after");
  }

  private static void verify(String check, Path beforeFile) throws IOException {
    Path afterDirectory = afterDirectory(check);
    boolean on21 = afterDirectory.startsWith(WORKLOADS_21);
    assumeTrue(!on21 || Runtime.version().feature() >= 21, "javac before 21 cannot compile for Java 21");
    String before = Files.readString(beforeFile, UTF_8);
    String release = on21 ? WORKLOADS_21_RELEASE : BENCHMARKS_RELEASE;
    String patched =
        PatchMode.patchConverged(check, beforeFile.getFileName().toString(), before, "--release", release)
            .replace(".before;", ".after;");
    Path afterFile = afterDirectory.resolve(beforeFile.getFileName());
    if (Boolean.getBoolean("slowpath.regenerate")) {
      Files.createDirectories(afterFile.getParent());
      Files.writeString(afterFile, patched, UTF_8);
    }
    assertEquals(patched, Files.readString(afterFile, UTF_8), afterFile + " is not the fix's output");
  }
}
