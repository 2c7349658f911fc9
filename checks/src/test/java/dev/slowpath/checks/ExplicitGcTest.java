package dev.slowpath.checks;

import static com.google.errorprone.BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.errorprone.BugCheckerRefactoringTestHelper;
import com.google.errorprone.CompilationTestHelper;
import java.lang.ref.WeakReference;
import java.net.URLClassLoader;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

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
            "  // Reduced from a servlet container's diagnostics: MemoryMXBean.gc() is System.gc().",
            "  void viaMemoryBean(java.lang.management.MemoryMXBean memory) {",
            "    // BUG: Diagnostic contains: Fix: delete the gc() call",
            "    java.lang.management.ManagementFactory.getMemoryMXBean().gc();",
            "    // BUG: Diagnostic contains: ExplicitGc",
            "    memory.gc();",
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

  /** Reduced from mchange-commons' CoalesceTest: a test written as a program, in the main jar. */
  @Test
  void identificationSilentInTestPrograms() {
    compilationHelper
        .addSourceLines(
            "com/acme/coalesce/CoalesceTest.java",
            "package com.acme.coalesce;",
            "public class CoalesceTest {",
            "  public static void main(String[] args) {",
            "    System.gc();",
            "  }",
            "}")
        .addSourceLines(
            "com/acme/health/ConnectionTest.java",
            "package com.acme.health;",
            "public class ConnectionTest {",
            "  public void run() {",
            "    // BUG: Diagnostic contains: ExplicitGc",
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

  /** Reduced from H2's Utils.collectGarbage, FileNioMapped.unMap and FilePathDisk (docs/realworld.md). */
  @Test
  void identificationWaitingLoopsGetNoFix() {
    compilationHelper
        .addSourceLines(
            "Memory.java",
            "import java.lang.management.GarbageCollectorMXBean;",
            "import java.lang.management.ManagementFactory;",
            "import java.lang.ref.ReferenceQueue;",
            "import java.lang.ref.WeakReference;",
            "class Memory {",
            "  private volatile boolean released;",
            "  static long collections() {",
            "    long count = 0;",
            "    for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {",
            "      count += bean.getCollectionCount();",
            "    }",
            "    return count;",
            "  }",
            "  static void collectGarbage() {",
            "    Runtime runtime = Runtime.getRuntime();",
            "    long before = collections();",
            "    while (before == collections()) {",
            "      // BUG: Diagnostic contains: This loop waits for the collection",
            "      runtime.gc();",
            "      Thread.yield();",
            "    }",
            "  }",
            "  static void awaitCleared(WeakReference<?> ref) {",
            "    while (ref.get() != null) {",
            "      // BUG: Diagnostic contains: This loop waits for the collection",
            "      System.gc();",
            "    }",
            "  }",
            "  static void settle() {",
            "    Runtime rt = Runtime.getRuntime();",
            "    long free = rt.freeMemory();",
            "    for (int i = 0; i < 16; i++) {",
            "      // BUG: Diagnostic contains: This loop waits for the collection",
            "      rt.gc();",
            "      long now = rt.freeMemory();",
            "      if (now == free) {",
            "        break;",
            "      }",
            "      free = now;",
            "    }",
            "  }",
            "  static void drain(ReferenceQueue<Object> queue) {",
            "    for (;;) {",
            "      // BUG: Diagnostic contains: This loop waits for the collection",
            "      System.gc();",
            "      if (queue.poll() != null) {",
            "        return;",
            "      }",
            "    }",
            "  }",
            "  void awaitRelease() {",
            "    do {",
            "      // BUG: Diagnostic contains: This loop waits for the collection",
            "      System.gc();",
            "    } while (!released);",
            "  }",
            "  static void outerLoopWaits(WeakReference<?> ref) {",
            "    while (ref.get() != null) {",
            "      for (int i = 0; i < 3; i++) {",
            "        // BUG: Diagnostic contains: This loop waits for the collection",
            "        System.gc();",
            "      }",
            "    }",
            "  }",
            "  static void copiedThroughALocal(WeakReference<?> ref) {",
            "    boolean alive = true;",
            "    while (alive) {",
            "      // BUG: Diagnostic contains: This loop waits for the collection",
            "      System.gc();",
            "      Object value = ref.get();",
            "      alive = value != null;",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /**
   * Reduced from Ant's FileUtils.tryHardToDelete, Plexus's FileUtils.deleteFile and H2's
   * SingleFileStore, FileNioMapped and FilePathDisk (docs/realworld.md).
   */
  @Test
  void identificationSilentWhenRetryingAFailedFileOperation() {
    compilationHelper
        .addSourceLines(
            "Files2.java",
            "import java.io.File;",
            "import java.io.IOException;",
            "import java.nio.ByteBuffer;",
            "import java.nio.channels.FileChannel;",
            "import java.nio.file.Files;",
            "import java.nio.file.Path;",
            "class Files2 {",
            "  boolean tryHardToDelete(File f, boolean onWindows) throws InterruptedException {",
            "    if (!f.delete()) {",
            "      if (onWindows) {",
            "        System.gc();",
            "      }",
            "      Thread.sleep(10);",
            "      return f.delete();",
            "    }",
            "    return true;",
            "  }",
            "  void truncate(FileChannel channel, long size) {",
            "    int attempts = 0;",
            "    while (true) {",
            "      try {",
            "        channel.truncate(size);",
            "        return;",
            "      } catch (IOException e) {",
            "        if (++attempts == 10) {",
            "          throw new IllegalStateException(e);",
            "        }",
            "        System.gc();",
            "      }",
            "    }",
            "  }",
            "  void setLength(FileChannel channel, long length) throws IOException {",
            "    for (int i = 0; ; i++) {",
            "      try {",
            "        channel.write(ByteBuffer.wrap(new byte[1]), length - 1);",
            "        break;",
            "      } catch (IOException e) {",
            "        if (i > 16) {",
            "          throw e;",
            "        }",
            "      }",
            "      System.gc();",
            "    }",
            "  }",
            "  void rename(Path from, Path to) {",
            "    for (int i = 0; i < 16; i++) {",
            "      try {",
            "        Files.move(from, to);",
            "        return;",
            "      } catch (IOException e) {",
            "        pause(i);",
            "      }",
            "    }",
            "  }",
            "  void create(Path file) {",
            "    try {",
            "      Files.createFile(file);",
            "    } catch (IOException e) {",
            "      pause(0);",
            "    }",
            "  }",
            "  // A helper whose every caller in this file retries a file operation.",
            "  private static void pause(int attempt) {",
            "    if (attempt == 8) {",
            "      System.gc();",
            "    }",
            "  }",
            "  // Reduced from a repository's file lock (issue 21's recall corpus): the result of the",
            "  // delete is kept in a local that decides the retry loop's exit.",
            "  void delete(File file) {",
            "    for (int i = 0; i < 16; i++) {",
            "      boolean ok = file.delete();",
            "      if (ok) {",
            "        return;",
            "      }",
            "      backOff(i);",
            "    }",
            "  }",
            "  private static void backOff(int attempt) {",
            "    if (attempt > 8) {",
            "      System.gc();",
            "    }",
            "  }",
            "}")
        .addSourceLines(
            "NotFiles.java",
            "import java.util.Map;",
            "class NotFiles {",
            "  void evict(Map<String, byte[]> cache, String key) {",
            "    if (cache.remove(key) == null) {",
            "      // BUG: Diagnostic contains: ExplicitGc",
            "      System.gc();",
            "    }",
            "  }",
            "  void afterBatch(java.io.File f) {",
            "    helper();",
            "    if (!f.delete()) {",
            "      helper();",
            "    }",
            "  }",
            "  // Writes a file per pass and collects after each: routine work, not a retry.",
            "  void export(java.util.List<java.io.File> files) {",
            "    for (java.io.File file : files) {",
            "      try (java.io.FileOutputStream out = new java.io.FileOutputStream(file)) {",
            "        out.write(1);",
            "      } catch (java.io.IOException e) {",
            "        files.remove(file);",
            "      }",
            "      // BUG: Diagnostic contains: ExplicitGc",
            "      System.gc();",
            "    }",
            "  }",
            "  // One caller is routine: the helper is not file-failure recovery.",
            "  private static void helper() {",
            "    // BUG: Diagnostic contains: ExplicitGc",
            "    System.gc();",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void replacementInLoopsThatEndOnTheirOwn() {
    refactoringHelper
        .addInputLines(
            "Batches.java",
            "import java.util.List;",
            "class Batches {",
            "  private final int limit = 3;",
            "",
            "  void run(List<byte[]> batches, int rounds) {",
            "    for (byte[] batch : batches) {",
            "      process(batch);",
            "      System.gc();",
            "    }",
            "    for (int i = 0; i < rounds && i < limit; i++) {",
            "      System.gc();",
            "      if (i * 2 > rounds) {",
            "        break;",
            "      }",
            "    }",
            "    int left = rounds;",
            "    while (left > 0) {",
            "      System.gc();",
            "      left -= 2;",
            "    }",
            "  }",
            "",
            "  void process(byte[] batch) {}",
            "}")
        .addOutputLines(
            "Batches.java",
            "import java.util.List;",
            "class Batches {",
            "  private final int limit = 3;",
            "",
            "  void run(List<byte[]> batches, int rounds) {",
            "    for (byte[] batch : batches) {",
            "      process(batch);",
            "    }",
            "    for (int i = 0; i < rounds && i < limit; i++) {",
            "      if (i * 2 > rounds) {",
            "        break;",
            "      }",
            "    }",
            "    int left = rounds;",
            "    while (left > 0) {",
            "      left -= 2;",
            "    }",
            "  }",
            "",
            "  void process(byte[] batch) {}",
            "}")
        .doTest(TEXT_MATCH);
  }

  private static final String WAITER =
      String.join(
          "\n",
          "package probe;",
          "",
          "import java.lang.ref.WeakReference;",
          "",
          "public class Waiter {",
          "  public static void awaitCleared(WeakReference<?> ref) {",
          "    while (ref.get() != null) {",
          "      System.gc();",
          "      Thread.yield();",
          "    }",
          "  }",
          "}",
          "");

  /**
   * Patch mode must not turn a loop that waits for a collection into one that spins forever: run
   * the waiting loop compiled from the original and from the patched file, each with a timeout.
   * The same loop without its collection is run too, to show this test sees a hang when there is
   * one: its referent has survived a full collection (it sits in the old generation), and nothing
   * else allocates, so no collection comes to clear it.
   */
  @Test
  void replacementKeepsWaitingLoopsThatEnd() throws Exception {
    String patched = PatchMode.patchConverged("ExplicitGc", "probe/Waiter.java", WAITER);

    assertTrue(awaitClearedEnds(WAITER, 30), "the original waiting loop did not end");
    assertTrue(awaitClearedEnds(patched, 30), "the patched waiting loop did not end:\n" + patched);
    String withoutCollection = WAITER.replace("      System.gc();\n", "");
    assertFalse(awaitClearedEnds(withoutCollection, 2), "without a collection the loop should still wait");
    assertEquals(WAITER, patched, "a waiting loop is reported without a fix");
  }

  /** Runs {@code Waiter.awaitCleared} on a reference only a full collection clears. */
  private static boolean awaitClearedEnds(String source, int seconds) throws Exception {
    try (URLClassLoader loader = Probe.compile("probe/Waiter.java", source)) {
      var awaitCleared = loader.loadClass("probe.Waiter").getMethod("awaitCleared", WeakReference.class);
      Object referent = new byte[1 << 20];
      WeakReference<Object> ref = new WeakReference<>(referent);
      System.gc(); // promotes the referent: a young collection will not clear it now
      referent = null;
      Thread waiter =
          new Thread(
              () -> {
                try {
                  awaitCleared.invoke(null, ref);
                } catch (ReflectiveOperationException e) {
                  throw new IllegalStateException(e);
                }
              });
      waiter.setDaemon(true);
      waiter.start();
      waiter.join(TimeUnit.SECONDS.toMillis(seconds));
      boolean ended = !waiter.isAlive();
      // Release a loop that is still waiting, so it does not spin through the other tests.
      while (waiter.isAlive()) {
        System.gc();
        waiter.join(100);
      }
      return ended;
    }
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
