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
            "import java.util.concurrent.Executor;",
            "class Scorer {",
            "  volatile boolean ready;",
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
            "  }",
            "  void offload(Executor executor) {",
            "    // BUG: Diagnostic contains: ThreadYield",
            "    executor.execute(Thread::yield);",
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
            "    for (;;) {",
            "      if (done.get()) {",
            "        return;",
            "      }",
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
            "    for (;;) {",
            "      if (done.get()) {",
            "        return;",
            "      }",
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
                "  void drain() {",
                "    System.gc();",
                "",
                "    Thread.yield();",
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
            "  void drain() {",
            "  }",
            "}",
            ""),
        patched);
  }
}
