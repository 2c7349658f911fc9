package dev.slowpath.checks;

import static com.google.errorprone.BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.errorprone.BugCheckerRefactoringTestHelper;
import com.google.errorprone.CompilationTestHelper;
import java.lang.reflect.Method;
import java.net.URLClassLoader;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

final class BusyPollLoopTest {
  private final CompilationTestHelper compilationHelper =
      CompilationTestHelper.newInstance(BusyPollLoop.class, getClass());
  private final BugCheckerRefactoringTestHelper refactoringHelper =
      BugCheckerRefactoringTestHelper.newInstance(BusyPollLoop.class, getClass());

  @Test
  void identification() {
    compilationHelper
        .addSourceLines(
            "Worker.java",
            "import java.util.concurrent.BlockingQueue;",
            "import java.util.concurrent.LinkedBlockingDeque;",
            "import java.util.concurrent.LinkedTransferQueue;",
            "import java.util.concurrent.TimeUnit;",
            "class Worker {",
            "  private final BlockingQueue<Runnable> tasks;",
            "  private final LinkedBlockingDeque<String> lines = new LinkedBlockingDeque<>();",
            "  private final LinkedTransferQueue<Integer> numbers = new LinkedTransferQueue<>();",
            "  private volatile boolean running = true;",
            "  Worker(BlockingQueue<Runnable> tasks) { this.tasks = tasks; }",
            "  Runnable next() throws InterruptedException {",
            "    Runnable task;",
            "    // BUG: Diagnostic contains: by polling it and sleeping 10 ms between polls",
            "    while ((task = tasks.poll()) == null) {",
            "      Thread.sleep(10);",
            "    }",
            "    return task;",
            "  }",
            "  String line() {",
            "    String line;",
            "    // BUG: Diagnostic contains: by polling it without a pause",
            "    while ((line = lines.poll()) == null) Thread.yield();",
            "    return line;",
            "  }",
            "  void run() throws InterruptedException {",
            "    // BUG: Diagnostic contains: BusyPollLoop",
            "    while (running) {",
            "      Runnable task = tasks.poll();",
            "      if (task == null) {",
            "        TimeUnit.MILLISECONDS.sleep(5);",
            "        continue;",
            "      }",
            "      task.run();",
            "    }",
            "  }",
            "  Runnable parked() {",
            "    Runnable task;",
            "    // BUG: Diagnostic contains: sleeping 1_000_000 ns between polls",
            "    while ((task = tasks.poll()) == null) java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);",
            "    return task;",
            "  }",
            "  int number() throws InterruptedException {",
            "    // BUG: Diagnostic contains: sleeping 1 between polls",
            "    while (numbers.isEmpty()) {",
            "      TimeUnit.SECONDS.sleep(1);",
            "    }",
            "    return numbers.poll();",
            "  }",
            "}")
        .doTest();
  }

  /** The empty-body spin on a flag: reported without a fix; yield spins stay ThreadYield's. */
  @Test
  void identificationFlagSpins() {
    compilationHelper
        .addSourceLines(
            "Latch.java",
            "import java.util.concurrent.atomic.AtomicInteger;",
            "class Latch {",
            "  volatile boolean ready;",
            "  final AtomicInteger arrived = new AtomicInteger();",
            "  void await() {",
            "    // BUG: Diagnostic contains: This loop spins until another thread changes",
            "    while (!ready) {}",
            "    // BUG: Diagnostic contains: Block instead: a CountDownLatch",
            "    while (arrived.get() < 4) Thread.onSpinWait();",
            "    // BUG: Diagnostic contains: BusyPollLoop",
            "    do { } while (!ready);",
            "    while (!ready) Thread.yield();", // ThreadYield's spin-wait
            "  }",
            "  // Jetty's NanoTime.spinWait: a spin bounded by the clock, not a wait for another thread.",
            "  void spinFor(long nanos) {",
            "    long start = System.nanoTime();",
            "    while (System.nanoTime() - start < nanos) Thread.onSpinWait();",
            "  }",
            "  // Jetty's SerializedExecutor: the body reads the next link, the spin is for a store in flight.",
            "  Object next(java.util.concurrent.atomic.AtomicReference<Object> link) {",
            "    Object next = null;",
            "    while (next == null) {",
            "      next = link.get();",
            "      Thread.onSpinWait();",
            "    }",
            "    return next;",
            "  }",
            "}")
        .doTest();
  }

  /** IntelliJ's busy wait: a loop that only sleeps until a flag another thread sets changes. */
  @Test
  void identificationSleepsOnAFlag() {
    compilationHelper
        .addSourceLines(
            "Shutdown.java",
            "import java.util.concurrent.TimeUnit;",
            "import java.util.concurrent.atomic.AtomicBoolean;",
            "class Shutdown {",
            "  private volatile boolean stopped;",
            "  private boolean plain;",
            "  private final AtomicBoolean running = new AtomicBoolean(true);",
            "  private final Object lock = new Object();",
            "  boolean isStopped() { return stopped; }",
            "  void await() throws InterruptedException {",
            "    // BUG: Diagnostic contains: This loop sleeps (Thread.sleep(100)) until another thread changes",
            "    while (!stopped) Thread.sleep(100);",
            "    // BUG: Diagnostic contains: sleeps (TimeUnit.SECONDS.sleep(1))",
            "    while (running.get()) { TimeUnit.SECONDS.sleep(1); }",
            "    // BUG: Diagnostic contains: a CountDownLatch or CompletableFuture",
            "    while (!isStopped()) {",
            "      try { Thread.sleep(10); } catch (InterruptedException e) { return; }",
            "    }",
            "  }",
            "  void rolling() {",
            "    // BUG: Diagnostic contains: This loop sleeps (Thread.sleep(1L))",
            "    while (running.get()) { try { Thread.sleep(1L); } catch (Exception e) { } }",
            "    // BUG: Diagnostic contains: This loop sleeps (Naps.sleepUninterruptibly(10, TimeUnit.MILLISECONDS))",
            "    while (running.get()) { Naps.sleepUninterruptibly(10, TimeUnit.MILLISECONDS); }",
            "  }",
            "  void periodic() throws InterruptedException {",
            "    while (!stopped) { flush(); Thread.sleep(100); }", // a periodic task: its nap is its period
            "  }",
            "  void timed(long deadline) throws InterruptedException {",
            "    while (!stopped && System.currentTimeMillis() < deadline) Thread.sleep(10);", // bounded by the clock
            "  }",
            "  public void start() throws InterruptedException {",
            "    while (!stopped) Thread.sleep(100);", // once, at start-up: waits for its thread to come up
            "  }",
            "  public void close() throws InterruptedException {",
            "    while (running.get()) Thread.sleep(100);", // once, on the way out
            "  }",
            "  void plainField() throws InterruptedException {",
            "    while (!plain) Thread.sleep(10);", // not a flag another thread publishes
            "  }",
            "  void underLock() throws InterruptedException {",
            "    synchronized (lock) { while (!stopped) Thread.sleep(10); }", // BlockingInSynchronized's
            "  }",
            "  void flush() {}",
            "}")
        .addSourceLines(
            "Naps.java",
            "final class Naps {",
            "  static void sleepUninterruptibly(long amount, java.util.concurrent.TimeUnit unit) {}",
            "}")
        .doTest();
  }

  /**
   * Reduced from libraries outside the tuning set (issue 21's recall corpus): a flush that naps
   * until sender threads drain an atomic count, with an exit test beside the nap; a state flush
   * that logs at debug while it naps; a throttle that naps until worker threads shrink a queue or
   * an engine below a bound. The nearest silent shapes: work beside the nap, a branch that works,
   * a wait for a queue to empty, a time, a collection that is not a field.
   */
  @Test
  void identificationSleepsOnCountsAndStatesOtherThreadsChange() {
    compilationHelper
        .addSourceLines(
            "Flush.java",
            "import java.util.List;",
            "import java.util.concurrent.BlockingQueue;",
            "import java.util.concurrent.LinkedBlockingQueue;",
            "import java.util.concurrent.atomic.AtomicInteger;",
            "import java.util.logging.Level;",
            "import java.util.logging.Logger;",
            "class Flush {",
            "  interface Engine { int size(); }",
            "  interface Watch { long getTime(); }",
            "  private static final Logger log = Logger.getLogger(\"flush\");",
            "  private volatile boolean flushing, running = true;",
            "  private final AtomicInteger inFlight = new AtomicInteger();",
            "  private final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();",
            "  private Engine engine;",
            "  private Watch watch;",
            "  private int capacity;",
            "  void flush() throws InterruptedException {",
            "    // BUG: Diagnostic contains: This loop sleeps (Thread.sleep(100))",
            "    while (flushing && running) {",
            "      if (inFlight.get() == 0) break;",
            "      Thread.sleep(100);",
            "    }",
            "    // BUG: Diagnostic contains: This loop sleeps (Thread.sleep(100))",
            "    while (running && inFlight.get() > 0) {",
            "      if (log.isLoggable(Level.FINE)) { log.fine(\"waiting\"); }",
            "      Thread.sleep(100);",
            "    }",
            "  }",
            "  void throttle(int max) throws InterruptedException {",
            "    // BUG: Diagnostic contains: This loop sleeps (Thread.sleep(100))",
            "    while (tasks.size() >= max) Thread.sleep(100);",
            "    // BUG: Diagnostic contains: This loop sleeps (Thread.sleep(1000))",
            "    while (engine.size() >= capacity) {",
            "      try { Thread.sleep(1000); } catch (InterruptedException e) { return; }",
            "    }",
            "  }",
            "  void quiet(List<String> param) throws InterruptedException {",
            "    while (running) {",
            "      if (inFlight.get() == 0) break;",
            "      expire();", // work beside the nap
            "      Thread.sleep(100);",
            "    }",
            "    while (running) {",
            "      if (inFlight.get() > 0) { expire(); }", // the branch works: not an exit test
            "      Thread.sleep(100);",
            "    }",
            "    while (!tasks.isEmpty()) Thread.sleep(10);", // waiting to drain
            "    while (tasks.size() > 0) Thread.sleep(10);", // the same, as a size
            "    while (watch.getTime() < 5000) Thread.sleep(10);", // waits for the clock
            "    while (param.size() < 3) Thread.sleep(10);", // not a field
            "  }",
            "  void expire() {}",
            "}")
        .doTest();
  }

  /**
   * Reduced from a database driver's reply reader: the empty loop's condition reads and parses
   * the next part of a reply on this thread. A getter's name is a hint; its body or its checked
   * exception shows the work.
   */
  @Test
  void identificationLeavesConditionsThatWorkAlone() {
    compilationHelper
        .addSourceLines(
            "Reply.java",
            "import java.io.IOException;",
            "interface Reply {",
            "  boolean hasNextResult() throws IOException;",
            "  boolean isAtEnd();",
            "}")
        .addSourceLines(
            "Reader.java",
            "import java.io.IOException;",
            "class Reader {",
            "  private volatile boolean done;",
            "  private int parsed;",
            "  private final Object lock = new Object();",
            "  void skipRest(Reply reply) throws IOException {",
            "    while (!reply.hasNextResult() && !reply.isAtEnd());",
            "  }",
            "  void skipParsed() {",
            "    while (!isParsed());",
            "  }",
            "  boolean isParsed() { parsed++; return parsed > 3; }",
            "  void awaitDone() {",
            "    // BUG: Diagnostic contains: This loop spins until another thread changes",
            "    while (!isDone()) {}",
            "    // BUG: Diagnostic contains: This loop spins until another thread changes",
            "    while (!isDoneLocked()) {}",
            "  }",
            "  boolean isDone() { return done; }",
            "  boolean isDoneLocked() { synchronized (lock) { return done && parsed > 0; } }",
            "}")
        .doTest();
  }

  /** The seed's "When NOT" and the issue's: drains, work on each pass, plain queues, locks, tests. */
  @Test
  void identificationLeavesDrainsWorkAndPlainQueuesAlone() {
    compilationHelper
        .addSourceLines(
            "Cleaner.java",
            "import java.lang.ref.ReferenceQueue;",
            "import java.util.Queue;",
            "import java.util.concurrent.BlockingQueue;",
            "import java.util.concurrent.ConcurrentLinkedQueue;",
            "class Cleaner {",
            "  private final ReferenceQueue<Object> refs = new ReferenceQueue<>();",
            "  private final Queue<String> plain = new ConcurrentLinkedQueue<>();",
            "  private final BlockingQueue<String> events;",
            "  private final Object lock = new Object();",
            "  private volatile boolean running;",
            "  Cleaner(BlockingQueue<String> events) { this.events = events; }",
            "  void expunge() {",
            "    while (refs.poll() != null) {}",
            "  }",
            "  void drain(java.util.List<String> out) {",
            "    String e;",
            "    while ((e = events.poll()) != null) { out.add(e); }",
            "    while (!events.isEmpty()) { out.add(events.remove()); }",
            "  }",
            "  void housekeeping() throws InterruptedException {",
            "    while (running) {",
            "      String e = events.poll();",
            "      if (e != null) { handle(e); }",
            "      expireSessions();",
            "      Thread.sleep(100);",
            "    }",
            "  }",
            "  String fromPlainQueue() throws InterruptedException {",
            "    String s;",
            "    while ((s = plain.poll()) == null) { Thread.sleep(10); }",
            "    while (plain.isEmpty()) { Thread.sleep(10); }",
            "    return s;",
            "  }",
            "  void awaitDrained() throws InterruptedException {",
            "    while (!events.isEmpty()) { Thread.sleep(10); }",
            "  }",
            "  String underLock() throws InterruptedException {",
            "    synchronized (lock) {",
            "      String s;",
            "      while ((s = events.poll()) == null) { Thread.sleep(10); }",
            "      return s;",
            "    }",
            "  }",
            "  void handle(String e) {}",
            "  void expireSessions() {}",
            "}")
        .addSourceLines(
            "src/test/java/com/acme/WorkerTest.java",
            "import java.util.concurrent.BlockingQueue;",
            "class WorkerTest {",
            "  String awaitEvent(BlockingQueue<String> q) throws InterruptedException {",
            "    String s;",
            "    while ((s = q.poll()) == null) { Thread.sleep(1); }",
            "    return s;",
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
            "import java.util.concurrent.BlockingQueue;",
            "import java.util.concurrent.Callable;",
            "class Modern {",
            "  record Inbox(BlockingQueue<String> queue) {",
            "    String next() throws InterruptedException {",
            "      String s;",
            "      // BUG: Diagnostic contains: BusyPollLoop",
            "      while ((s = queue.poll()) == null) Thread.sleep(2);",
            "      return s;",
            "    }",
            "  }",
            "  Callable<String> reader(BlockingQueue<String> q, int mode) {",
            "    return () -> switch (mode) {",
            "      case 0 -> {",
            "        var first = q.poll();",
            "        String s;",
            "        // BUG: Diagnostic contains: BusyPollLoop",
            "        while ((s = q.poll()) == null) { Thread.onSpinWait(); }",
            "        yield first == null ? s : first;",
            "      }",
            "      default -> new Callable<String>() {",
            "        @Override public String call() throws Exception {",
            "          String s;",
            "          // BUG: Diagnostic contains: BusyPollLoop",
            "          for (;;) { s = q.poll(); if (s == null) { Thread.sleep(3); continue; } return s; }",
            "        }",
            "      }.call();",
            "    };",
            "  }",
            "}")
        .doTest();
  }

  /** {@code while ((x = q.poll()) == null) sleep;}: the sleep throws to the caller, so does take(). */
  @Test
  void replacementPollUntilItemTakes() {
    refactoringHelper
        .addInputLines(
            "Worker.java",
            "import java.util.concurrent.BlockingQueue;",
            "class Worker {",
            "  Runnable next(BlockingQueue<Runnable> tasks) throws InterruptedException {",
            "    Runnable task;",
            "    while ((task = tasks.poll()) == null) {",
            "      Thread.sleep(10);",
            "    }",
            "    return task;",
            "  }",
            "}")
        .addOutputLines(
            "Worker.java",
            "import java.util.concurrent.BlockingQueue;",
            "class Worker {",
            "  Runnable next(BlockingQueue<Runnable> tasks) throws InterruptedException {",
            "    Runnable task;",
            "    task = tasks.take();",
            "    return task;",
            "  }",
            "}")
        .doTest(TEXT_MATCH);
  }

  /** The loop's own way out stays: the nap becomes the poll's timeout. */
  @Test
  void replacementPollWithWayOutWaitsTheNap() {
    refactoringHelper
        .addInputLines(
            "Worker.java",
            "import java.util.concurrent.BlockingQueue;",
            "class Worker {",
            "  private static final long NAP_MS = 50;",
            "  private volatile boolean stopped;",
            "  Runnable next(BlockingQueue<Runnable> tasks) throws InterruptedException {",
            "    Runnable task;",
            "    while ((task = tasks.poll()) == null) {",
            "      if (stopped) return null;",
            "      Thread.sleep(NAP_MS);",
            "    }",
            "    return task;",
            "  }",
            "}")
        .addOutputLines(
            "Worker.java",
            "import java.util.concurrent.BlockingQueue;",
            "import java.util.concurrent.TimeUnit;",
            "class Worker {",
            "  private static final long NAP_MS = 50;",
            "  private volatile boolean stopped;",
            "  Runnable next(BlockingQueue<Runnable> tasks) throws InterruptedException {",
            "    Runnable task;",
            "    while ((task = tasks.poll(NAP_MS, TimeUnit.MILLISECONDS)) == null) {",
            "      if (stopped) return null;",
            "    }",
            "    return task;",
            "  }",
            "}")
        .doTest(TEXT_MATCH);
  }

  /** The loop: poll, nap and continue when empty, stop flag in the condition. */
  @Test
  void replacementPollOrNapKeepsTheCadence() {
    refactoringHelper
        .addInputLines(
            "Dispatcher.java",
            "import static java.util.concurrent.TimeUnit.MILLISECONDS;",
            "import java.util.concurrent.BlockingQueue;",
            "class Dispatcher {",
            "  private volatile boolean running = true;",
            "  void run(BlockingQueue<String> events, long idleMillis) throws InterruptedException {",
            "    while (running) {",
            "      String event = events.poll();",
            "      if (event == null) {",
            "        MILLISECONDS.sleep(idleMillis);",
            "        continue;",
            "      }",
            "      handle(event);",
            "    }",
            "  }",
            "  void handle(String event) {}",
            "}")
        .addOutputLines(
            "Dispatcher.java",
            "import static java.util.concurrent.TimeUnit.MILLISECONDS;",
            "import java.util.concurrent.BlockingQueue;",
            "class Dispatcher {",
            "  private volatile boolean running = true;",
            "  void run(BlockingQueue<String> events, long idleMillis) throws InterruptedException {",
            "    while (running) {",
            "      String event = events.poll(idleMillis, MILLISECONDS);",
            "      if (event == null) {",
            "        continue;",
            "      }",
            "      handle(event);",
            "    }",
            "  }",
            "  void handle(String event) {}",
            "}")
        .doTest(TEXT_MATCH);
  }

  /** {@code while (true)} with no other way out: take(), and the empty branch goes. */
  @Test
  void replacementEndlessPollOrNapTakes() {
    refactoringHelper
        .addInputLines(
            "Pump.java",
            "import java.util.concurrent.BlockingQueue;",
            "class Pump {",
            "  void run(BlockingQueue<String> events) throws InterruptedException {",
            "    while (true) {",
            "      String event = events.poll();",
            "      if (event == null) {",
            "        Thread.sleep(1);",
            "        continue;",
            "      }",
            "      System.out.println(event);",
            "    }",
            "  }",
            "}")
        .addOutputLines(
            "Pump.java",
            "import java.util.concurrent.BlockingQueue;",
            "class Pump {",
            "  void run(BlockingQueue<String> events) throws InterruptedException {",
            "    while (true) {",
            "      String event = events.take();",
            "      System.out.println(event);",
            "    }",
            "  }",
            "}")
        .doTest(TEXT_MATCH);
  }

  /** A catch that reacts to the interrupt: the blocking call gets the same catch. */
  @Test
  void replacementCaughtInterruptReactsTheSameWay() {
    refactoringHelper
        .addInputLines(
            "Consumer.java",
            "import java.util.concurrent.BlockingQueue;",
            "class Consumer implements Runnable {",
            "  private final BlockingQueue<String> events;",
            "  private volatile boolean running = true;",
            "  Consumer(BlockingQueue<String> events) { this.events = events; }",
            "  @Override",
            "  public void run() {",
            "    while (running) {",
            "      final String event = events.poll();",
            "      if (event == null) {",
            "        try {",
            "          Thread.sleep(20);",
            "        } catch (InterruptedException e) {",
            "          Thread.currentThread().interrupt();",
            "          return;",
            "        }",
            "        continue;",
            "      }",
            "      System.out.println(event);",
            "    }",
            "  }",
            "  String first() {",
            "    String s;",
            "    while ((s = events.poll()) == null) {",
            "      try {",
            "        Thread.sleep(20);",
            "      } catch (InterruptedException e) {",
            "        throw new IllegalStateException(e);",
            "      }",
            "    }",
            "    return s;",
            "  }",
            "}")
        .addOutputLines(
            "Consumer.java",
            "import java.util.concurrent.BlockingQueue;",
            "import java.util.concurrent.TimeUnit;",
            "class Consumer implements Runnable {",
            "  private final BlockingQueue<String> events;",
            "  private volatile boolean running = true;",
            "  Consumer(BlockingQueue<String> events) { this.events = events; }",
            "  @Override",
            "  public void run() {",
            "    while (running) {",
            "      final String event;",
            "      try {",
            "        event = events.poll(20, TimeUnit.MILLISECONDS);",
            "      } catch (InterruptedException e) {",
            "        Thread.currentThread().interrupt();",
            "        return;",
            "      }",
            "      if (event == null) {",
            "        continue;",
            "      }",
            "      System.out.println(event);",
            "    }",
            "  }",
            "  String first() {",
            "    String s;",
            "    try {",
            "      s = events.take();",
            "    } catch (InterruptedException e) {",
            "      throw new IllegalStateException(e);",
            "    }",
            "    return s;",
            "  }",
            "}")
        .doTest(TEXT_MATCH);
  }

  /** A spin never looked at interrupts: keep waiting through them, then restore the flag. */
  @Test
  void replacementSpinWaitsUninterruptibly() {
    refactoringHelper
        .addInputLines(
            "Spinner.java",
            "import java.util.concurrent.BlockingQueue;",
            "class Spinner {",
            "  String next(BlockingQueue<String> q) {",
            "    String s;",
            "    while ((s = q.poll()) == null) {",
            "      Thread.onSpinWait();",
            "    }",
            "    return s;",
            "  }",
            "  String nextOf(BlockingQueue<String> q, boolean interrupted) {",
            "    String s;",
            "    while ((s = q.poll()) == null) {}",
            "    return interrupted ? null : s;",
            "  }",
            "}")
        .addOutputLines(
            "Spinner.java",
            "import java.util.concurrent.BlockingQueue;",
            "class Spinner {",
            "  String next(BlockingQueue<String> q) {",
            "    String s;",
            "    boolean interrupted = false;",
            "    while (true) {",
            "      try {",
            "        s = q.take();",
            "        break;",
            "      } catch (InterruptedException e) {",
            "        interrupted = true;",
            "      }",
            "    }",
            "    if (interrupted) {",
            "      Thread.currentThread().interrupt();",
            "    }",
            "    return s;",
            "  }",
            "  String nextOf(BlockingQueue<String> q, boolean interrupted) {",
            "    String s;",
            "    boolean interruptedWhileWaiting = false;",
            "    while (true) {",
            "      try {",
            "        s = q.take();",
            "        break;",
            "      } catch (InterruptedException e) {",
            "        interruptedWhileWaiting = true;",
            "      }",
            "    }",
            "    if (interruptedWhileWaiting) {",
            "      Thread.currentThread().interrupt();",
            "    }",
            "    return interrupted ? null : s;",
            "  }",
            "}")
        .doTest(TEXT_MATCH);
  }

  /** {@code while (q.isEmpty()) sleep;} then the item is taken: the taking call blocks. */
  @Test
  void replacementWaitUntilNotEmptyBlocksWhereTheItemIsTaken() {
    refactoringHelper
        .addInputLines(
            "Mailbox.java",
            "import java.util.concurrent.BlockingQueue;",
            "import java.util.concurrent.TimeUnit;",
            "class Mailbox {",
            "  private final BlockingQueue<String> mail;",
            "  Mailbox(BlockingQueue<String> mail) { this.mail = mail; }",
            "  String read() throws InterruptedException {",
            "    // Wait for mail.",
            "    while (mail.isEmpty()) {",
            "      TimeUnit.MILLISECONDS.sleep(100);",
            "    }",
            "    return mail.poll().trim();",
            "  }",
            "}")
        .addOutputLines(
            "Mailbox.java",
            "import java.util.concurrent.BlockingQueue;",
            "import java.util.concurrent.TimeUnit;",
            "class Mailbox {",
            "  private final BlockingQueue<String> mail;",
            "  Mailbox(BlockingQueue<String> mail) { this.mail = mail; }",
            "  String read() throws InterruptedException {",
            "    // Wait for mail.",
            "    return mail.take().trim();",
            "  }",
            "}")
        .doTest(TEXT_MATCH);
  }

  /** Reported, but no fix: the message says why. */
  @Test
  void identificationWithoutFixSaysWhy() {
    compilationHelper
        .addSourceLines(
            "Poller.java",
            "import java.util.concurrent.BlockingQueue;",
            "class Poller {",
            "  volatile boolean running;",
            "  void run(BlockingQueue<String> q) {",
            "    // BUG: Diagnostic contains: no timeout is given",
            "    while (running) {",
            "      String s = q.poll();",
            "      if (s == null) { Thread.yield(); continue; }",
            "      System.out.println(s);",
            "    }",
            "  }",
            "  void backoff(BlockingQueue<String> q) throws InterruptedException {",
            "    long nap = 1;",
            "    // BUG: Diagnostic contains: the nap's length is computed in the loop",
            "    while (running) {",
            "      String s = q.poll();",
            "      if (s == null) { Thread.sleep(nap); continue; }",
            "      nap = Math.min(nap * 2, 100);",
            "    }",
            "  }",
            "  String logged(BlockingQueue<String> q) {",
            "    String s;",
            "    // BUG: Diagnostic contains: neither returns, throws, breaks nor continues",
            "    while ((s = q.poll()) == null) {",
            "      if (!running) return null;",
            "      try { Thread.sleep(5); } catch (InterruptedException e) { System.err.println(e); }",
            "    }",
            "    return s;",
            "  }",
            "  void waitThenPoll(BlockingQueue<String> q) throws InterruptedException {",
            "    // BUG: Diagnostic contains: also ends on another condition",
            "    while (running && q.isEmpty()) Thread.sleep(5);",
            "    System.out.println(q.poll());",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void threadYieldLeavesQueueWaitsToThisCheck() {
    String source =
        String.join(
            "\n",
            "import java.util.concurrent.BlockingQueue;",
            "import java.util.concurrent.ConcurrentLinkedQueue;",
            "class Waits {",
            "  String next(BlockingQueue<String> q) {",
            "    while (q.isEmpty()) Thread.yield();",
            "    return q.poll();",
            "  }",
            "  String nextPlain(ConcurrentLinkedQueue<String> q) {",
            "    while (q.isEmpty()) Thread.yield();",
            "    return q.poll();",
            "  }",
            "}",
            "");
    String output =
        Javac.compile(List.of(Javac.write("Waits.java", source)), List.of("-Xep:ThreadYield:WARN", "-Xep:BusyPollLoop:WARN"))
            .output();
    assertEquals(1, count(output, "[BusyPollLoop]"), output);
    assertEquals(1, count(output, "[ThreadYield]"), output);
    assertTrue(output.contains("Waits.java:9"), "ThreadYield keeps the plain queue's spin:\n" + output);
  }

  private static int count(String text, String needle) {
    int count = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      count++;
    }
    return count;
  }

  /** A patched file converges: a second patch run finds nothing. */
  @Test
  void replacementConvergesInOnePatchRun() {
    String patched = PatchMode.patch("BusyPollLoop", "probe/Consumers.java", CONSUMERS);
    assertFalse(patched.contains(".poll()"), patched);
    assertEquals(patched, PatchMode.patch("BusyPollLoop", "probe/Consumers.java", patched));
  }

  // --- Run the original and the patched code: the patched loops end when the originals did. ---

  static final String CONSUMERS =
      String.join(
          "\n",
          "package probe;",
          "",
          "import java.util.ArrayList;",
          "import java.util.List;",
          "import java.util.concurrent.BlockingQueue;",
          "",
          "public class Consumers {",
          "  private volatile boolean running = true;",
          "",
          "  public void stop() {",
          "    running = false;",
          "  }",
          "",
          "  /** Sleeps propagate: the caller sees the interrupt. */",
          "  public String takeOne(BlockingQueue<String> q) throws InterruptedException {",
          "    String s;",
          "    while ((s = q.poll()) == null) {",
          "      Thread.sleep(5);",
          "    }",
          "    return s;",
          "  }",
          "",
          "  /** Reacts to an interrupt by returning what it has. */",
          "  public List<String> drainUntilStopped(BlockingQueue<String> q) {",
          "    List<String> seen = new ArrayList<>();",
          "    while (running) {",
          "      String s = q.poll();",
          "      if (s == null) {",
          "        try {",
          "          Thread.sleep(5);",
          "        } catch (InterruptedException e) {",
          "          seen.add(\"interrupted\");",
          "          return seen;",
          "        }",
          "        continue;",
          "      }",
          "      seen.add(s);",
          "    }",
          "    return seen;",
          "  }",
          "",
          "  /** A spin: it never looked at interrupts, and must keep the flag set for the caller. */",
          "  public String spinForOne(BlockingQueue<String> q) {",
          "    String s;",
          "    while ((s = q.poll()) == null) {",
          "      Thread.onSpinWait();",
          "    }",
          "    return s;",
          "  }",
          "}",
          "");

  @Test
  void patchedLoopsEndWhenTheOriginalsDid() throws Exception {
    String patched = PatchMode.patchConverged("BusyPollLoop", "probe/Consumers.java", CONSUMERS);
    assertTrue(patched.contains("q.take()") && patched.contains("q.poll(5, TimeUnit.MILLISECONDS)"), patched);
    List<String> original = behaviour(CONSUMERS);
    List<String> rewritten = behaviour(patched);
    assertEquals(original, rewritten);
    assertEquals(
        List.of(
            "takeOne=a",
            "takeOne interrupted=InterruptedException",
            "drain=[b, c]",
            "drain interrupted=[interrupted]",
            "spin=d flag=true"),
        rewritten);
  }

  /** Runs each loop from another thread while this one feeds, stops or interrupts it. */
  private static List<String> behaviour(String source) throws Exception {
    try (URLClassLoader loader = Probe.compile("probe/Consumers.java", source)) {
      Class<?> type = loader.loadClass("probe.Consumers");
      List<String> seen = new java.util.ArrayList<>();
      Object consumers = type.getConstructor().newInstance();
      var queue = new java.util.concurrent.LinkedBlockingQueue<String>();
      Method takeOne = type.getMethod("takeOne", java.util.concurrent.BlockingQueue.class);
      Method drain = type.getMethod("drainUntilStopped", java.util.concurrent.BlockingQueue.class);
      Method spin = type.getMethod("spinForOne", java.util.concurrent.BlockingQueue.class);

      var waiting = Waiting.start(() -> takeOne.invoke(consumers, queue));
      Thread.sleep(20);
      queue.put("a");
      seen.add("takeOne=" + waiting.result());

      waiting = Waiting.start(() -> takeOne.invoke(consumers, queue));
      Thread.sleep(20);
      waiting.thread.interrupt();
      seen.add("takeOne interrupted=" + waiting.result());

      waiting = Waiting.start(() -> drain.invoke(consumers, queue));
      queue.put("b");
      queue.put("c");
      while (!queue.isEmpty()) {
        Thread.sleep(1);
      }
      Thread.sleep(20);
      type.getMethod("stop").invoke(consumers);
      seen.add("drain=" + waiting.result());

      Object restarted = type.getConstructor().newInstance();
      waiting = Waiting.start(() -> drain.invoke(restarted, queue));
      Thread.sleep(20);
      waiting.thread.interrupt();
      seen.add("drain interrupted=" + waiting.result());

      Waiting spinning =
          Waiting.start(() -> spin.invoke(consumers, queue) + " flag=" + Thread.currentThread().isInterrupted());
      Thread.sleep(20);
      spinning.thread.interrupt();
      Thread.sleep(20);
      queue.put("d");
      seen.add("spin=" + spinning.result());
      return seen;
    }
  }

  /** A call run on its own thread; its result, or the simple name of what it threw. */
  private static final class Waiting {
    final Thread thread;
    volatile Object result;

    private Waiting(java.util.concurrent.Callable<Object> call) {
      thread =
          new Thread(
              () -> {
                try {
                  result = call.call();
                } catch (java.lang.reflect.InvocationTargetException e) {
                  result = e.getCause().getClass().getSimpleName();
                } catch (Exception e) {
                  result = e.getClass().getSimpleName();
                }
              });
      thread.setDaemon(true);
    }

    static Waiting start(java.util.concurrent.Callable<Object> call) {
      Waiting waiting = new Waiting(call);
      waiting.thread.start();
      return waiting;
    }

    Object result() throws InterruptedException {
      thread.join(TimeUnit.SECONDS.toMillis(10));
      assertFalse(thread.isAlive(), "the loop did not end");
      return result;
    }
  }
}
