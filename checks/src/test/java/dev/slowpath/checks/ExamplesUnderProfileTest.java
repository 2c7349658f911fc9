package dev.slowpath.checks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole workflow on examples/: run the order service under its load driver ({@code
 * OrderLoad}, a trading day of a few seconds) with a JFR recording made in this JVM, then compile
 * examples/ with and without {@code -XepOpt:Slowpath:Profile}.
 */
final class ExamplesUnderProfileTest {
  private static final Path EXAMPLES = Repository.root().resolve("examples/src");
  private static final Pattern FINDING =
      Pattern.compile("(?m)^\\S*/(\\w+\\.java):(\\d+): (?:warning|Note): \\[(\\w+)\\] (.*)$");

  private static Path recording;
  private static Map<String, String> withoutProfile;
  private static Map<String, String> withProfile;
  private static String profiledOutput;

  @BeforeAll
  static void recordADayAndCompileTwice() throws Exception {
    List<Path> main = javaFiles(EXAMPLES.resolve("main/java"));
    List<Path> app = new ArrayList<>(main);
    app.add(EXAMPLES.resolve("test/java/dev/slowpath/examples/orders/OrderLoad.java"));
    try (URLClassLoader loader = Probe.compile(app)) {
      var run = loader.loadClass("dev.slowpath.examples.orders.OrderLoad").getMethod("run", Duration.class);
      recording =
          Recordings.record(
              () -> {
                try {
                  run.invoke(null, Duration.ofSeconds(4));
                } catch (ReflectiveOperationException e) {
                  throw new IllegalStateException(e);
                }
              });
    }
    Javac.Result plain = Javac.compile(main, List.of(), List.of("--release", "17"));
    assertTrue(plain.success(), plain.output());
    withoutProfile = findings(plain.output());
    Javac.Result profiled =
        Javac.compile(main, List.of("-XepOpt:Slowpath:Profile=" + recording), List.of("--release", "17"));
    assertTrue(profiled.success(), profiled.output());
    profiledOutput = profiled.output();
    withProfile = findings(profiledOutput);
    // For reading: what a build prints with the profile (docs/profile.md quotes one).
    Files.writeString(Path.of("target/examples-under-profile.txt"), profiledOutput);
  }

  /** "File.java:line [Check]" to the finding's message, in order. */
  private static Map<String, String> findings(String output) {
    Map<String, String> findings = new LinkedHashMap<>();
    Matcher m = FINDING.matcher(output);
    while (m.find()) {
      if (Repository.registeredChecks().stream().anyMatch(c -> Repository.name(c).equals(m.group(3)))) {
        findings.put(m.group(1) + ":" + m.group(2) + " [" + m.group(3) + "]", m.group(4));
      }
    }
    return findings;
  }

  private static String finding(String file, String check) {
    List<String> matching =
        withProfile.entrySet().stream()
            .filter(e -> e.getKey().startsWith(file + ".java:") && e.getKey().endsWith("[" + check + "]"))
            .map(Map.Entry::getValue)
            .collect(Collectors.toList());
    assertEquals(1, matching.size(), file + " " + check + " in:\n" + profiledOutput);
    return matching.get(0);
  }

  @Test
  void withoutTheProfileEveryCheckReportsAsBefore() {
    assertEquals(
        Repository.registeredChecks().stream().map(Repository::name).sorted().collect(Collectors.toList()),
        withoutProfile.keySet().stream()
            .map(k -> k.substring(k.indexOf('[') + 1, k.length() - 1))
            .distinct()
            .sorted()
            .collect(Collectors.toList()),
        "the examples commit every sin once");
    assertFalse(withoutProfile.values().stream().anyMatch(m -> m.contains("profile:")), withoutProfile.toString());
  }

  @Test
  void withTheProfileFindingsAreTheSameOnesWithEvidenceAdded() {
    withProfile.forEach(
        (where, message) -> {
          assertTrue(withoutProfile.containsKey(where), where + " is reported only with the profile");
          String before = withoutProfile.get(where);
          assertTrue(message.startsWith(before + " — profile: "), where + ":\n" + message + "\nwithout:\n" + before);
        });
  }

  @Test
  void hotFindingsCarryWhatTheRecordingMeasured() {
    assertTrue(finding("OrderService", "ExplicitGc").matches(".*\\d+ System\\.gc\\(\\) collections? here, .*"),
        finding("OrderService", "ExplicitGc"));
    assertTrue(finding("ShippingQuotes", "ThreadPerItem").matches(".*\\d+ thread starts here.*"),
        finding("ShippingQuotes", "ThreadPerItem"));
    assertTrue(finding("PaymentGateway", "TimerPerIteration").matches(".*\\d+ thread starts here.*"),
        finding("PaymentGateway", "TimerPerIteration"));
    assertTrue(finding("OrderDispatcher", "BusyPollLoop").matches(".*\\d+ sleeps here, .* asleep.*"),
        finding("OrderDispatcher", "BusyPollLoop"));
    assertTrue(
        finding("OpsMetrics", "StopTheWorldSnapshot")
            .matches(".*the recording has \\d+ ThreadDump safepoint operations \\(.*\\), asked for by metrics-scraper.*"),
        finding("OpsMetrics", "StopTheWorldSnapshot"));
    assertTrue(finding("OpsMetrics", "ThreadCountPolling").contains("ThreadDump safepoint operations"),
        finding("OpsMetrics", "ThreadCountPolling"));
    if (Runtime.version().feature() >= 18) {
      assertTrue(finding("ReceiptSpool", "FinalizerAsClose").matches(".*\\d+ finalizers of this class ran.*"),
          finding("ReceiptSpool", "FinalizerAsClose"));
    }
  }

  @Test
  void findingsBehindAProfileInCodeTheDayNeverRanAreSilent() {
    assertTrue(withoutProfile.keySet().stream().anyMatch(k -> k.startsWith("DailySettlement.java:")), withoutProfile.toString());
    assertFalse(withProfile.keySet().stream().anyMatch(k -> k.startsWith("DailySettlement.java:")), profiledOutput);
  }

  private static List<Path> javaFiles(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(f -> f.toString().endsWith(".java")).sorted().collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
