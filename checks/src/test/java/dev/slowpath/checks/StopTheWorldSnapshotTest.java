package dev.slowpath.checks;

import static com.google.errorprone.BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.errorprone.BugCheckerRefactoringTestHelper;
import com.google.errorprone.CompilationTestHelper;
import java.net.URLClassLoader;
import java.util.List;
import org.junit.jupiter.api.Test;

final class StopTheWorldSnapshotTest {
  private final CompilationTestHelper compilationHelper =
      CompilationTestHelper.newInstance(StopTheWorldSnapshot.class, getClass());
  private final BugCheckerRefactoringTestHelper refactoringHelper =
      BugCheckerRefactoringTestHelper.newInstance(StopTheWorldSnapshot.class, getClass());

  private static final String[] HEALTH_CHECK = {
    "package com.codahale.metrics.health;",
    "public abstract class HealthCheck {",
    "  protected abstract String check() throws Exception;",
    "}"
  };

  @Test
  void identification() {
    compilationHelper
        .addSourceLines("com/codahale/metrics/health/HealthCheck.java", HEALTH_CHECK)
        .addSourceLines(
            "io/prometheus/client/Collector.java",
            "package io.prometheus.client;",
            "public abstract class Collector {",
            "  public abstract java.util.List<Object> collect();",
            "}")
        .addSourceLines(
            "ThreadStates.java",
            "import com.codahale.metrics.health.HealthCheck;",
            "import java.lang.management.ManagementFactory;",
            "import java.lang.management.ThreadInfo;",
            "import java.lang.management.ThreadMXBean;",
            "import java.util.EnumMap;",
            "import java.util.Map;",
            "class ThreadStates {",
            "  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();",
            "  Map<Thread.State, Integer> byState() {",
            "    Map<Thread.State, Integer> counts = new EnumMap<>(Thread.State.class);",
            "    // BUG: Diagnostic contains: getThreadInfo(threads.getAllThreadIds()) returns the same",
            "    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds(), 8)) {",
            "      if (info != null) counts.merge(info.getThreadState(), 1, Integer::sum);",
            "    }",
            "    return counts;",
            "  }",
            "  int blocked(long[] ids) {",
            "    // BUG: Diagnostic contains: ThreadDump safepoint",
            "    ThreadInfo[] infos = threads.getThreadInfo(ids, false, false);",
            "    int n = 0;",
            "    for (int i = 0; i < infos.length; i++) {",
            "      ThreadInfo info = infos[i];",
            "      if (info != null && info.getThreadState() == Thread.State.BLOCKED) n++;",
            "    }",
            "    return n;",
            "  }",
            "  String waitingOn(long id) {",
            "    // BUG: Diagnostic contains: ThreadDump safepoint",
            "    return threads.getThreadInfo(id, Integer.MAX_VALUE).getLockName();",
            "  }",
            "  long waits() {",
            "    long total = 0;",
            "    // BUG: Diagnostic contains: getThreadInfo(getAllThreadIds())",
            "    for (ThreadInfo info : ManagementFactory.getThreadMXBean().dumpAllThreads(false, false)) {",
            "      if (info == null) continue;",
            "      total += info.getWaitedCount() + info.getBlockedCount();",
            "    }",
            "    return total;",
            "  }",
            "  int names(StringBuilder out) {",
            "    // BUG: Diagnostic contains: skip its null entries",
            "    ThreadInfo[] all = threads.dumpAllThreads(true, true);",
            "    for (ThreadInfo info : all) out.append(info.getThreadName());",
            "    return all.length;",
            "  }",
            "  static class Deadlocks extends HealthCheck {",
            "    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();",
            "    @Override protected String check() {",
            "      // BUG: Diagnostic contains: FindDeadlocks safepoint",
            "      long[] ids = threads.findDeadlockedThreads();",
            "      return ids == null ? \"healthy\" : ids.length + \" deadlocked\";",
            "    }",
            "  }",
            "  static class Collector extends io.prometheus.client.Collector {",
            "    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();",
            "    @Override public java.util.List<Object> collect() {",
            "      return java.util.List.of(count(), 2);",
            "    }",
            "    private int count() {",
            "      // BUG: Diagnostic contains: findMonitorDeadlockedThreads() stops the world",
            "      long[] ids = threads.findMonitorDeadlockedThreads();",
            "      return ids == null ? 0 : ids.length;",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void identificationSilentWhereStacksOrLocksAreRead() {
    compilationHelper
        .addSourceLines(
            "Dumps.java",
            "import java.lang.management.LockInfo;",
            "import java.lang.management.ManagementFactory;",
            "import java.lang.management.ThreadInfo;",
            "import java.lang.management.ThreadMXBean;",
            "import java.util.ArrayList;",
            "import java.util.List;",
            "class Dumps {",
            "  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();",
            "  String dump() {",
            "    StringBuilder out = new StringBuilder();",
            "    for (ThreadInfo info : threads.dumpAllThreads(true, true)) out.append(info);",
            "    return out.toString();",
            "  }",
            "  void deadlockReport(List<String> lines) {",
            "    long[] ids = threads.findDeadlockedThreads();",
            "    if (ids == null) return;",
            "    for (ThreadInfo info : threads.getThreadInfo(ids, 100)) {",
            "      for (StackTraceElement e : info.getStackTrace()) lines.add(info.getLockName() + e);",
            "    }",
            "  }",
            "  int monitors(long[] ids) {",
            "    int n = 0;",
            "    for (ThreadInfo info : threads.getThreadInfo(ids, true, false)) n += info.getLockedMonitors().length;",
            "    return n;",
            "  }",
            "  ThreadInfo[] passedOn(long[] ids) {",
            "    return threads.getThreadInfo(ids, 8);",
            "  }",
            "  List<ThreadInfo> kept(long[] ids) {",
            "    List<ThreadInfo> kept = new ArrayList<>();",
            "    for (ThreadInfo info : threads.getThreadInfo(ids, 8)) kept.add(info);",
            "    return kept;",
            "  }",
            "  Thread.State cheapAlready(long[] ids, int depth) {",
            "    threads.getThreadInfo(ids, depth);",
            "    return threads.getThreadInfo(ids, 0)[0].getThreadState();",
            "  }",
            "  boolean anyDeadlockOnDemand() {",
            "    return threads.findDeadlockedThreads() != null;",
            "  }",
            "  // A watchdog the code schedules for itself: the slow schedule of its own the message",
            "  // recommends (H2's ThreadDeadlockDetector runs every 10 s when switched on).",
            "  void watchdog(java.util.concurrent.ScheduledExecutorService scheduler) {",
            "    scheduler.scheduleAtFixedRate(",
            "        () -> report(threads.findMonitorDeadlockedThreads()), 10, 10, java.util.concurrent.TimeUnit.SECONDS);",
            "  }",
            "  void report(long[] ids) {}",
            "  // Teardown runs once: a snapshot on the way out is no routine cost.",
            "  void shutdown() {",
            "    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds(), 8)) {",
            "      if (info != null && info.getThreadName().startsWith(\"worker\")) System.out.println(info.getThreadState());",
            "    }",
            "  }",
            "  public static void main(String[] args) {",
            "    for (ThreadInfo info : ManagementFactory.getThreadMXBean().dumpAllThreads(false, false)) {",
            "      System.out.println(info.getThreadName());",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /**
   * Reduced from a JVM metrics library's deadlock detector: a small public class whose public
   * method searches on every call, read by a gauge and a health check in other files. Reported,
   * unless its own file runs it on a schedule, or it is teardown or a dump.
   */
  @Test
  void identificationPublicDeadlockDetector() {
    compilationHelper
        .addSourceLines(
            "ThreadDeadlockDetector.java",
            "import java.lang.management.ManagementFactory;",
            "import java.lang.management.ThreadMXBean;",
            "import java.util.Collections;",
            "import java.util.Set;",
            "public class ThreadDeadlockDetector {",
            "  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();",
            "  public Set<String> getDeadlockedThreads() {",
            "    // BUG: Diagnostic contains: on every call of this public method",
            "    long[] ids = threads.findDeadlockedThreads();",
            "    return ids == null ? Collections.emptySet() : Set.of(\"deadlock\");",
            "  }",
            "  public void dumpDeadlocks() {",
            "    System.out.println(threads.findDeadlockedThreads() != null);",
            "  }",
            "  public void close() {",
            "    threads.findMonitorDeadlockedThreads();",
            "  }",
            "  boolean packagePrivate() {",
            "    return threads.findDeadlockedThreads() != null;",
            "  }",
            "}")
        .addSourceLines(
            "Watchdog.java",
            "import java.lang.management.ManagementFactory;",
            "import java.util.concurrent.ScheduledExecutorService;",
            "import java.util.concurrent.TimeUnit;",
            "public class Watchdog {",
            "  public Watchdog(ScheduledExecutorService scheduler) {",
            "    scheduler.scheduleWithFixedDelay(this::check, 10, 10, TimeUnit.SECONDS);",
            "  }",
            "  public boolean check() {",
            "    return ManagementFactory.getThreadMXBean().findDeadlockedThreads() != null;",
            "  }",
            "}")
        .addSourceLines(
            "Internal.java",
            "import java.lang.management.ManagementFactory;",
            "class Internal {",
            "  public boolean deadlocked() {",
            "    return ManagementFactory.getThreadMXBean().findDeadlockedThreads() != null;",
            "  }",
            "}")
        .doTest();
  }

  /** Monitoring callbacks are told by whole words of their names: a "parameter" is no "meter". */
  @Test
  void identificationReadsMetricWordsWhole() {
    compilationHelper
        .addSourceLines(
            "io/micrometer/core/instrument/Gauge.java",
            "package io.micrometer.core.instrument;",
            "import java.util.function.ToDoubleFunction;",
            "public interface Gauge {",
            "  static <T> Object builder(String name, T obj, ToDoubleFunction<T> f) { return null; }",
            "}")
        .addSourceLines(
            "Binder.java",
            "import io.micrometer.core.instrument.Gauge;",
            "import java.lang.management.ManagementFactory;",
            "import java.lang.management.ThreadMXBean;",
            "import java.util.function.Supplier;",
            "class Binder {",
            "  void bind(ThreadMXBean threads) {",
            "    Gauge.builder(\"jvm.threads.deadlocked\", threads,",
            "        // BUG: Diagnostic contains: FindDeadlocks safepoint",
            "        t -> t.findDeadlockedThreads() == null ? 0 : t.findDeadlockedThreads().length);",
            "    setParameter(() -> threads.findDeadlockedThreads());",
            "  }",
            "  void setParameter(Supplier<long[]> value) {}",
            "}")
        .doTest();
  }

  @Test
  void identificationSilentInTestSourceSet() {
    compilationHelper
        .addSourceLines(
            "src/test/java/StatesTest.java",
            "import java.lang.management.ManagementFactory;",
            "import java.lang.management.ThreadInfo;",
            "class StatesTest {",
            "  int blocked(long[] ids) {",
            "    int n = 0;",
            "    for (ThreadInfo i : ManagementFactory.getThreadMXBean().getThreadInfo(ids, 8)) if (i != null) n++;",
            "    return n;",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void replacement() {
    refactoringHelper
        .addInputLines(
            "ThreadStates.java",
            "import java.lang.management.ManagementFactory;",
            "import java.lang.management.ThreadInfo;",
            "import java.lang.management.ThreadMXBean;",
            "class ThreadStates {",
            "  /** Frames per thread: enough to see where it waits. */",
            "  private static final int DEPTH = 8;",
            "",
            "  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();",
            "  int runnable() {",
            "    int n = 0;",
            "    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds(), DEPTH)) {",
            "      if (info != null && info.getThreadState() == Thread.State.RUNNABLE) n++;",
            "    }",
            "    return n;",
            "  }",
            "  int blocked(long[] ids) {",
            "    ThreadInfo[] infos = threads.getThreadInfo(ids, /* locks */ false, false);",
            "    int n = 0;",
            "    for (ThreadInfo info : infos) if (info != null && info.getLockOwnerId() >= 0) n++;",
            "    return n;",
            "  }",
            "  String state(long id) {",
            "    return threads.getThreadInfo(id, Integer.MAX_VALUE).getThreadState().name();",
            "  }",
            "  long waits() {",
            "    long total = 0;",
            "    for (ThreadInfo info : ManagementFactory.getThreadMXBean().dumpAllThreads(false, false)) {",
            "      if (info != null) total += info.getWaitedCount();",
            "    }",
            "    return total;",
            "  }",
            "}")
        .addOutputLines(
            "ThreadStates.java",
            "import java.lang.management.ManagementFactory;",
            "import java.lang.management.ThreadInfo;",
            "import java.lang.management.ThreadMXBean;",
            "class ThreadStates {",
            "  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();",
            "  int runnable() {",
            "    int n = 0;",
            "    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {",
            "      if (info != null && info.getThreadState() == Thread.State.RUNNABLE) n++;",
            "    }",
            "    return n;",
            "  }",
            "  int blocked(long[] ids) {",
            "    ThreadInfo[] infos = threads.getThreadInfo(ids);",
            "    int n = 0;",
            "    for (ThreadInfo info : infos) if (info != null && info.getLockOwnerId() >= 0) n++;",
            "    return n;",
            "  }",
            "  String state(long id) {",
            "    return threads.getThreadInfo(id).getThreadState().name();",
            "  }",
            "  long waits() {",
            "    long total = 0;",
            "    for (ThreadInfo info : ManagementFactory.getThreadMXBean().getThreadInfo(ManagementFactory.getThreadMXBean().getAllThreadIds())) {",
            "      if (info != null) total += info.getWaitedCount();",
            "    }",
            "    return total;",
            "  }",
            "}")
        .doTest(TEXT_MATCH);
  }

  /**
   * The cheap snapshot must report what the expensive one did: with threads parked, sleeping and
   * blocked on a monitor another thread holds, run the original and the patched code and compare
   * states, names, lock names and lock owners of those threads.
   */
  @Test
  void patchedSnapshotsReadWhatTheOriginalRead() throws Exception {
    String original = String.join("\n", PROBE) + "\n";
    String patched = PatchMode.patchConverged("StopTheWorldSnapshot", "probe/Snapshots.java", original);
    assertFalse(patched.contains("dumpAllThreads"), patched);
    assertFalse(patched.contains(", 8)"), patched);
    // Lock names end in an identity hash, which differs between the two runs' objects.
    List<String> before = withoutHashes(read(original));
    List<String> after = withoutHashes(read(patched));
    assertEquals(before, after);
    assertTrue(before.stream().anyMatch(line -> line.contains("BLOCKED") && line.contains("owner=probe-holder")), before.toString());
    assertTrue(before.contains("blocked-on-the-monitor=true"), before.toString());
  }

  private static final String[] PROBE = {
    "package probe;",
    "",
    "import java.lang.management.ManagementFactory;",
    "import java.lang.management.ThreadInfo;",
    "import java.lang.management.ThreadMXBean;",
    "import java.util.ArrayList;",
    "import java.util.List;",
    "import java.util.TreeSet;",
    "import java.util.concurrent.CountDownLatch;",
    "import java.util.concurrent.locks.LockSupport;",
    "",
    "public class Snapshots {",
    "  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();",
    "",
    "  static List<String> describe(long[] ids) {",
    "    List<String> out = new ArrayList<>();",
    "    for (ThreadInfo info : THREADS.getThreadInfo(ids, 8)) {",
    "      if (info != null && info.getThreadName().startsWith(\"probe-\")) {",
    "        out.add(info.getThreadName() + \" \" + info.getThreadState() + \" lock=\" + info.getLockName()",
    "            + \" owner=\" + info.getLockOwnerName() + \" daemon=\" + info.isDaemon());",
    "      }",
    "    }",
    "    return out;",
    "  }",
    "",
    "  static TreeSet<String> states() {",
    "    TreeSet<String> out = new TreeSet<>();",
    "    for (ThreadInfo info : THREADS.dumpAllThreads(false, false)) {",
    "      if (info != null && info.getThreadName().startsWith(\"probe-\")) {",
    "        out.add(info.getThreadName() + \"=\" + info.getThreadState());",
    "      }",
    "    }",
    "    return out;",
    "  }",
    "",
    "  public static List<String> read() throws Exception {",
    "    Object monitor = new Object();",
    "    CountDownLatch held = new CountDownLatch(1);",
    "    CountDownLatch release = new CountDownLatch(1);",
    "    List<Thread> started = new ArrayList<>();",
    "    Thread holder = new Thread(() -> {",
    "      synchronized (monitor) {",
    "        held.countDown();",
    "        try { release.await(); } catch (InterruptedException e) { }",
    "      }",
    "    }, \"probe-holder\");",
    "    holder.start();",
    "    held.await();",
    "    started.add(holder);",
    "    Thread blocked = new Thread(() -> { synchronized (monitor) { } }, \"probe-blocked\");",
    "    blocked.start();",
    "    started.add(blocked);",
    "    Thread parked = new Thread(() -> LockSupport.park(), \"probe-parked\");",
    "    parked.setDaemon(true);",
    "    parked.start();",
    "    started.add(parked);",
    "    while (blocked.getState() != Thread.State.BLOCKED || parked.getState() != Thread.State.WAITING) {",
    "      Thread.sleep(1);",
    "    }",
    "    try {",
    "      long[] ids = started.stream().mapToLong(Thread::getId).toArray();",
    "      List<String> out = new ArrayList<>(describe(ids));",
    "      String monitorName = monitor.getClass().getName() + \"@\" + Integer.toHexString(System.identityHashCode(monitor));",
    "      out.add(\"blocked-on-the-monitor=\" + out.stream().anyMatch(l -> l.contains(\"BLOCKED lock=\" + monitorName)));",
    "      out.addAll(states());",
    "      return out;",
    "    } finally {",
    "      release.countDown();",
    "      LockSupport.unpark(parked);",
    "      for (Thread t : started) t.join();",
    "    }",
    "  }",
    "}",
  };

  private static List<String> withoutHashes(List<String> lines) {
    return lines.stream().map(line -> line.replaceAll("@[0-9a-f]+", "@")).collect(java.util.stream.Collectors.toList());
  }

  @SuppressWarnings("unchecked")
  private static List<String> read(String source) throws Exception {
    try (URLClassLoader loader = Probe.compile("probe/Snapshots.java", source)) {
      return (List<String>) loader.loadClass("probe.Snapshots").getMethod("read").invoke(null);
    }
  }
}
