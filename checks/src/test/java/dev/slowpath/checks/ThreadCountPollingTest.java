package dev.slowpath.checks;

import static com.google.errorprone.BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.errorprone.BugCheckerRefactoringTestHelper;
import com.google.errorprone.CompilationTestHelper;
import java.net.URLClassLoader;
import java.util.List;
import org.junit.jupiter.api.Test;

final class ThreadCountPollingTest {
  private final CompilationTestHelper compilationHelper =
      CompilationTestHelper.newInstance(ThreadCountPolling.class, getClass());
  private final BugCheckerRefactoringTestHelper refactoringHelper =
      BugCheckerRefactoringTestHelper.newInstance(ThreadCountPolling.class, getClass());

  private static final String[] GAUGE = {
    "package com.codahale.metrics;", "public interface Gauge<T> { T getValue(); }"
  };
  private static final String[] REGISTRY = {
    "package com.codahale.metrics;",
    "import java.util.function.Supplier;",
    "public class MetricRegistry {",
    "  public <T> void gauge(String name, Supplier<T> value) {}",
    "  public void register(String name, Gauge<?> gauge) {}",
    "}"
  };

  @Test
  void identification() {
    compilationHelper
        .addSourceLines("com/codahale/metrics/Gauge.java", GAUGE)
        .addSourceLines("com/codahale/metrics/MetricRegistry.java", REGISTRY)
        .addSourceLines(
            "JvmGauges.java",
            "import com.codahale.metrics.Gauge;",
            "import com.codahale.metrics.MetricRegistry;",
            "import java.util.Map;",
            "import java.util.Set;",
            "class JvmGauges {",
            "  static class ThreadGauge implements Gauge<Integer> {",
            "    @Override public Integer getValue() {",
            "      // BUG: Diagnostic contains: ThreadCountPolling",
            "      return Thread.getAllStackTraces().size();",
            "    }",
            "  }",
            "  int throughALocal() {",
            "    // BUG: Diagnostic contains: and drop the map",
            "    Map<Thread, StackTraceElement[]> all = Thread.getAllStackTraces();",
            "    return all.size();",
            "  }",
            "  void register(MetricRegistry registry) {",
            "    // BUG: Diagnostic contains: enumerate() on the root ThreadGroup",
            "    registry.gauge(\"names\", () -> Thread.getAllStackTraces().keySet());",
            "  }",
            "  Set<String> namesOfAll() {",
            "    java.util.Set<String> names = new java.util.TreeSet<>();",
            "    // BUG: Diagnostic contains: enumerate() on the root ThreadGroup",
            "    for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {",
            "      names.add(e.getKey().getName());",
            "    }",
            "    return names;",
            "  }",
            "  boolean isAlive(Thread t) {",
            "    // BUG: Diagnostic contains: enumerate() on the root ThreadGroup",
            "    return Thread.getAllStackTraces().containsKey(t);",
            "  }",
            "}")
        .doTest();
  }


  private static final String[] ACTIVE_COUNT_GAUGES = {
    "import com.codahale.metrics.Gauge;",
    "import com.codahale.metrics.MetricRegistry;",
    "class ActiveGauges {",
    "  void register(MetricRegistry registry, ThreadGroup workers) {",
    "    // BUG: Diagnostic contains: Thread::activeCount copies every live thread",
    "    registry.gauge(\"threads\", Thread::activeCount);",
    "    // BUG: Diagnostic contains: activeCount() copies every live thread",
    "    registry.gauge(\"threads.active\", () -> Thread.activeCount());",
    "    // BUG: Diagnostic contains: a group's own count",
    "    registry.register(\"workers\", (Gauge<Integer>) () -> workers.activeCount());",
    "    // BUG: Diagnostic contains: ThreadGroup's activeCount() copies",
    "    registry.gauge(\"workers.fn\", workers::activeCount);",
    "    registry.gauge(\"listed\", () -> {",
    "      // BUG: Diagnostic contains: activeCount() and enumerate() copy every thread",
    "      Thread[] threads = new Thread[Thread.activeCount() + 4];",
    "      return Thread.enumerate(threads);",
    "    });",
    "  }",
    "  String status() {",
    "    return \"threads=\" + Thread.activeCount();",
    "  }",
    "}",
  };

  /**
   * From JDK 19 {@code ThreadGroup.activeCount} copies every live thread: reported in gauges,
   * whatever release the code is compiled for — a library built for 11 runs on 21 and 25.
   */
  @Test
  void identificationActiveCountAtEveryRelease() {
    for (String release : List.of("11", "17")) {
      CompilationTestHelper.newInstance(ThreadCountPolling.class, getClass())
          .addSourceLines("com/codahale/metrics/Gauge.java", GAUGE)
          .addSourceLines("com/codahale/metrics/MetricRegistry.java", REGISTRY)
          .addSourceLines("ActiveGauges.java", ACTIVE_COUNT_GAUGES)
          .setArgs(List.of("--release", release))
          .doTest();
    }
  }

  @Test
  void identificationActiveCountOnJava21() {
    assumeTrue(Runtime.version().feature() >= 21, "javac before 21 cannot compile for Java 21");
    compilationHelper
        .addSourceLines("com/codahale/metrics/Gauge.java", GAUGE)
        .addSourceLines("com/codahale/metrics/MetricRegistry.java", REGISTRY)
        .addSourceLines("ActiveGauges.java", ACTIVE_COUNT_GAUGES)
        .setArgs(List.of("--release", "21"))
        .doTest();
  }

  @Test
  void identificationCountThroughALocalHasNoFix() {
    compilationHelper
        .addSourceLines(
            "Status.java",
            "import java.util.Map;",
            "class Status {",
            "  String line() {",
            "    // BUG: Diagnostic contains: and drop the map",
            "    Map<Thread, StackTraceElement[]> all = Thread.getAllStackTraces();",
            "    return \"threads=\" + all.size() + (all.isEmpty() ? \"\" : \"\");",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void identificationSilentWhereTheStacksAreRead() {
    compilationHelper
        .addSourceLines("com/codahale/metrics/Gauge.java", GAUGE)
        .addSourceLines(
            "Diagnostics.java",
            "import com.codahale.metrics.Gauge;",
            "import java.util.Map;",
            "class Diagnostics {",
            "  String dump() {",
            "    StringBuilder out = new StringBuilder();",
            "    for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {",
            "      out.append(e.getKey().getName()).append(e.getValue().length);",
            "    }",
            "    return out.toString();",
            "  }",
            "  void sample(Map<String, Integer> hits) {",
            "    Map<Thread, StackTraceElement[]> all = Thread.getAllStackTraces();",
            "    for (Thread t : all.keySet()) {",
            "      StackTraceElement[] stack = all.get(t);",
            "      if (stack.length > 0) hits.merge(stack[0].getMethodName(), 1, Integer::sum);",
            "    }",
            "  }",
            "  Object values() {",
            "    return Thread.getAllStackTraces().values();",
            "  }",
            "  Map<Thread, StackTraceElement[]> escapes() {",
            "    return Thread.getAllStackTraces();",
            "  }",
            "  void printAll() {",
            "    Thread.getAllStackTraces().forEach((t, s) -> System.out.println(t + \" \" + s.length));",
            "  }",
            "  // activeCount() outside monitoring: sizing a one-off enumerate(), a log line.",
            "  Thread find(String name) {",
            "    Thread[] threads = new Thread[Thread.activeCount()];",
            "    int n = Thread.enumerate(threads);",
            "    for (int i = 0; i < n; i++) if (threads[i].getName().equals(name)) return threads[i];",
            "    return null;",
            "  }",
            "  String status() {",
            "    return \"threads=\" + Thread.activeCount();",
            "  }",
            "  // Teardown lists once: interrupt the toolkit's threads on the way out (H2's GUIConsole).",
            "  void shutdown() {",
            "    for (Thread t : Thread.getAllStackTraces().keySet()) {",
            "      if (t.getName().startsWith(\"AWT-\")) t.interrupt();",
            "    }",
            "  }",
            "  // Set-up code counts once.",
            "  Diagnostics() {",
            "    System.out.println(Thread.getAllStackTraces().size());",
            "  }",
            "  int activeCount() { return 3; }",
            "  Gauge<Integer> own() { return () -> activeCount(); }",
            "}")
        .doTest();
  }

  @Test
  void identificationSilentInTestSourceSet() {
    compilationHelper
        .addSourceLines(
            "src/test/java/LeakCheck.java",
            "class LeakCheck {",
            "  int threads() {",
            "    return Thread.getAllStackTraces().size();",
            "  }",
            "  java.util.function.IntSupplier counter() { return Thread::activeCount; }",
            "}")
        .doTest();
  }

  @Test
  void replacement() {
    refactoringHelper
        .addInputLines("com/codahale/metrics/Gauge.java", GAUGE)
        .expectUnchanged()
        .addInputLines("com/codahale/metrics/MetricRegistry.java", REGISTRY)
        .expectUnchanged()
        .addInputLines(
            "JvmGauges.java",
            "import com.codahale.metrics.Gauge;",
            "import com.codahale.metrics.MetricRegistry;",
            "class JvmGauges {",
            "  static class ThreadGauge implements Gauge<Integer> {",
            "    @Override public Integer getValue() {",
            "      return Thread.getAllStackTraces().size();",
            "    }",
            "  }",
            "}")
        .addOutputLines(
            "JvmGauges.java",
            "import com.codahale.metrics.Gauge;",
            "import com.codahale.metrics.MetricRegistry;",
            "import java.lang.management.ManagementFactory;",
            "class JvmGauges {",
            "  static class ThreadGauge implements Gauge<Integer> {",
            "    @Override public Integer getValue() {",
            "      return ManagementFactory.getThreadMXBean().getThreadCount();",
            "    }",
            "  }",
            "}")
        .doTest(TEXT_MATCH);
  }

  /** A ThreadMXBean the class already keeps is read rather than looked up again. */
  @Test
  void replacementReadsTheClassesOwnBean() {
    refactoringHelper
        .addInputLines(
            "Status.java",
            "import java.lang.management.ManagementFactory;",
            "import java.lang.management.ThreadMXBean;",
            "class Status {",
            "  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();",
            "  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();",
            "  String line() {",
            "    return \"threads=\" + Thread.getAllStackTraces().size();",
            "  }",
            "  static int count() {",
            "    return Thread.getAllStackTraces().size();",
            "  }",
            "  int shadowed(ThreadMXBean threads) {",
            "    return Thread.getAllStackTraces().size();",
            "  }",
            "}")
        .addOutputLines(
            "Status.java",
            "import java.lang.management.ManagementFactory;",
            "import java.lang.management.ThreadMXBean;",
            "class Status {",
            "  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();",
            "  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();",
            "  String line() {",
            "    return \"threads=\" + THREADS.getThreadCount();",
            "  }",
            "  static int count() {",
            "    return THREADS.getThreadCount();",
            "  }",
            "  int shadowed(ThreadMXBean threads) {",
            "    return THREADS.getThreadCount();",
            "  }",
            "}")
        .doTest(TEXT_MATCH);
  }

  @Test
  void replacementActiveCount() {
    refactoringHelper
        .addInputLines("com/codahale/metrics/Gauge.java", GAUGE)
        .expectUnchanged()
        .addInputLines("com/codahale/metrics/MetricRegistry.java", REGISTRY)
        .expectUnchanged()
        .addInputLines(
            "JvmGauges.java",
            "import com.codahale.metrics.MetricRegistry;",
            "class JvmGauges {",
            "  void register(MetricRegistry registry) {",
            "    registry.gauge(\"threads\", Thread::activeCount);",
            "    registry.gauge(\"threads.active\", () -> Thread.activeCount());",
            "    registry.gauge(\"threads.all\", () -> {",
            "      ThreadGroup root = Thread.currentThread().getThreadGroup();",
            "      while (root.getParent() != null) {",
            "        root = root.getParent();",
            "      }",
            "      return root.activeCount();",
            "    });",
            "  }",
            "}")
        .addOutputLines(
            "JvmGauges.java",
            "import com.codahale.metrics.MetricRegistry;",
            "import java.lang.management.ManagementFactory;",
            "class JvmGauges {",
            "  void register(MetricRegistry registry) {",
            "    registry.gauge(\"threads\", ManagementFactory.getThreadMXBean()::getThreadCount);",
            "    registry.gauge(\"threads.active\", () -> ManagementFactory.getThreadMXBean().getThreadCount());",
            "    registry.gauge(\"threads.all\", () -> {",
            "      ThreadGroup root = Thread.currentThread().getThreadGroup();",
            "      while (root.getParent() != null) {",
            "        root = root.getParent();",
            "      }",
            "      return ManagementFactory.getThreadMXBean().getThreadCount();",
            "    });",
            "  }",
            "}")
        .setArgs("--release", "11")
        .doTest(TEXT_MATCH);
  }

  /**
   * The rewritten count must be the number the original computed: with a pool of parked threads
   * alive, compile and run the original and the patched gauges and compare their values.
   */
  @Test
  void patchedGaugesCountWhatTheOriginalCounted() throws Exception {
    String original = String.join("\n", PROBE) + "\n";
    // activeCount() is rewritten at every release: on each JDK leg the counts must agree.
    String release = Runtime.version().feature() >= 21 ? "21" : "17";
    String patched = PatchMode.patchConverged("ThreadCountPolling", "probe/Gauges.java", original, "--release", release);
    assertFalse(patched.contains("getAllStackTraces"), patched);
    assertFalse(patched.contains("activeCount"), patched);
    List<Integer> before = counts(original);
    List<Integer> after = counts(patched);
    assertTrue(before.get(0) >= 24, before.toString());
    assertEquals(before.get(0), after.get(0), "getAllStackTraces().size() and getThreadCount() count the same threads");
    if (Runtime.version().feature() >= 19) {
      assertEquals(before.get(1), after.get(1), "from JDK 19 the root group's activeCount() counts every live thread");
    } else {
      // Up to 18 a group counts only the threads added to it: a VM thread outside every group (a
      // JFR worker of the test JVM) is seen by getAllStackTraces() and getThreadCount(), not by the
      // root group. The patched gauge counts what the original's getAllStackTraces() counted.
      assertTrue(before.get(1) <= after.get(1), before + " -> " + after);
      assertEquals(before.get(0), after.get(1), before + " -> " + after);
    }
  }

  private static final String[] PROBE = {
    "package probe;",
    "",
    "import java.util.ArrayList;",
    "import java.util.List;",
    "import java.util.concurrent.CountDownLatch;",
    "",
    "public class Gauges {",
    "  interface Gauge<T> {",
    "    T getValue();",
    "  }",
    "",
    "  static int allThreads() {",
    "    return Thread.getAllStackTraces().size();",
    "  }",
    "",
    "  static Gauge<Integer> rootGroup() {",
    "    return () -> {",
    "      ThreadGroup root = Thread.currentThread().getThreadGroup();",
    "      while (root.getParent() != null) {",
    "        root = root.getParent();",
    "      }",
    "      return root.activeCount();",
    "    };",
    "  }",
    "",
    "  public static List<Integer> measure() throws Exception {",
    "    CountDownLatch release = new CountDownLatch(1);",
    "    List<Thread> parked = new ArrayList<>();",
    "    for (int i = 0; i < 24; i++) {",
    "      Thread t = new Thread(() -> {",
    "        try { release.await(); } catch (InterruptedException e) { }",
    "      });",
    "      t.start();",
    "      parked.add(t);",
    "    }",
    "    try {",
    "      // Threads of the test JVM may come and go: take each pair of readings until they agree.",
    "      for (int attempt = 0; ; attempt++) {",
    "        int all = allThreads();",
    "        int root = rootGroup().getValue();",
    "        if (all == allThreads() && root == rootGroup().getValue() || attempt == 20) {",
    "          return List.of(all, root);",
    "        }",
    "      }",
    "    } finally {",
    "      release.countDown();",
    "      for (Thread t : parked) t.join();",
    "    }",
    "  }",
    "}",
  };

  @SuppressWarnings("unchecked")
  private static List<Integer> counts(String source) throws Exception {
    try (URLClassLoader loader = Probe.compile("probe/Gauges.java", source)) {
      return (List<Integer>) loader.loadClass("probe.Gauges").getMethod("measure").invoke(null);
    }
  }
}
