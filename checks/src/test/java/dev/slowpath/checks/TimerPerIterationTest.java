package dev.slowpath.checks;

import static com.google.errorprone.BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.errorprone.BugCheckerRefactoringTestHelper;
import com.google.errorprone.CompilationTestHelper;
import java.lang.reflect.Method;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

final class TimerPerIterationTest {
  private final CompilationTestHelper compilationHelper =
      CompilationTestHelper.newInstance(TimerPerIteration.class, getClass());
  private final BugCheckerRefactoringTestHelper refactoringHelper =
      BugCheckerRefactoringTestHelper.newInstance(TimerPerIteration.class, getClass());

  @Test
  void identification() {
    compilationHelper
        .addSourceLines(
            "Shell.java",
            "import java.util.Timer;",
            "import java.util.TimerTask;",
            "import java.util.concurrent.ScheduledExecutorService;",
            "import java.util.concurrent.ScheduledFuture;",
            "import java.util.concurrent.ScheduledThreadPoolExecutor;",
            "import java.util.concurrent.TimeUnit;",
            "class Shell {",
            "  private final ScheduledThreadPoolExecutor timeouts = new ScheduledThreadPoolExecutor(1);",
            "  private ScheduledFuture<?> idle;",
            "  int run(Process process, long timeoutMs) throws InterruptedException {",
            "    // BUG: Diagnostic contains: This java.util.Timer is made for one call",
            "    Timer timer = new Timer();",
            "    TimerTask kill = new TimerTask() { public void run() { process.destroy(); } };",
            "    timer.schedule(kill, timeoutMs);",
            "    try {",
            "      return process.waitFor();",
            "    } finally {",
            "      timer.cancel();",
            "    }",
            "  }",
            "  void retryAll(ScheduledExecutorService ses, java.util.List<Runnable> jobs) {",
            "    for (Runnable job : jobs) {",
            "      // BUG: Diagnostic contains: schedules a task on every pass and drops its future",
            "      ses.schedule(job, 5, TimeUnit.SECONDS);",
            "    }",
            "  }",
            "  void remindAll(java.util.List<Runnable> reminders) {",
            "    for (Runnable r : reminders) {",
            "      java.util.concurrent.CompletableFuture.runAsync(",
            "          // BUG: Diagnostic contains: a new delayed executor on every pass",
            "          r, java.util.concurrent.CompletableFuture.delayedExecutor(1, TimeUnit.MINUTES));",
            "    }",
            "  }",
            "  void retry(java.util.function.Supplier<Boolean> attempt) {",
            "    for (int i = 0; i < 100; i++) {",
            "      if (java.util.concurrent.CompletableFuture.supplyAsync(attempt,",
            "          java.util.concurrent.CompletableFuture.delayedExecutor(i, TimeUnit.SECONDS)).join()) {",
            "        return;",
            "      }",
            "    }",
            "  }",
            "  void onMessage(String message) {",
            "    if (idle != null) {",
            "      idle.cancel(false);",
            "    }",
            "    // BUG: Diagnostic contains: setRemoveOnCancelPolicy(true) removes each one",
            "    idle = timeouts.schedule(() -> {}, 30, TimeUnit.SECONDS);",
            "  }",
            "}")
        .doTest();
  }

  /** Metrics and Swing timers; timers made once; loops that run a few times; test code. */
  @Test
  void identificationLeavesOtherTimersAndOneTimeCodeAlone() {
    compilationHelper
        .addSourceLines(
            "com/codahale/metrics/Timer.java",
            "package com.codahale.metrics;",
            "public class Timer { public void update(long nanos) {} }")
        .addSourceLines(
            "Service.java",
            "import java.util.Timer;",
            "import java.util.TimerTask;",
            "import java.util.concurrent.ScheduledExecutorService;",
            "import java.util.concurrent.TimeUnit;",
            "class Service {",
            "  enum Phase { A, B }",
            "  private static final Timer SHARED = new Timer(\"service\", true);",
            "  private final Timer own;",
            "  private Timer lazy;",
            "  private Timer reconnect;",
            "  Service() { own = new Timer(true); }",
            "  void start() { Timer t = new Timer(); t.schedule(task(), 10, 10); }",
            "  @javax.annotation.PostConstruct void warmUp() { new Timer().schedule(task(), 10); }",
            "  void measure() { new com.codahale.metrics.Timer().update(5); }",
            "  void swing() { new javax.swing.Timer(10, e -> {}).start(); }",
            "  synchronized Timer lazy() { if (lazy == null) { lazy = new Timer(true); } return lazy; }",
            "  void reconnectLater() { reconnect = new Timer(\"reconnect\"); reconnect.schedule(task(), 1000); }",
            "  Timer make() { return new Timer(); }",
            "  // Reduced from a JDBC driver's shared timer: made lazily, kept in a field and handed out.",
            "  private Timer shared;",
            "  synchronized Timer getTimer(int index) {",
            "    Timer timer = shared;",
            "    if (timer == null) {",
            "      this.shared = timer = new Timer(\"shared-\" + index, true);",
            "    }",
            "    return timer;",
            "  }",
            "  synchronized Timer keep() { Timer t = new Timer(true); shared = t; return t; }",
            "  void phases(ScheduledExecutorService ses) {",
            "    for (Phase p : Phase.values()) { ses.schedule(() -> {}, 1, TimeUnit.SECONDS); }",
            "    for (int i = 0; i < 3; i++) { ses.schedule(() -> {}, i, TimeUnit.SECONDS); }",
            "    for (String s : new String[] {\"a\", \"b\"}) { ses.schedule(() -> {}, 1, TimeUnit.SECONDS); }",
            "  }",
            "  void initReporters(ScheduledExecutorService ses, java.util.List<Runnable> reporters) {",
            "    for (Runnable r : reporters) { ses.scheduleAtFixedRate(r, 1, 1, TimeUnit.MINUTES); }",
            "  }",
            "  void kept(ScheduledExecutorService ses, java.util.List<Runnable> jobs,",
            "      java.util.List<java.util.concurrent.Future<?>> futures) {",
            "    for (Runnable job : jobs) { futures.add(ses.schedule(job, 1, TimeUnit.SECONDS)); }",
            "  }",
            // Reduced from an integration framework's redelivery (issue 21's recall corpus): the
            // pass that schedules the redelivery returns; every other pass goes round at once.
            "  boolean redeliver(ScheduledExecutorService ses, Runnable attempt, java.util.function.BooleanSupplier done) {",
            "    while (true) {",
            "      if (done.getAsBoolean()) { return true; }",
            "      if (ses.isShutdown()) { continue; }",
            "      ses.schedule(attempt, 1, TimeUnit.SECONDS);",
            "      return false;",
            "    }",
            "  }",
            "  static TimerTask task() { return new TimerTask() { public void run() {} }; }",
            "}")
        .addSourceLines(
            "javax/annotation/PostConstruct.java",
            "package javax.annotation;",
            "public @interface PostConstruct {}")
        .addSourceLines(
            "src/test/java/com/acme/ShellTest.java",
            "package com.acme;",
            "class ShellTest {",
            "  void timeout() { new java.util.Timer().schedule(new java.util.TimerTask() { public void run() {} }, 1); }",
            "}")
        .doTest();
  }

  /** Reported, but the rewrite would not compile or not keep behaviour: the message says why. */
  @Test
  void identificationWithoutFixSaysWhy() {
    compilationHelper
        .addSourceLines(
            "Jobs.java",
            "import java.util.Timer;",
            "import java.util.TimerTask;",
            "enum Jobs {",
            "  NIGHTLY;",
            "  void run(TimerTask guard) {",
            "    // BUG: Diagnostic contains: a field of an interface or enum",
            "    Timer t = new Timer();",
            "    t.schedule(guard, 10);",
            "  }",
            "}")
        .addSourceLines(
            "Taken.java",
            "import java.util.Timer;",
            "import java.util.TimerTask;",
            "class Taken {",
            "  private static final String TIMEOUTS = \"30s\";",
            "  void run(TimerTask guard) {",
            "    // BUG: Diagnostic contains: already a field of another type",
            "    Timer t = new Timer();",
            "    t.schedule(guard, 10);",
            "  }",
            "}")
        .addSourceLines(
            "Captured.java",
            "import java.util.Timer;",
            "import java.util.TimerTask;",
            "class Captured {",
            "  Runnable run(long delay) {",
            "    TimerTask guard = null;",
            "    guard = new TimerTask() { public void run() {} };",
            "    // BUG: Diagnostic contains: not a local variable in scope (or, in a lambda, not a final one)",
            "    Timer t = new Timer();",
            "    t.schedule(guard, delay);",
            "    return () -> { t.cancel(); };",
            "  }",
            "  Timer handedOut(TimerTask guard) {",
            "    // BUG: Diagnostic contains: cannot follow",
            "    Timer t = new Timer();",
            "    t.schedule(guard, 10);",
            "    return t;",
            "  }",
            "  void periodic(TimerTask tick) {",
            "    // BUG: Diagnostic contains: repeating task",
            "    Timer t = new Timer();",
            "    t.schedule(tick, 10, 10);",
            "  }",
            "}")
        .doTest();
  }

  /** An executor that already removes on cancel, a re-arm without a cancel, a periodic restart: silent. */
  @Test
  void identificationLeavesRemovingExecutorsAlone() {
    compilationHelper
        .addSourceLines(
            "Session.java",
            "import java.util.concurrent.ScheduledFuture;",
            "import java.util.concurrent.ScheduledThreadPoolExecutor;",
            "import java.util.concurrent.TimeUnit;",
            "class Session {",
            "  private final ScheduledThreadPoolExecutor timeouts = new ScheduledThreadPoolExecutor(1);",
            "  private ScheduledFuture<?> idle;",
            "  Session() { timeouts.setRemoveOnCancelPolicy(true); }",
            "  void onMessage() {",
            "    idle.cancel(false);",
            "    idle = timeouts.schedule(() -> {}, 30, TimeUnit.SECONDS);",
            "  }",
            "}")
        .addSourceLines(
            "Reaper.java",
            "import java.util.concurrent.ScheduledFuture;",
            "import java.util.concurrent.ScheduledThreadPoolExecutor;",
            "import java.util.concurrent.TimeUnit;",
            "// Reduced from a cache's management operations: a periodic task restarted, not a timeout.",
            "class Reaper {",
            "  private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);",
            "  private ScheduledFuture<?> task;",
            "  public void enableReaping(long interval) {",
            "    if (task != null) task.cancel(false);",
            "    task = timer.scheduleWithFixedDelay(() -> {}, 0, interval, TimeUnit.MILLISECONDS);",
            "  }",
            "  public void setRate(long period) {",
            "    task.cancel(false);",
            "    task = timer.scheduleAtFixedRate(() -> {}, period, period, TimeUnit.MILLISECONDS);",
            "  }",
            "}")
        .doTest();
  }

  /** A checker never throws: records, switch expressions, lambdas, anonymous classes, var. */
  @Test
  void identificationInModernTrees() {
    compilationHelper
        .addSourceLines(
            "Modern.java",
            "import java.util.Timer;",
            "import java.util.TimerTask;",
            "import java.util.concurrent.ScheduledExecutorService;",
            "import java.util.concurrent.TimeUnit;",
            "class Modern {",
            "  record Job(ScheduledExecutorService ses, java.util.List<Runnable> steps) {",
            "    void go() {",
            "      // BUG: Diagnostic contains: TimerPerIteration",
            "      steps.forEach(s -> { for (Runnable r : steps) ses.schedule(r, 1, TimeUnit.SECONDS); });",
            "    }",
            "  }",
            "  Runnable guarded(int mode, TimerTask task) {",
            "    return switch (mode) {",
            "      case 0 -> () -> {",
            "        // BUG: Diagnostic contains: TimerPerIteration",
            "        var t = new Timer(true);",
            "        t.schedule(task, 10);",
            "      };",
            "      default -> new Runnable() {",
            "        @Override public void run() {",
            "          // BUG: Diagnostic contains: TimerPerIteration",
            "          new Timer().schedule(task, 10);",
            "        }",
            "      };",
            "    };",
            "  }",
            "}")
        .doTest();
  }

  /** The real form (ZooKeeper's and Kafka's Shell): a Timer per command run to arm its timeout. */
  @Test
  void replacementSharesOneTimerAndCancelsTheTask() {
    refactoringHelper
        .addInputLines(
            "Shell.java",
            "import java.util.Timer;",
            "import java.util.TimerTask;",
            "class Shell {",
            "  private final long timeOutInterval;",
            "  Shell(long timeOutInterval) { this.timeOutInterval = timeOutInterval; }",
            "  int runCommand(Process process) throws InterruptedException {",
            "    Timer timeOutTimer = null;",
            "    TimerTask timeoutTimerTask = null;",
            "    if (timeOutInterval > 0) {",
            "      timeOutTimer = new Timer();",
            "      timeoutTimerTask = new TimerTask() { public void run() { process.destroy(); } };",
            "      // One time scheduling.",
            "      timeOutTimer.schedule(timeoutTimerTask, timeOutInterval);",
            "    }",
            "    try {",
            "      return process.waitFor();",
            "    } finally {",
            "      if (timeOutTimer != null) {",
            "        timeOutTimer.cancel();",
            "      }",
            "    }",
            "  }",
            "}")
        .addOutputLines(
            "Shell.java",
            "import java.util.Timer;",
            "import java.util.TimerTask;",
            "class Shell {",
            "  private final long timeOutInterval;",
            "  private static final Timer TIMEOUTS = new Timer(\"Shell timeouts\", true);",
            "  Shell(long timeOutInterval) { this.timeOutInterval = timeOutInterval; }",
            "  int runCommand(Process process) throws InterruptedException {",
            "    TimerTask timeoutTimerTask = null;",
            "    if (timeOutInterval > 0) {",
            "      timeoutTimerTask = new TimerTask() { public void run() { process.destroy(); } };",
            "      // One time scheduling.",
            "      TIMEOUTS.schedule(timeoutTimerTask, timeOutInterval);",
            "    }",
            "    try {",
            "      return process.waitFor();",
            "    } finally {",
            "      if (timeoutTimerTask != null) {",
            "        timeoutTimerTask.cancel();",
            "      }",
            "    }",
            "  }",
            "}")
        .doTest(TEXT_MATCH);
  }

  /** A timer used at once, and two in one file: one shared field, declared once. */
  @Test
  void replacementDeclaresTheSharedTimerOnce() {
    refactoringHelper
        .addInputLines(
            "Alarms.java",
            "import java.util.Timer;",
            "import java.util.TimerTask;",
            "class Alarms {",
            "  void ring(TimerTask bell) {",
            "    new Timer().schedule(bell, 100);",
            "  }",
            "  void snooze(TimerTask bell) {",
            "    Timer timer = new Timer(\"snooze\");",
            "    timer.schedule(bell, 500);",
            "  }",
            "}")
        .addOutputLines(
            "Alarms.java",
            "import java.util.Timer;",
            "import java.util.TimerTask;",
            "class Alarms {",
            "  void ring(TimerTask bell) {",
            "    TIMEOUTS.schedule(bell, 100);",
            "  }",
            "  void snooze(TimerTask bell) {",
            "    TIMEOUTS.schedule(bell, 500);",
            "  }",
            "  private static final Timer TIMEOUTS = new Timer(\"Alarms timeouts\", true);",
            "}")
        .doTest(TEXT_MATCH);
  }

  /** Re-armed per message on an executor this file builds: remove cancelled tasks at once. */
  @Test
  void replacementRemovesCancelledTimeouts() {
    refactoringHelper
        .addInputLines(
            "Session.java",
            "import java.util.concurrent.ScheduledExecutorService;",
            "import java.util.concurrent.ScheduledFuture;",
            "import java.util.concurrent.ScheduledThreadPoolExecutor;",
            "import java.util.concurrent.TimeUnit;",
            "class Session {",
            "  private static final ScheduledThreadPoolExecutor TIMEOUTS = new ScheduledThreadPoolExecutor(1);",
            "  private final ScheduledExecutorService heartbeats;",
            "  private ScheduledFuture<?> idle;",
            "  private ScheduledFuture<?> beat;",
            "  Session() {",
            "    heartbeats = new ScheduledThreadPoolExecutor(1);",
            "  }",
            "  void onMessage() {",
            "    if (idle != null) idle.cancel(false);",
            "    idle = TIMEOUTS.schedule(this::close, 30, TimeUnit.SECONDS);",
            "    beat.cancel(true);",
            "    beat = heartbeats.schedule(this::ping, 5, TimeUnit.SECONDS);",
            "  }",
            "  void close() {}",
            "  void ping() {}",
            "}")
        .addOutputLines(
            "Session.java",
            "import java.util.concurrent.ScheduledExecutorService;",
            "import java.util.concurrent.ScheduledFuture;",
            "import java.util.concurrent.ScheduledThreadPoolExecutor;",
            "import java.util.concurrent.TimeUnit;",
            "class Session {",
            "  private static final ScheduledThreadPoolExecutor TIMEOUTS = new ScheduledThreadPoolExecutor(1);",
            "  static {",
            "    TIMEOUTS.setRemoveOnCancelPolicy(true);",
            "  }",
            "  private final ScheduledExecutorService heartbeats;",
            "  private ScheduledFuture<?> idle;",
            "  private ScheduledFuture<?> beat;",
            "  Session() {",
            "    heartbeats = new ScheduledThreadPoolExecutor(1);",
            "    ((ScheduledThreadPoolExecutor) heartbeats).setRemoveOnCancelPolicy(true);",
            "  }",
            "  void onMessage() {",
            "    if (idle != null) idle.cancel(false);",
            "    idle = TIMEOUTS.schedule(this::close, 30, TimeUnit.SECONDS);",
            "    beat.cancel(true);",
            "    beat = heartbeats.schedule(this::ping, 5, TimeUnit.SECONDS);",
            "  }",
            "  void close() {}",
            "  void ping() {}",
            "}")
        .doTest(TEXT_MATCH);
  }

  /**
   * Reduced from a cache whose executor is built with the field and again by {@code start()} after
   * a {@code stop()}: both executors get the policy, or the restarted one keeps every cancelled
   * timeout. Beside it, an admin operation that restarts a periodic reaper is not a timeout.
   */
  @Test
  void replacementRemovesCancelledTimeoutsOnEveryExecutorTheClassBuilds() {
    refactoringHelper
        .addInputLines(
            "Cache.java",
            "import java.util.concurrent.ScheduledFuture;",
            "import java.util.concurrent.ScheduledThreadPoolExecutor;",
            "import java.util.concurrent.TimeUnit;",
            "class Cache {",
            "  private ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);",
            "  private ScheduledFuture<?> reaper;",
            "  private ScheduledFuture<?> expiry;",
            "  public void enableReaping(long interval) {",
            "    if (reaper != null) reaper.cancel(false);",
            "    reaper = timer.scheduleWithFixedDelay(this::reap, 0, interval, TimeUnit.MILLISECONDS);",
            "  }",
            "  void touch() {",
            "    if (expiry != null) expiry.cancel(false);",
            "    expiry = timer.schedule(this::expire, 30, TimeUnit.SECONDS);",
            "  }",
            "  public void start() {",
            "    if (timer == null) {",
            "      timer = new ScheduledThreadPoolExecutor(1);",
            "    }",
            "  }",
            "  public void stop() {",
            "    if (timer != null) {",
            "      timer.shutdown();",
            "      timer = null;",
            "    }",
            "  }",
            "  void restart() {",
            "    timer = new ScheduledThreadPoolExecutor(2);",
            "  }",
            "  void reap() {}",
            "  void expire() {}",
            "}")
        .addOutputLines(
            "Cache.java",
            "import java.util.concurrent.ScheduledFuture;",
            "import java.util.concurrent.ScheduledThreadPoolExecutor;",
            "import java.util.concurrent.TimeUnit;",
            "class Cache {",
            "  private ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);",
            "  {",
            "    timer.setRemoveOnCancelPolicy(true);",
            "  }",
            "  private ScheduledFuture<?> reaper;",
            "  private ScheduledFuture<?> expiry;",
            "  public void enableReaping(long interval) {",
            "    if (reaper != null) reaper.cancel(false);",
            "    reaper = timer.scheduleWithFixedDelay(this::reap, 0, interval, TimeUnit.MILLISECONDS);",
            "  }",
            "  void touch() {",
            "    if (expiry != null) expiry.cancel(false);",
            "    expiry = timer.schedule(this::expire, 30, TimeUnit.SECONDS);",
            "  }",
            "  public void start() {",
            "    if (timer == null) {",
            "      timer = new ScheduledThreadPoolExecutor(1);",
            "      timer.setRemoveOnCancelPolicy(true);",
            "    }",
            "  }",
            "  public void stop() {",
            "    if (timer != null) {",
            "      timer.shutdown();",
            "      timer = null;",
            "    }",
            "  }",
            "  void restart() {",
            "    timer = new ScheduledThreadPoolExecutor(2);",
            "    timer.setRemoveOnCancelPolicy(true);",
            "  }",
            "  void reap() {}",
            "  void expire() {}",
            "}")
        .doTest(TEXT_MATCH);
  }

  /** Error Prone's FutureReturnValueIgnored reports the same dropped future: both report, neither fights. */
  @Test
  void identificationBesideFutureReturnValueIgnored() {
    String source =
        String.join(
            "\n",
            "import java.util.concurrent.ScheduledExecutorService;",
            "import java.util.concurrent.TimeUnit;",
            "class Retry {",
            "  void retryAll(ScheduledExecutorService ses, java.util.List<Runnable> jobs) {",
            "    for (Runnable job : jobs) {",
            "      ses.schedule(job, 5, TimeUnit.SECONDS);",
            "    }",
            "  }",
            "}",
            "");
    String output =
        Javac.compile(
                List.of(Javac.write("Retry.java", source)),
                List.of("-Xep:TimerPerIteration:WARN", "-Xep:FutureReturnValueIgnored:WARN"))
            .output();
    assertTrue(output.contains("[TimerPerIteration]"), output);
    assertTrue(output.contains("[FutureReturnValueIgnored]"), output);
    String patched =
        PatchMode.patchConverged("TimerPerIteration,FutureReturnValueIgnored", "probe/Retry.java", "package probe;\n" + source);
    assertTrue(patched.contains("ses.schedule(job, 5, TimeUnit.SECONDS)"), patched);
  }

  // --- Run the original and the patched shell: the timeout still fires, and is cancelled. ---

  static final String SHELL =
      String.join(
          "\n",
          "package probe;",
          "",
          "import java.util.Timer;",
          "import java.util.TimerTask;",
          "import java.util.concurrent.CountDownLatch;",
          "import java.util.concurrent.TimeUnit;",
          "import java.util.concurrent.atomic.AtomicInteger;",
          "",
          "public class Shell {",
          "  public final AtomicInteger timedOut = new AtomicInteger();",
          "",
          "  /** Runs work that takes workMs, with a timeout of timeoutMs that counts in timedOut. */",
          "  public void run(long workMs, long timeoutMs) throws InterruptedException {",
          "    Timer timer = null;",
          "    TimerTask guard = null;",
          "    if (timeoutMs > 0) {",
          "      timer = new Timer();",
          "      guard = new TimerTask() {",
          "        @Override",
          "        public void run() {",
          "          timedOut.incrementAndGet();",
          "        }",
          "      };",
          "      timer.schedule(guard, timeoutMs);",
          "    }",
          "    try {",
          "      Thread.sleep(workMs);",
          "    } finally {",
          "      if (timer != null) {",
          "        timer.cancel();",
          "      }",
          "    }",
          "  }",
          "}",
          "");

  @Test
  void patchedTimeoutsFireAndCancelAsBefore() throws Exception {
    String patched = PatchMode.patchConverged("TimerPerIteration", "probe/Shell.java", SHELL);
    assertTrue(patched.contains("TIMEOUTS.schedule(guard, timeoutMs)") && patched.contains("guard.cancel()"), patched);
    List<Integer> original = behaviour(SHELL);
    List<Integer> rewritten = behaviour(patched);
    assertEquals(List.of(1, 1, 1, 0, 0), original.subList(0, 5));
    assertEquals(original.subList(0, 5), rewritten.subList(0, 5));
    // Four runs with a timeout on four threads: the original starts a timer thread for each.
    assertTrue(original.get(5) >= 16, "the original should start a thread per run: " + original);
    assertTrue(rewritten.get(5) <= 1, "the patched shell started a thread per run: " + rewritten);
  }

  /**
   * For each run: how many timeouts fired after it (one for work longer than the timeout, none
   * for work shorter), from 4 threads running the shell at once; last, how many threads the
   * shell started beside the runs' own.
   */
  private static List<Integer> behaviour(String source) throws Exception {
    try (URLClassLoader loader = Probe.compile("probe/Shell.java", source)) {
      Class<?> type = loader.loadClass("probe.Shell");
      Method run = type.getMethod("run", long.class, long.class);
      List<Integer> fired = new ArrayList<>();
      var threads = java.lang.management.ManagementFactory.getThreadMXBean();
      long startedBefore = threads.getTotalStartedThreadCount();
      int poolThreads = 0;
      for (long[] workAndTimeout : new long[][] {{60, 10}, {60, 10}, {60, 10}, {1, 200}, {1, 0}}) {
        Object shell = type.getConstructor().newInstance();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        poolThreads += 4;
        try {
          Workers.run(pool, 4, () -> run.invoke(shell, workAndTimeout[0], workAndTimeout[1]));
        } finally {
          pool.shutdown();
        }
        Thread.sleep(workAndTimeout[1] + 50);
        int count = ((java.util.concurrent.atomic.AtomicInteger) type.getField("timedOut").get(shell)).get();
        fired.add(count / 4);
        assertEquals(0, count % 4, "every run must behave alike: " + count);
      }
      fired.add((int) (threads.getTotalStartedThreadCount() - startedBefore - poolThreads));
      return fired;
    }
  }
}
