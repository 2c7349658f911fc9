package dev.slowpath.checks;

import static com.google.errorprone.BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH;

import com.google.errorprone.BugCheckerRefactoringTestHelper;
import com.google.errorprone.CompilationTestHelper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

final class ExplicitGcTest {
  private final CompilationTestHelper compilationHelper =
      CompilationTestHelper.newInstance(ExplicitGc.class, getClass());
  private final BugCheckerRefactoringTestHelper refactoringHelper =
      BugCheckerRefactoringTestHelper.newInstance(ExplicitGc.class, getClass());

  @Test
  void identification() {
    compilationHelper
        .addSourceLines(
            "RequestHandler.java",
            "import java.util.concurrent.ScheduledExecutorService;",
            "import java.util.concurrent.TimeUnit;",
            "class RequestHandler {",
            "  void handle(byte[] body) {",
            "    process(body);",
            "    // BUG: Diagnostic contains: ExplicitGc",
            "    System.gc();",
            "  }",
            "  void viaRuntime() {",
            "    // BUG: Diagnostic contains: ExplicitGc",
            "    Runtime.getRuntime().gc();",
            "    Runtime runtime = Runtime.getRuntime();",
            "    // BUG: Diagnostic contains: ExplicitGc",
            "    runtime.gc();",
            "  }",
            "  void periodic(ScheduledExecutorService scheduler) {",
            "    // BUG: Diagnostic matches: NO_FIX",
            "    scheduler.scheduleAtFixedRate(System::gc, 1, 1, TimeUnit.MINUTES);",
            "    // BUG: Diagnostic matches: NO_FIX",
            "    scheduler.execute(() -> System.gc());",
            "  }",
            "  void receiverWithEffect() {",
            "    // BUG: Diagnostic contains: Keep what the receiver expression does",
            "    runtimeAfterLogging().gc();",
            "  }",
            "  Runtime runtimeAfterLogging() {",
            "    process(new byte[0]);",
            "    return Runtime.getRuntime();",
            "  }",
            "  void catchingAnythingIsNotRecovery() {",
            "    try {",
            "      process(new byte[16]);",
            "    } catch (RuntimeException e) {",
            "      // BUG: Diagnostic contains: ExplicitGc",
            "      System.gc();",
            "    }",
            "  }",
            "  void process(byte[] body) {}",
            "}")
        .expectErrorMessage("NO_FIX", m -> m.contains("Remove the task that only requests a collection"))
        .doTest();
  }

  @Test
  void identificationIgnoresOtherMethodsNamedGc() {
    compilationHelper
        .addSourceLines(
            "Cache.java",
            "class Cache {",
            "  void gc() {}",
            "  static void gc(int generations) {}",
            "  void evict() {",
            "    gc();",
            "    gc(2);",
            "    this.gc();",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void identificationSilentInJUnitTests() {
    compilationHelper
        .addSourceLines(
            "org/junit/jupiter/api/Test.java",
            "package org.junit.jupiter.api;",
            "public @interface Test {}")
        .addSourceLines(
            "LeakTest.java",
            "import org.junit.jupiter.api.Test;",
            "class LeakTest {",
            "  @Test void releasesBuffers() {",
            "    System.gc();",
            "  }",
            "  private void settle() {",
            "    System.gc();",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void identificationSilentInJmhBenchmarks() {
    compilationHelper
        .addSourceLines(
            "org/openjdk/jmh/annotations/Setup.java",
            "package org.openjdk.jmh.annotations;",
            "public @interface Setup {}")
        .addSourceLines(
            "org/openjdk/jmh/annotations/TearDown.java",
            "package org.openjdk.jmh.annotations;",
            "public @interface TearDown {}")
        .addSourceLines(
            "org/openjdk/jmh/annotations/State.java",
            "package org.openjdk.jmh.annotations;",
            "public @interface State {}")
        .addSourceLines(
            "AllocationBenchmark.java",
            "import org.openjdk.jmh.annotations.Setup;",
            "import org.openjdk.jmh.annotations.State;",
            "import org.openjdk.jmh.annotations.TearDown;",
            "class AllocationBenchmark {",
            "  @Setup void cleanHeap() {",
            "    System.gc();",
            "  }",
            "  @TearDown void after() {",
            "    Runtime.getRuntime().gc();",
            "  }",
            "  @State static class Heap {",
            "    void reset() {",
            "      System.gc();",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void identificationSilentInTestSourceSet() {
    compilationHelper
        .addSourceLines(
            "src/test/java/com/acme/MemoryFixture.java",
            "package com.acme;",
            "class MemoryFixture {",
            "  void knownHeapState() {",
            "    System.gc();",
            "  }",
            "}")
        .doTest();
  }

  /** Reduced from guava-testlib's GcFinalization and JMH's runner (docs/realworld.md). */
  @Test
  void identificationSilentInTestAndBenchmarkSupportPackages() {
    compilationHelper
        .addSourceLines(
            "com/acme/testing/Finalization.java",
            "package com.acme.testing;",
            "import java.util.concurrent.CountDownLatch;",
            "public final class Finalization {",
            "  public static void awaitCleared(CountDownLatch cleared) throws InterruptedException {",
            "    while (cleared.getCount() > 0) {",
            "      System.gc();",
            "      cleared.await(1, java.util.concurrent.TimeUnit.SECONDS);",
            "    }",
            "  }",
            "}")
        .addSourceLines(
            "org/acme/jmh/runner/Iterations.java",
            "package org.acme.jmh.runner;",
            "final class Iterations {",
            "  void settleHeapBeforeIteration() {",
            "    System.gc();",
            "    System.gc();",
            "  }",
            "}")
        .addSourceLines(
            "com/acme/testingtools/NotASupportPackage.java",
            "package com.acme.testingtools;",
            "final class NotASupportPackage {",
            "  void handle() {",
            "    // BUG: Diagnostic contains: ExplicitGc",
            "    System.gc();",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void identificationSilentWhenRecoveringFromOutOfMemory() {
    compilationHelper
        .addSourceLines(
            "DirectPool.java",
            "import java.nio.ByteBuffer;",
            "class DirectPool {",
            "  ByteBuffer allocate(int size) {",
            "    try {",
            "      return ByteBuffer.allocateDirect(size);",
            "    } catch (OutOfMemoryError e) {",
            "      // Direct memory is freed by Cleaners, which run after a collection.",
            "      System.gc();",
            "      return ByteBuffer.allocateDirect(size);",
            "    }",
            "  }",
            "  ByteBuffer allocateEither(int size) {",
            "    try {",
            "      return ByteBuffer.allocateDirect(size);",
            "    } catch (IllegalStateException | OutOfMemoryError e) {",
            "      System.gc();",
            "      return ByteBuffer.allocateDirect(size);",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void replacement() {
    refactoringHelper
        .addInputLines(
            "RequestHandler.java",
            "class RequestHandler {",
            "  void handle(byte[] body) {",
            "    process(body);",
            "    System.gc(); // keep memory bounded",
            "    log();",
            "  }",
            "",
            "  void blankLinesAround(byte[] body) {",
            "    process(body);",
            "",
            "    Runtime.getRuntime().gc();",
            "",
            "    log();",
            "  }",
            "",
            "  void last(byte[] body) {",
            "    process(body);",
            "",
            "    System.gc();",
            "  }",
            "",
            "  void first(byte[] body) {",
            "    System.gc();",
            "",
            "    process(body);",
            "  }",
            "",
            "  void sharedLine(byte[] body) {",
            "    process(body); System.gc(); log();",
            "  }",
            "",
            "  void process(byte[] body) {}",
            "",
            "  void log() {}",
            "}")
        .addOutputLines(
            "RequestHandler.java",
            "class RequestHandler {",
            "  void handle(byte[] body) {",
            "    process(body);",
            "    log();",
            "  }",
            "",
            "  void blankLinesAround(byte[] body) {",
            "    process(body);",
            "",
            "    log();",
            "  }",
            "",
            "  void last(byte[] body) {",
            "    process(body);",
            "  }",
            "",
            "  void first(byte[] body) {",
            "    process(body);",
            "  }",
            "",
            "  void sharedLine(byte[] body) {",
            "    process(body); log();",
            "  }",
            "",
            "  void process(byte[] body) {}",
            "",
            "  void log() {}",
            "}")
        .doTest(TEXT_MATCH);
  }

  @Test
  void replacementRemovesAnIfThatGuardedNothingElse() {
    refactoringHelper
        .addInputLines(
            "BatchJob.java",
            "class BatchJob {",
            "  private static final boolean AGGRESSIVE = true;",
            "  private int processed;",
            "",
            "  void afterBatch(int size) {",
            "    processed += size;",
            "    if (processed % 1000 == 0) {",
            "      System.gc();",
            "    }",
            "    if (AGGRESSIVE && size > 10) System.gc();",
            "    report();",
            "  }",
            "",
            "  void report() {}",
            "}")
        .addOutputLines(
            "BatchJob.java",
            "class BatchJob {",
            "  private static final boolean AGGRESSIVE = true;",
            "  private int processed;",
            "",
            "  void afterBatch(int size) {",
            "    processed += size;",
            "    report();",
            "  }",
            "",
            "  void report() {}",
            "}")
        .doTest(TEXT_MATCH);
  }

  @Test
  void replacementKeepsConditionsWithEffects() {
    refactoringHelper
        .addInputLines(
            "BatchJob.java",
            "import java.util.concurrent.atomic.AtomicInteger;",
            "class BatchJob {",
            "  private final AtomicInteger batches = new AtomicInteger();",
            "  private Integer limit = 10;",
            "",
            "  void afterBatch(int size) {",
            "    if (batches.incrementAndGet() % 100 == 0) System.gc();",
            "    if (size > limit) {",
            "      System.gc();",
            "    }",
            "    if (size > 5) System.gc(); else report();",
            "    while (size-- > 0) System.gc();",
            "    switch (size) {",
            "      case 1 -> System.gc();",
            "      case 2 -> {",
            "        System.gc();",
            "      }",
            "      default -> report();",
            "    }",
            "    switch (size) {",
            "      case 3:",
            "        System.gc();",
            "        break;",
            "      default:",
            "        report();",
            "    }",
            "  }",
            "",
            "  void report() {}",
            "}")
        .addOutputLines(
            "BatchJob.java",
            "import java.util.concurrent.atomic.AtomicInteger;",
            "class BatchJob {",
            "  private final AtomicInteger batches = new AtomicInteger();",
            "  private Integer limit = 10;",
            "",
            "  void afterBatch(int size) {",
            "    if (batches.incrementAndGet() % 100 == 0) {}",
            "    if (size > limit) {",
            "    }",
            "    if (size > 5) {} else report();",
            "    while (size-- > 0) {}",
            "    switch (size) {",
            "      case 1 -> {}",
            "      case 2 -> {",
            "      }",
            "      default -> report();",
            "    }",
            "    switch (size) {",
            "      case 3:",
            "        break;",
            "      default:",
            "        report();",
            "    }",
            "  }",
            "",
            "  void report() {}",
            "}")
        .doTest(TEXT_MATCH);
  }

  @Test
  void replacementLeavesNoBlankLineDebris() {
    String patched =
        PatchMode.patchConverged(
            "ExplicitGc",
            "Handler.java",
            String.join(
                "\n",
                "class Handler {",
                "  void around(int n) {",
                "    work(n);",
                "",
                "    System.gc(); // \"keep memory low\"",
                "",
                "    work(n);",
                "  }",
                "",
                "  void last(int n) {",
                "    work(n);",
                "",
                "    Runtime.getRuntime().gc();",
                "  }",
                "",
                "  void first(int n) {",
                "    System.gc();",
                "",
                "    work(n);",
                "  }",
                "",
                "  void firstBeforeAnotherGc(int n) {",
                "    System.gc();",
                "",
                "    System.gc();",
                "  }",
                "",
                "  void commentedParagraph(int n) {",
                "    work(n);",
                "",
                "    // Free the garbage right away so the heap stays small.",
                "    System.gc();",
                "",
                "    // Report the batch.",
                "    work(n);",
                "  }",
                "",
                "  void commentOverSeveralStatements(int n) {",
                "    // Settle down before the next batch.",
                "    System.gc();",
                "    work(n);",
                "  }",
                "",
                "  void work(int n) {}",
                "}",
                ""));
    assertEquals(
        String.join(
            "\n",
            "class Handler {",
            "  void around(int n) {",
            "    work(n);",
            "",
            "    work(n);",
            "  }",
            "",
            "  void last(int n) {",
            "    work(n);",
            "  }",
            "",
            "  void first(int n) {",
            "    work(n);",
            "  }",
            "",
            "  void firstBeforeAnotherGc(int n) {",
            "  }",
            "",
            "  void commentedParagraph(int n) {",
            "    work(n);",
            "",
            "    // Report the batch.",
            "    work(n);",
            "  }",
            "",
            "  void commentOverSeveralStatements(int n) {",
            "    // Settle down before the next batch.",
            "    work(n);",
            "  }",
            "",
            "  void work(int n) {}",
            "}",
            ""),
        patched);
  }

  @Test
  void replacementInSwitchRulesCompiles() {
    String patched =
        PatchMode.patchConverged(
            "ExplicitGc",
            "Modes.java",
            String.join(
                "\n",
                "class Modes {",
                "  int apply(int mode) {",
                "    switch (mode) {",
                "      case 1 -> System.gc();",
                "      default -> mode++;",
                "    }",
                "    return switch (mode) {",
                "      case 2 -> {",
                "        System.gc();",
                "        yield 0;",
                "      }",
                "      default -> mode;",
                "    };",
                "  }",
                "}",
                ""));
    assertEquals(
        String.join(
            "\n",
            "class Modes {",
            "  int apply(int mode) {",
            "    switch (mode) {",
            "      case 1 -> {}",
            "      default -> mode++;",
            "    }",
            "    return switch (mode) {",
            "      case 2 -> {",
            "        yield 0;",
            "      }",
            "      default -> mode;",
            "    };",
            "  }",
            "}",
            ""),
        patched);
  }
}
