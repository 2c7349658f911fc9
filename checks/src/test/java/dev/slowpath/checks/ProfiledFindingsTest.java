package dev.slowpath.checks;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Compile, run under a JFR recording, compile again with {@code -XepOpt:Slowpath:Profile}: the
 * recording decides which findings of the checks behind a profile are reported, and every
 * finding carries what it measured.
 */
final class ProfiledFindingsTest {
  private static final String FILE = "com/acme/shop/Notifier.java";

  private static final String SOURCE =
      String.join(
          "\n",
          "package com.acme.shop;",
          "",
          "import java.util.List;",
          "",
          "public class Notifier {",
          "  static volatile Object sink;",
          "",
          "  /** Runs on every order: what the load drives. */",
          "  public static void notifyCustomers(List<String> customers) throws InterruptedException {",
          "    for (String customer : customers) {",
          "      Thread thread = new Thread(() -> sink = customer);",
          "      thread.start();",
          "      thread.join();",
          "    }",
          "  }",
          "",
          "  /** Sums every order's cents: hot. */",
          "  public static long total(long[] cents) {",
          "    Long total = 0L;",
          "    for (long c : cents) {",
          "      total += c;",
          "      sink = total;",
          "    }",
          "    return total;",
          "  }",
          "",
          "  /** Month-end only: the load never runs it. */",
          "  public static void notifyAuditors(List<String> auditors) throws InterruptedException {",
          "    for (String auditor : auditors) {",
          "      Thread thread = new Thread(() -> sink = auditor);",
          "      thread.start();",
          "      thread.join();",
          "    }",
          "  }",
          "",
          "  /** Month-end only too. */",
          "  public static long auditTotal(long[] cents) {",
          "    Long total = 0L;",
          "    for (long c : cents) {",
          "      total += c;",
          "    }",
          "    return total;",
          "  }",
          "",
          "  /** An admin action the load never runs. */",
          "  public static void compact() {",
          "    System.gc();",
          "  }",
          "}",
          "");

  private static final int HOT_START = lineOf("thread.start();", 0);
  private static final int HOT_BOX = lineOf("Long total = 0L;", 0);
  private static final int COLD_START = lineOf("thread.start();", 1);
  private static final int COLD_BOX = lineOf("Long total = 0L;", 1);
  private static final int GC = lineOf("System.gc();", 0);

  private static Path recording;

  /** The line of the {@code n}th (from 0) line of SOURCE that contains {@code code}. */
  private static int lineOf(String code, int n) {
    String[] lines = SOURCE.split("\n", -1);
    for (int i = 0, seen = 0; i < lines.length; i++) {
      if (lines[i].contains(code) && seen++ == n) {
        return i + 1;
      }
    }
    throw new IllegalArgumentException(code);
  }

  private static String at(int line, String check) {
    return line + ": " + check;
  }

  @BeforeAll
  static void runTheLoadUnderARecording() throws Exception {
    try (URLClassLoader app = Probe.compile(FILE, SOURCE)) {
      Class<?> notifier = app.loadClass("com.acme.shop.Notifier");
      var notifyCustomers = notifier.getMethod("notifyCustomers", List.class);
      var total = notifier.getMethod("total", long[].class);
      long[] cents = new long[200_000];
      for (int i = 0; i < cents.length; i++) {
        cents[i] = 1_000 + i;
      }
      recording =
          Recordings.record(
              () -> {
                try {
                  for (int order = 0; order < 40; order++) {
                    notifyCustomers.invoke(null, List.of("ada", "grace", "linus"));
                    total.invoke(null, (Object) cents);
                  }
                } catch (ReflectiveOperationException e) {
                  throw new IllegalStateException(e);
                }
              });
    }
  }

  private static Javac.Result compile(String... flags) {
    return Javac.compile(List.of(Javac.write(FILE, SOURCE)), List.of(flags));
  }

  /** Each finding as "line: [Check]", in order. */
  private static List<String> findings(String output) {
    List<String> findings = new ArrayList<>();
    Matcher m = Pattern.compile("Notifier\\.java:(\\d+): warning: \\[(\\w+)\\]").matcher(output);
    while (m.find()) {
      findings.add(m.group(1) + ": " + m.group(2));
    }
    return findings;
  }

  private static String findingAt(String output, int line) {
    Matcher m = Pattern.compile("Notifier\\.java:" + line + ": warning: (\\[\\w+\\][^\\n]*)").matcher(output);
    assertTrue(m.find(), "no finding at line " + line + ":\n" + output);
    return m.group(1);
  }

  @Test
  void withoutAProfileEveryFindingIsReported() {
    Javac.Result result = compile();
    assertTrue(result.success(), result.output());
    assertEquals(
        List.of(
            at(HOT_START, "ThreadPerItem"), at(HOT_BOX, "BoxingInHotPath"), at(COLD_START, "ThreadPerItem"),
            at(COLD_BOX, "BoxingInHotPath"), at(GC, "ExplicitGc")),
        findings(result.output()));
    assertFalse(result.output().contains("profile:"), result.output());
  }

  @Test
  void hotFindingsCarryWhatTheRecordingMeasured() {
    Javac.Result result = compile("-XepOpt:Slowpath:Profile=" + recording);
    assertTrue(result.success(), result.output());
    String threads = findingAt(result.output(), HOT_START);
    assertTrue(threads.contains("— profile: "), threads);
    assertTrue(threads.contains("120 thread starts here"), threads); // 40 orders x 3 customers
    String boxing = findingAt(result.output(), HOT_BOX);
    // (Self time only when the method itself was on top: on JDK 25 Long.valueOf's inlined frame is.)
    assertTrue(boxing.matches(".*— profile: method in \\d+\\.\\d% of CPU samples[ ;].*"), boxing);
    // Boxes are made where the accumulator is updated, reported where it is declared.
    assertTrue(boxing.matches(".*allocation samples of boxes in this method, ~[0-9.]+ [KMG]B \\(\\d+\\.\\d% of sampled allocation\\).*"), boxing);
  }

  @Test
  void aFindingBehindAProfileInCodeTheLoadNeverRanIsSilent() {
    Javac.Result result = compile("-XepOpt:Slowpath:Profile=" + recording);
    assertEquals(
        List.of(at(HOT_START, "ThreadPerItem"), at(HOT_BOX, "BoxingInHotPath"), at(GC, "ExplicitGc")),
        findings(result.output()));
  }

  @Test
  void anAlwaysWorthItFindingStaysAndSaysTheCodeDidNotRun() {
    String gc = findingAt(compile("-XepOpt:Slowpath:Profile=" + recording).output(), GC);
    assertTrue(gc.contains("— profile: no CPU samples in this method"), gc);
  }

  @Test
  void aThresholdNoShareReachesKeepsOnlyWhatTheRecordingCounted() {
    // Above 100%, no CPU or allocation share is hot (total() alone can hold every CPU sample):
    // only findings with counted events stay. Thread starts are counted: ThreadPerItem stays;
    // box allocations are weighed by share: BoxingInHotPath goes.
    Javac.Result result =
        compile("-XepOpt:Slowpath:Profile=" + recording, "-XepOpt:Slowpath:ProfileHotPercent=101");
    assertEquals(List.of(at(HOT_START, "ThreadPerItem"), at(GC, "ExplicitGc")), findings(result.output()));
  }

  @Test
  void patchModeRewritesOnlyWhatTheProfileReports() {
    String patched =
        PatchMode.patchConverged(
            "BoxingInHotPath", FILE, SOURCE, List.of("-XepOpt:Slowpath:Profile=" + recording), "--release", "17");
    String hot = patched.substring(patched.indexOf("long total(long[] cents)"), patched.indexOf("Month-end only:"));
    String cold = patched.substring(patched.indexOf("long auditTotal"), patched.indexOf("An admin action"));
    assertTrue(hot.contains("    long total = 0L;"), "the hot accumulator is rewritten:\n" + patched);
    assertTrue(cold.contains("    Long total = 0L;"), "the cold one is left alone:\n" + patched);
    // Without the profile, patch mode rewrites both.
    String all = PatchMode.patchConverged("BoxingInHotPath", FILE, SOURCE, "--release", "17");
    assertFalse(all.contains("Long total"), all);
  }

  @Test
  void aMissingRecordingIsOneWarningAndChangesNothing() {
    Javac.Result result = compile("-XepOpt:Slowpath:Profile=/no/such/app.jfr");
    assertTrue(result.success(), result.output());
    assertEquals(findings(compile().output()), findings(result.output()));
    assertEquals(1, count(result.output(), "warning: [Slowpath] profile /no/such/app.jfr: no such file"), result.output());
    assertFalse(result.output().contains("— profile:"), result.output());
  }

  @Test
  void aFileThatIsNotARecordingIsOneWarningAndChangesNothing() throws IOException {
    Path notJfr = Files.createTempFile("not-a-recording", ".jfr");
    Files.writeString(notJfr, "this is not a recording", UTF_8);
    Javac.Result result = compile("-XepOpt:Slowpath:Profile=" + notJfr);
    assertTrue(result.success(), result.output());
    assertEquals(findings(compile().output()), findings(result.output()));
    assertEquals(1, count(result.output(), "not a readable JFR recording"), result.output());
  }

  @Test
  void aTruncatedRecordingNeverFailsTheBuild() throws IOException {
    byte[] whole = Files.readAllBytes(recording);
    Path half = Files.createTempFile("half-a-recording", ".jfr");
    Files.write(half, java.util.Arrays.copyOf(whole, whole.length / 2));
    Javac.Result result = compile("-XepOpt:Slowpath:Profile=" + half);
    assertTrue(result.success(), result.output());
    assertFalse(result.output().contains("An unhandled exception"), result.output());
    assertTrue(findings(result.output()).contains(at(GC, "ExplicitGc")), result.output());
  }

  @Test
  void aRecordingOfAnotherApplicationIsOneWarningAndChangesNothing() {
    Path other = Recordings.record(() -> ProfiledLoads.collect());
    Javac.Result result = compile("-XepOpt:Slowpath:Profile=" + other);
    assertEquals(findings(compile().output()), findings(result.output()));
    assertEquals(1, count(result.output(), "the profile has no frame in any class of com.acme.*"), result.output());
  }

  @Test
  void aBadRecordingNeverFailsABuildEvenWithWerror() {
    Path yielding =
        Javac.write(
            "com/acme/shop/Spinner.java",
            String.join(
                "\n",
                "package com.acme.shop;",
                "class Spinner {",
                "  private volatile boolean ready;",
                "  void await() {",
                "    while (!ready) {",
                "      Thread.yield();",
                "    }",
                "  }",
                "}",
                ""));
    Javac.Result result =
        Javac.compile(
            List.of(yielding),
            List.of("-XepOpt:Slowpath:Profile=/no/such/app.jfr", "-Xep:ThreadPriorityCheck:OFF"),
            List.of("-Werror", "-Xlint:none"));
    assertTrue(result.success(), result.output());
    // (With -Werror, javac leaves out ThreadYield's note; the warning shows its finding was made.)
    assertTrue(result.output().contains("warning: [Slowpath] profile"), result.output());
  }

  @Test
  void aRecordingIsReadOnceWhileItIsUnchanged() throws IOException {
    Path copy = Files.createTempFile("slowpath-copy", ".jfr");
    Files.copy(recording, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    compile("-XepOpt:Slowpath:Profile=" + copy);
    compile("-XepOpt:Slowpath:Profile=" + copy);
    assertEquals(1, Profiles.reads(copy), "two javac runs, one read");
    Files.setLastModifiedTime(copy, FileTime.fromMillis(Files.getLastModifiedTime(copy).toMillis() + 60_000));
    compile("-XepOpt:Slowpath:Profile=" + copy);
    assertEquals(2, Profiles.reads(copy), "a changed file is read again");
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }
}
