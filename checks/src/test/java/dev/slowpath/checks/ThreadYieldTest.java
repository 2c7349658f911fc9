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
            "      // BUG: Diagnostic contains: Did you mean 'Thread.onSpinWait();'",
            "      Thread.yield();",
            "    }",
            "    // BUG: Diagnostic contains: Did you mean 'do Thread.onSpinWait(); while",
            "    do Thread.yield(); while (!done.get());",
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
            "  // Checks, then yields: the loop does more than wait.",
            "  void lostRace() {",
            "    for (;;) {",
            "      if (state.get() == 2) {",
            "        return;",
            "      }",
            "      Thread.yield();",
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
            "    for (; !ready; ) {",
            "      Thread.yield();",
            "    }",
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
            "    while (!ready) Thread.onSpinWait();",
            "    do {",
            "      Thread.onSpinWait();",
            "    } while (!done.get());",
            "    for (; !ready; ) {",
            "      Thread.onSpinWait();",
            "    }",
            "  }",
            "}")
        .doTest(TEXT_MATCH);
  }

  @Test
  void replacementBeforeJava9DeletesNothing() {
    compilationHelper
        .setArgs("-source", "8", "-target", "8")
        .addSourceLines(
            "Waiter.java",
            "class Waiter {",
            "  volatile boolean ready;",
            "  void await() {",
            "    // BUG: Diagnostic contains: needs Java 9",
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
}
