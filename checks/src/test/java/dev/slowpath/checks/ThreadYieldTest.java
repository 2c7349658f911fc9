package dev.slowpath.checks;

import static com.google.errorprone.BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.errorprone.BugCheckerRefactoringTestHelper;
import com.google.errorprone.CompilationTestHelper;
import org.junit.jupiter.api.Test;

final class ThreadYieldTest {
  private final CompilationTestHelper compilationHelper =
      CompilationTestHelper.newInstance(ThreadYield.class, getClass());
  private final BugCheckerRefactoringTestHelper refactoringHelper =
      BugCheckerRefactoringTestHelper.newInstance(ThreadYield.class, getClass());

  @Test
  void identification() {
    compilationHelper
        .addSourceLines(
            "Scorer.java",
            "import java.util.concurrent.atomic.AtomicBoolean;",
            "class Scorer {",
            "  volatile boolean ready;",
            "  final AtomicBoolean done = new AtomicBoolean();",
            "  double score(double[] values) {",
            "    double sum = 0;",
            "    for (int i = 0; i < values.length; i++) {",
            "      sum += Math.sqrt(values[i]);",
            "      if (i % 1000 == 0) {",
            "        // BUG: Diagnostic contains: ThreadYield",
            "        Thread.yield();",
            "      }",
            "    }",
            "    return sum;",
            "  }",
            "  void awaitReady() {",
            "    while (!ready) {",
            "      // BUG: Diagnostic contains: This loop waits for another thread by polling",
            "      Thread.yield();",
            "    }",
            "    // BUG: Diagnostic contains: Block instead: CountDownLatch",
            "    do Thread.yield(); while (!done.get());",
            "  }",
            "}")
        .doTest();
  }

  /** The shapes: accessors in the condition, the exit test inside the body. */
  @Test
  void identificationSpinWaitsThroughAccessorsAndInnerExits() {
    compilationHelper
        .addSourceLines(
            "Dispatcher.java",
            "import java.util.List;",
            "import java.util.concurrent.Future;",
            "import java.util.concurrent.atomic.AtomicBoolean;",
            "import java.util.concurrent.atomic.AtomicInteger;",
            "class Dispatcher {",
            "  static final class State {",
            "    private volatile int inFlight;",
            "    int getInFlight() { return inFlight; }",
            "    boolean isOpen() { return inFlight >= 0; }",
            "  }",
            "  private final State state = new State();",
            "  private final AtomicBoolean done = new AtomicBoolean();",
            "  private final AtomicInteger pending = new AtomicInteger();",
            "  private volatile boolean ready;",
            "  private volatile List<String> queue;",
            "  private boolean loaded() { return ready; }",
            "  void throttle(int max) {",
            "    while (state.getInFlight() >= max) {",
            "      // BUG: Diagnostic contains: ThreadYield",
            "      Thread.yield();",
            "    }",
            "  }",
            "  void awaitFuture(Future<?> future) {",
            "    // BUG: Diagnostic contains: ThreadYield",
            "    while (!future.isDone()) Thread.yield();",
            "  }",
            "  void awaitEmpty() {",
            "    // BUG: Diagnostic contains: ThreadYield",
            "    while (!queue.isEmpty() || queue.size() > 0) Thread.yield();",
            "  }",
            "  void awaitLoaded() {",
            "    // BUG: Diagnostic contains: ThreadYield",
            "    while (!loaded()) Thread.yield();",
            "  }",
            "  void breakInside() {",
            "    for (;;) {",
            "      if (ready) break;",
            "      // BUG: Diagnostic contains: ThreadYield",
            "      Thread.yield();",
            "    }",
            "  }",
            "  boolean returnInside() {",
            "    while (true) {",
            "      if (done.get()) {",
            "        return true;",
            "      }",
            "      // BUG: Diagnostic contains: ThreadYield",
            "      Thread.yield();",
            "    }",
            "  }",
            "  void yieldFirst() {",
            "    for (;;) {",
            "      // BUG: Diagnostic contains: ThreadYield",
            "      Thread.yield();",
            "      if (pending.get() == 0) return;",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void identificationSilentOnConditionsThatAct() {
    compilationHelper
        .addSourceLines(
            "Actors.java",
            "import java.util.concurrent.atomic.AtomicInteger;",
            "import java.util.concurrent.locks.Lock;",
            "import java.util.function.Supplier;",
            "class Actors {",
            "  private final AtomicInteger counter = new AtomicInteger();",
            "  private volatile int state;",
            "  int advance() { return ++state; }",
            "  void waits(Lock lock, Supplier<Boolean> ready, int[] slots) {",
            "    while (counter.getAndIncrement() < 10) Thread.yield();",
            "    while (!lock.tryLock()) Thread.yield();",
            "    while (!ready.get()) Thread.yield();",
            "    while (advance() < 10) Thread.yield();",
            "    while (slots[0] == 0 && counter.compareAndSet(0, 1)) Thread.yield();",
            "    for (;;) {",
            "      if (state == 2) {",
            "        state = 3;",
            "        break;",
            "      }",
            "      Thread.yield();",
            "    }",
            "    for (;;) {",
            "      if (state == 2) break; else state++;",
            "      Thread.yield();",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /** Ant's Parallel.killAll interrupts each task and yields to it: a hand-off, not "be nice". */
  @Test
  void identificationSilentWhenYieldingToAThreadJustWoken() {
    compilationHelper
        .addSourceLines(
            "Tasks.java",
            "import java.util.List;",
            "import java.util.concurrent.Executor;",
            "class Tasks {",
            "  void killAll(Thread[] running) {",
            "    for (Thread thread : running) {",
            "      thread.interrupt();",
            "      Thread.yield();",
            "    }",
            "  }",
            "  void startAll(List<Thread> threads, Executor executor) {",
            "    for (Thread thread : threads) {",
            "      thread.start();",
            "      Thread.yield();",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /** The seed's "be nice" outside a loop: a per-call counter in a method called per item. */
  @Test
  void identificationPerCallCounter() {
    compilationHelper
        .addSourceLines(
            "Dispatcher.java",
            "class Dispatcher {",
            "  private int dispatched;",
            "  private long handled;",
            "  static int events;",
            "  void dispatch(Runnable message) {",
            "    message.run();",
            "    // BUG: Diagnostic contains: ThreadYield",
            "    if (++dispatched % 1000 == 0) { dispatched = 0; Thread.yield(); }",
            "  }",
            "  void handle(Runnable message) {",
            "    handled++;",
            "    message.run();",
            "    if ((handled & 0xfff) == 0) {",
            "      // BUG: Diagnostic contains: ThreadYield",
            "      Thread.yield();",
            "    }",
            "  }",
            "  static void onEvent(Runnable event) {",
            "    event.run();",
            "    // BUG: Diagnostic contains: ThreadYield",
            "    if (events++ % 64 == 0) Thread.yield();",
            "  }",
            "  // Reduced from ActiveMQ's ActiveMQMessageConsumer.dispatch: the counter ends a try block.",
            "  void dispatchGuarded(Runnable message) {",
            "    try {",
            "      message.run();",
            "      if (++dispatched % 1000 == 0) {",
            "        dispatched = 0;",
            "        // BUG: Diagnostic contains: ThreadYield",
            "        Thread.yield();",
            "      }",
            "    } catch (RuntimeException e) {",
            "      throw e;",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /** A wait strategy's step, or a counter that is not a field: the caller decides, no finding. */
  @Test
  void identificationSilentOnWaitStepsWithCounters() {
    compilationHelper
        .addSourceLines(
            "Steps.java",
            "class Steps {",
            "  private int spins;",
            "  private int calls;",
            "  void idle() {",
            "    spins++;",
            "    if (spins % 100 == 0) Thread.yield();",
            "    calls++;",
            "  }",
            "  void onlyTheCounter() {",
            "    if (++calls % 100 == 0) Thread.yield();",
            "  }",
            "  int step(int counter, Runnable work) {",
            "    work.run();",
            "    if (counter % 100 == 0) Thread.yield();",
            "    return counter - 1;",
            "  }",
            "  void notACounterTest(Runnable work) {",
            "    work.run();",
            "    if (++calls > 100) Thread.yield();",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void identificationSilentOnDeliberateBackOff() {
    compilationHelper
        .addSourceLines(
            "Backoff.java",
            "import java.util.concurrent.BlockingQueue;",
            "import java.util.concurrent.Executor;",
            "import java.util.concurrent.atomic.AtomicInteger;",
            "import java.util.concurrent.locks.LockSupport;",
            "class Backoff {",
            "  volatile boolean ready;",
            "  final AtomicInteger state = new AtomicInteger();",
            "  // A wait strategy's step: the caller loops, the yield is its chosen back-off.",
            "  int waitStep(int counter) {",
            "    if (counter == 0) {",
            "      Thread.yield();",
            "    } else {",
            "      --counter;",
            "    }",
            "    return counter;",
            "  }",
            "  // Spin, then yield, then park: one tier of a back-off ladder.",
            "  void tiered() {",
            "    for (int spins = 0; !ready; ) {",
            "      if (spins < 100) {",
            "        spins++;",
            "      } else if (spins < 200) {",
            "        spins++;",
            "        Thread.yield();",
            "      } else {",
            "        LockSupport.parkNanos(1000);",
            "      }",
            "    }",
            "  }",
            "  // The loop's condition acts (a handoff attempt): a retry loop, not a flag poll.",
            "  void handOff(BlockingQueue<Object> queue, Object item) {",
            "    while (!queue.offer(item)) {",
            "      Thread.yield();",
            "    }",
            "    while (!state.compareAndSet(0, 1)) Thread.yield();",
            "  }",
            "  // Counts attempts, but waits on something else: a retry loop with a park tier.",
            "  void requite() {",
            "    for (int i = 0; state.get() > 0; i++) {",
            "      if ((i & 0xff) == 0xff) {",
            "        LockSupport.parkNanos(10_000);",
            "      } else {",
            "        Thread.yield();",
            "      }",
            "    }",
            "  }",
            "  // A bounded spin: counts to a limit, not through data.",
            "  boolean trySpin() {",
            "    for (int i = 0; i < 1000; i++) {",
            "      if (state.compareAndSet(0, 1)) {",
            "        return true;",
            "      }",
            "      Thread.yield();",
            "    }",
            "    return false;",
            "  }",
            "  // Yields every 100 spins while waiting: a back-off, not fairness during work.",
            "  void spinThenYield() {",
            "    int spins = 0;",
            "    while (!ready) {",
            "      if (++spins % 100 == 0) {",
            "        Thread.yield();",
            "      }",
            "    }",
            "  }",
            "  // Jetty's SerializedExecutor: re-reads a link in a lock-free publish window.",
            "  void awaitLink(java.util.concurrent.atomic.AtomicReference<Object> link) {",
            "    Object next = link.get();",
            "    while (next == null) {",
            "      Thread.yield();",
            "      next = link.get();",
            "    }",
            "  }",
            "  void asTask(Executor executor) {",
            "    executor.execute(Thread::yield);",
            "    executor.execute(() -> Thread.yield());",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void identificationIgnoresOtherYields() {
    compilationHelper
        .addSourceLines(
            "Fiber.java",
            "class Fiber {",
            "  static void yield(int slice) {}",
            "  void run() {",
            "    Fiber.yield(3);",
            "    Thread.onSpinWait();",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void identificationSilentInTests() {
    compilationHelper
        .addSourceLines(
            "org/junit/Test.java", "package org.junit;", "public @interface Test {}")
        .addSourceLines(
            "RaceTest.java",
            "import org.junit.Test;",
            "class RaceTest {",
            "  @Test public void interleaves() {",
            "    Thread.yield();",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void replacement() {
    refactoringHelper
        .addInputLines(
            "Scorer.java",
            "import java.util.concurrent.atomic.AtomicBoolean;",
            "class Scorer {",
            "  private final AtomicBoolean done = new AtomicBoolean();",
            "  private volatile boolean ready;",
            "",
            "  double score(double[] values) {",
            "    double sum = 0;",
            "    for (int i = 0; i < values.length; i++) {",
            "      sum += Math.sqrt(values[i]);",
            "      if (i % 1000 == 0) Thread.yield();",
            "    }",
            "    for (double value : values) {",
            "      sum += value;",
            "      Thread.yield();",
            "    }",
            "    return sum;",
            "  }",
            "",
            "  void awaitReady() {",
            "    while (!ready) Thread.yield();",
            "    do {",
            "      Thread.yield();",
            "    } while (!done.get());",
            "  }",
            "}")
        .addOutputLines(
            "Scorer.java",
            "import java.util.concurrent.atomic.AtomicBoolean;",
            "class Scorer {",
            "  private final AtomicBoolean done = new AtomicBoolean();",
            "  private volatile boolean ready;",
            "",
            "  double score(double[] values) {",
            "    double sum = 0;",
            "    for (int i = 0; i < values.length; i++) {",
            "      sum += Math.sqrt(values[i]);",
            "    }",
            "    for (double value : values) {",
            "      sum += value;",
            "    }",
            "    return sum;",
            "  }",
            "",
            "  void awaitReady() {",
            "    while (!ready) Thread.yield();",
            "    do {",
            "      Thread.yield();",
            "    } while (!done.get());",
            "  }",
            "}")
        .doTest(TEXT_MATCH);
  }

  @Test
  void replacementPerCallCounter() {
    refactoringHelper
        .addInputLines(
            "Dispatcher.java",
            "class Dispatcher {",
            "  /** Messages since the last yield. */",
            "  private int dispatched;",
            "  private long handled;",
            "  private int shared;",
            "",
            "  void dispatch(Runnable message) {",
            "    message.run();",
            "    if (++dispatched % 1000 == 0) {",
            "      dispatched = 0;",
            "      Thread.yield(); // be nice to the other consumers",
            "    }",
            "  }",
            "",
            "  void handle(Runnable message) {",
            "    message.run();",
            "",
            "    handled++;",
            "    if ((handled & 0xfff) == 0) Thread.yield();",
            "  }",
            "",
            "  void publish(Runnable message) {",
            "    message.run();",
            "    if (++shared % 100 == 0) {",
            "      Thread.yield();",
            "    }",
            "  }",
            "",
            "  int shared() {",
            "    return shared;",
            "  }",
            "}")
        .addOutputLines(
            "Dispatcher.java",
            "class Dispatcher {",
            "  private int shared;",
            "",
            "  void dispatch(Runnable message) {",
            "    message.run();",
            "  }",
            "",
            "  void handle(Runnable message) {",
            "    message.run();",
            "  }",
            "",
            "  void publish(Runnable message) {",
            "    message.run();",
            "    if (++shared % 100 == 0) {",
            "    }",
            "  }",
            "",
            "  int shared() {",
            "    return shared;",
            "  }",
            "}")
        .doTest(TEXT_MATCH);
  }

  @Test
  void identificationSpinWaitOnAnyTarget() {
    compilationHelper
        .setArgs("-source", "8", "-target", "8")
        .addSourceLines(
            "Waiter.java",
            "class Waiter {",
            "  volatile boolean ready;",
            "  void await() {",
            "    // BUG: Diagnostic contains: Block instead",
            "    while (!ready) Thread.yield();",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void replacementTogetherWithExplicitGcConverges() {
    String patched =
        PatchMode.patchConverged(
            "ThreadYield,ExplicitGc",
            "Worker.java",
            String.join(
                "\n",
                "class Worker {",
                "  void batch(int[] items) {",
                "    for (int i = 0; i < items.length; i++) {",
                "      items[i]++;",
                "      if (i % 100 == 0) {",
                "        System.gc();",
                "        Thread.yield();",
                "      }",
                "    }",
                "  }",
                "",
                "  void drain(int[] items) {",
                "    System.gc();",
                "",
                "    for (int item : items) {",
                "      Thread.yield();",
                "    }",
                "",
                "    Runtime.getRuntime().gc();",
                "  }",
                "}",
                ""));
    assertEquals(
        String.join(
            "\n",
            "class Worker {",
            "  void batch(int[] items) {",
            "    for (int i = 0; i < items.length; i++) {",
            "      items[i]++;",
            "      if (i % 100 == 0) {",
            "      }",
            "    }",
            "  }",
            "",
            "  void drain(int[] items) {",
            "    for (int item : items) {",
            "    }",
            "  }",
            "}",
            ""),
        patched);
  }

  @Test
  void replacementPerCallCounterLeavesNoDebris() {
    String patched =
        PatchMode.patchConverged(
            "ThreadYield",
            "Consumer.java",
            String.join(
                "\n",
                "class Consumer {",
                "  private final StringBuilder log = new StringBuilder();",
                "",
                "  // Counts messages so that we yield every so often.",
                "  private int sinceYield;",
                "",
                "  void onMessage(String message) {",
                "    log.append(message);",
                "",
                "    sinceYield++;",
                "    if (sinceYield % 500 == 0) {",
                "      sinceYield = 0;",
                "      Thread.yield();",
                "    }",
                "  }",
                "",
                "  String log() {",
                "    return log.toString();",
                "  }",
                "}",
                ""));
    assertEquals(
        String.join(
            "\n",
            "class Consumer {",
            "  private final StringBuilder log = new StringBuilder();",
            "",
            "  void onMessage(String message) {",
            "    log.append(message);",
            "  }",
            "",
            "  String log() {",
            "    return log.toString();",
            "  }",
            "}",
            ""),
        patched);
  }
}
