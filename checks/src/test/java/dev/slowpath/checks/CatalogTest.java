package dev.slowpath.checks;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.errorprone.BugPattern;
import com.google.errorprone.bugpatterns.BugChecker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every registered check has everything "done" asks for (DESIGN.md); failures name the gap. */
final class CatalogTest {
  private static final Path ROOT = Repository.root();
  private static final List<String> DOC_SECTIONS =
      List.of("## Before", "## After", "## Why", "## Trade-off", "## When NOT", "## Suppression", "## Measured");

  private static String examplesOutput;

  @BeforeAll
  static void compileExamples() throws IOException {
    try (Stream<Path> files = Files.walk(ROOT.resolve("examples/src/main/java"))) {
      List<Path> sources = files.filter(f -> f.toString().endsWith(".java")).toList();
      examplesOutput = Javac.compile(sources, List.of()).output();
    }
  }

  @Test
  void checksAreRegistered() {
    assertFalse(Repository.registeredChecks().isEmpty(), "AutoService registered no checks");
  }

  @TestFactory
  List<DynamicTest> everyCheckIsDone() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Class<? extends BugChecker> check : Repository.registeredChecks()) {
      String name = Repository.name(check);
      tests.add(DynamicTest.dynamicTest(name + " has a test", () -> hasTest(name)));
      tests.add(DynamicTest.dynamicTest(name + " has a doc page", () -> hasDocPage(check, name)));
      tests.add(DynamicTest.dynamicTest(name + " has a benchmark", () -> hasBenchmark(name)));
      tests.add(DynamicTest.dynamicTest(name + " occurs in examples/", () -> occursInExamples(name)));
    }
    return tests;
  }

  @Test
  void patchProfileNamesEveryCheck() throws IOException {
    Matcher property =
        Pattern.compile("<slowpath.checks>([^<]*)</slowpath.checks>")
            .matcher(Files.readString(ROOT.resolve("pom.xml"), UTF_8));
    assertTrue(property.find(), "pom.xml has no slowpath.checks property");
    TreeSet<String> registered = new TreeSet<>();
    Repository.registeredChecks().forEach(c -> registered.add(Repository.name(c)));
    assertEquals(
        registered,
        new TreeSet<>(List.of(property.group(1).trim().split("\\s*,\\s*"))),
        "the slowpath.checks property in pom.xml (used by -XepPatchChecks) must list every check");
  }

  private static void hasTest(String name) {
    try {
      Class<?> test = Class.forName("dev.slowpath.checks." + name + "Test");
      List<String> methods = new ArrayList<>();
      for (var method : test.getDeclaredMethods()) {
        methods.add(method.getName());
      }
      assertTrue(methods.stream().anyMatch(m -> m.startsWith("identification")), name + "Test has no identification test");
      assertTrue(methods.stream().anyMatch(m -> m.startsWith("replacement")), name + "Test has no replacement test");
    } catch (ClassNotFoundException e) {
      fail("missing test: checks/src/test/java/dev/slowpath/checks/" + name + "Test.java");
    }
  }

  private static void hasDocPage(Class<? extends BugChecker> check, String name) throws IOException {
    Path page = ROOT.resolve("docs/bugpattern/" + name + ".md");
    assertTrue(Files.isRegularFile(page), "missing doc page: docs/bugpattern/" + name + ".md");
    String text = Files.readString(page, UTF_8);
    for (String section : DOC_SECTIONS) {
      assertTrue(text.contains(section), page + " has no '" + section + "' section");
    }
    assertTrue(text.contains("@SuppressWarnings(\"" + name + "\")"), page + " does not show @SuppressWarnings");
    assertTrue(text.contains("-Xep:" + name + ":OFF"), page + " does not show -Xep:" + name + ":OFF");
    BugPattern pattern = check.getAnnotation(BugPattern.class);
    assertEquals(BugPattern.LinkType.CUSTOM, pattern.linkType(), name + " must link to its page");
    assertTrue(pattern.link().endsWith("docs/bugpattern/" + name + ".md"), name + " links to " + pattern.link());
  }

  private static void hasBenchmark(String name) {
    Path benchmarks = ROOT.resolve("benchmarks/src/main/java/dev/slowpath/benchmarks");
    assertTrue(
        Files.isRegularFile(benchmarks.resolve(name + "Benchmark.java")),
        "missing benchmark: benchmarks/src/main/java/dev/slowpath/benchmarks/" + name + "Benchmark.java");
    assertTrue(
        Files.isDirectory(BenchmarkParityTest.WORKLOADS.resolve(name.toLowerCase()).resolve("before")),
        "missing benchmark workload: benchmarks/src/main/java/dev/slowpath/workload/" + name.toLowerCase() + "/before/");
    assertTrue(
        Files.isDirectory(BenchmarkParityTest.afterDirectory(name)),
        "missing benchmark workload: benchmarks/src/main/java/dev/slowpath/workload/" + name.toLowerCase()
            + "/after/ (or under src/main/java21 for a fix that needs release 21)");
  }

  private static void occursInExamples(String name) {
    assertTrue(
        examplesOutput.contains("[" + name + "]"),
        "examples/src/main/java has no occurrence that " + name + " flags:\n" + examplesOutput);
  }
}
