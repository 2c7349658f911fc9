package dev.slowpath.benchmarks.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.google.errorprone.BugPattern;
import com.google.errorprone.BugPattern.SeverityLevel;
import com.google.errorprone.bugpatterns.BugChecker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The recorded benchmarks decide each check's severity, and docs/benchmarks.md shows them. */
final class SeverityPolicyTest {
  private static final Path ROOT =
      Path.of(System.getProperty("slowpath.root", "..")).toAbsolutePath().normalize();

  @TestFactory
  List<DynamicTest> bugPatternSeverityFollowsTheMeasurements() throws IOException {
    Map<String, Results> byJdk = Results.readAll(ROOT.resolve("benchmarks/results"));
    assertFalse(byJdk.isEmpty(), "no results in benchmarks/results");
    List<DynamicTest> tests = new ArrayList<>();
    for (ServiceLoader.Provider<BugChecker> provider :
        ServiceLoader.load(BugChecker.class).stream().toList()) {
      Class<? extends BugChecker> check = provider.type();
      if (!check.getPackageName().equals("dev.slowpath.checks")) {
        continue;
      }
      String name = check.getSimpleName();
      tests.add(
          DynamicTest.dynamicTest(
              name,
              () -> {
                List<Comparison> measured = new ArrayList<>();
                for (Results results : byJdk.values()) {
                  Comparison comparison = results.comparison(name);
                  assertNotNull(comparison, name + " has no before/after in " + results.jdk() + ".json");
                  measured.add(comparison);
                }
                SeverityPolicy.Verdict verdict = SeverityPolicy.verdict(measured);
                assertEquals(
                    allowedSeverity(verdict),
                    check.getAnnotation(BugPattern.class).severity(),
                    name + ": measured " + measured + " gives " + verdict);
              }));
    }
    assertFalse(tests.isEmpty(), "no Slowpath checks registered");
    return tests;
  }

  /** No measurable win may not ship at WARNING; SUGGESTION is Error Prone's lowest level. */
  private static SeverityLevel allowedSeverity(SeverityPolicy.Verdict verdict) {
    return verdict == SeverityPolicy.Verdict.WARNING ? SeverityLevel.WARNING : SeverityLevel.SUGGESTION;
  }

  @Test
  void benchmarksPageIsGeneratedFromTheResults() throws IOException {
    String expected = BenchmarkTable.render(Results.readAll(ROOT.resolve("benchmarks/results")));
    String actual = Files.readString(ROOT.resolve("docs/benchmarks.md"), StandardCharsets.UTF_8);
    assertEquals(expected, actual, "docs/benchmarks.md is stale: run benchmarks/run --table");
  }

  @Test
  void variantsAreReadApartFromTheSeverityPair() throws IOException {
    Path file = Files.createTempDirectory("results").resolve("jdk99.json");
    Files.writeString(
        file,
        "{\"machine\": {}, \"jmh\": ["
            + result("XBenchmark.before", "{}", 300)
            + ","
            + result("XBenchmark.after", "{}", 100)
            + ","
            + result("XBenchmark.spinWaitBefore", "{\"waiters\": \"3\"}", 50)
            + ","
            + result("XBenchmark.spinWaitAfter", "{\"waiters\": \"3\"}", 5000)
            + ","
            + result("XBenchmark.spinWaitBefore", "{\"waiters\": \"1\"}", 40)
            + "]}",
        StandardCharsets.UTF_8);
    Results results = Results.read(file);
    assertEquals(3.0, results.comparison("X").timeRatio(), 1e-9);
    assertEquals(1, results.mainComparisons().size());
    // waiters=1 has no "after": no comparison for it.
    assertEquals(1, results.variants().size());
    Comparison spin = results.variants().get(0);
    assertEquals("spinWait (waiters=3)", spin.variant());
    assertEquals(0.01, spin.timeRatio(), 1e-9);
    assertEquals(SeverityPolicy.Verdict.NONE, SeverityPolicy.verdict(spin));
  }

  private static String result(String benchmark, String params, double median) {
    return "{\"benchmark\": \"dev.slowpath.benchmarks." + benchmark + "\", \"params\": " + params
        + ", \"primaryMetric\": {\"scoreError\": 1.0, \"scoreUnit\": \"ns/op\","
        + " \"scorePercentiles\": {\"50.0\": " + median + "}}}";
  }

  @Test
  void policyThresholds() {
    assertEquals(SeverityPolicy.Verdict.WARNING, SeverityPolicy.verdict(comparison(200, 5, 100, 5, 0, 0)));
    // R ≥ 2 but the error bars overlap: no win is established at all.
    assertEquals(SeverityPolicy.Verdict.NONE, SeverityPolicy.verdict(comparison(200, 90, 100, 20, 0, 0)));
    assertEquals(SeverityPolicy.Verdict.WARNING, SeverityPolicy.verdict(comparison(130, 1, 100, 1, 1000, 50)));
    assertEquals(SeverityPolicy.Verdict.SUGGESTION, SeverityPolicy.verdict(comparison(115, 1, 100, 1, 0, 0)));
    assertEquals(SeverityPolicy.Verdict.SUGGESTION, SeverityPolicy.verdict(comparison(100, 1, 100, 1, 64, 16)));
    assertEquals(SeverityPolicy.Verdict.NONE, SeverityPolicy.verdict(comparison(107, 1, 100, 1, 0, 0)));
    // The weakest JDK decides.
    assertEquals(
        SeverityPolicy.Verdict.SUGGESTION,
        SeverityPolicy.verdict(List.of(comparison(300, 1, 100, 1, 0, 0), comparison(115, 1, 100, 1, 0, 0))));
  }

  private static Comparison comparison(
      double before, double beforeError, double after, double afterError, double beforeBytes, double afterBytes) {
    return new Comparison(
        "X",
        "jdk",
        new Measurement("X.before", "ns/op", before, beforeError, beforeBytes),
        new Measurement("X.after", "ns/op", after, afterError, afterBytes));
  }
}
