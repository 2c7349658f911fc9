package dev.slowpath.checks;

import com.google.errorprone.CompilationTestHelper;
import com.google.errorprone.bugpatterns.BugChecker;
import org.junit.jupiter.api.Test;

/**
 * Where a fix deletes or restructures more than the flagged expression, Error Prone shows only
 * the first replaced line ("Did you mean '}'?"): the finding's own message must say what the fix
 * does. One finding with a fix per such shape, its message asserted.
 */
final class FixMessagesTest {
  private CompilationTestHelper helper(Class<? extends BugChecker> check) {
    return CompilationTestHelper.newInstance(check, getClass());
  }

  @Test
  void explicitGcNamesTheGuardItDeletes() {
    helper(ExplicitGc.class)
        .addSourceLines(
            "Handler.java",
            "class Handler {",
            "  private boolean tidy;",
            "  void handle() {",
            "    if (tidy) {",
            "      // BUG: Diagnostic contains: Fix: delete the gc() call and the `if` that only guards it",
            "      System.gc();",
            "    }",
            "    // BUG: Diagnostic matches: LINE",
            "    System.gc();",
            "    for (int i = 0; i < 3; i++)",
            "      // BUG: Diagnostic contains: (an empty block {} keeps the statement Java needs there)",
            "      System.gc();",
            "  }",
            "}")
        .expectErrorMessage(
            "LINE", m -> m.contains("Fix: delete the gc() call") && !m.contains("`if`") && !m.contains("empty block"))
        .doTest();
  }

  @Test
  void threadYieldNamesTheCounterItDeletes() {
    helper(ThreadYield.class)
        .addSourceLines(
            "Consumer.java",
            "class Consumer {",
            "  private int dispatched;",
            "  void onMessage(String m) {",
            "    handle(m);",
            "    if (++dispatched % 1000 == 0) {",
            "      dispatched = 0;",
            "      // BUG: Diagnostic contains: Fix: delete the yield(), the `if` that counts calls for it, and the counter",
            "      Thread.yield();",
            "    }",
            "  }",
            "  void handle(String m) {}",
            "}")
        .doTest();
  }

  @Test
  void lockInLoopSaysTheLockMovesAroundTheLoop() {
    helper(LockInLoop.class)
        .addSourceLines(
            "Book.java",
            "import java.util.HashMap;",
            "import java.util.List;",
            "import java.util.Map;",
            "class Book {",
            "  private final Map<String, Double> prices = new HashMap<>();",
            "  void load(List<String> names, double[] values) {",
            "    for (int i = 0; i < values.length; i++) {",
            "      // BUG: Diagnostic contains: Fix: take the lock once around the whole loop",
            "      synchronized (this) {",
            "        prices.put(names.get(i), values[i]);",
            "      }",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void counterUnderLockNamesTheNewTypeAndTheLockingThatGoes() {
    helper(CounterUnderLock.class)
        .addSourceLines(
            "Stats.java",
            "class Stats {",
            "  private long hits;",
            "  synchronized void hit() {",
            "    // BUG: Diagnostic contains: Fix: `hits` becomes a LongAdder, its uses in this file are rewritten, and the locking",
            "    hits++;",
            "  }",
            "  synchronized long hits() {",
            "    return hits;",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void busyPollLoopSaysWhatReplacesTheLoop() {
    helper(BusyPollLoop.class)
        .addSourceLines(
            "Worker.java",
            "import java.util.concurrent.BlockingQueue;",
            "class Worker {",
            "  String next(BlockingQueue<String> queue) throws InterruptedException {",
            "    String item;",
            "    // BUG: Diagnostic contains: Fix: the polling loop becomes one take()",
            "    while ((item = queue.poll()) == null) {",
            "      Thread.sleep(10);",
            "    }",
            "    return item;",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void bufferPerCallSaysTheDeclarationMoves() {
    helper(BufferPerCall.class)
        .addSourceLines(
            "Copier.java",
            "import java.io.IOException;",
            "import java.io.InputStream;",
            "import java.io.OutputStream;",
            "import java.util.List;",
            "class Copier {",
            "  void copyAll(List<InputStream> ins, OutputStream out) throws IOException {",
            "    for (InputStream in : ins) {",
            "      // BUG: Diagnostic contains: Fix: the declaration moves before the loop",
            "      byte[] buffer = new byte[8192];",
            "      int n = in.read(buffer);",
            "      out.write(buffer, 0, n);",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void stopTheWorldSnapshotNamesTheConstantItDeletes() {
    helper(StopTheWorldSnapshot.class)
        .addSourceLines(
            "States.java",
            "import java.lang.management.ManagementFactory;",
            "import java.lang.management.ThreadInfo;",
            "import java.lang.management.ThreadMXBean;",
            "class States {",
            "  private static final int DEPTH = 8;",
            "  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();",
            "  int blocked(long[] ids) {",
            "    int n = 0;",
            "    // BUG: Diagnostic contains: Fix: drop the depth and lock arguments, and the constant DEPTH that only this call read goes",
            "    for (ThreadInfo info : threads.getThreadInfo(ids, DEPTH)) {",
            "      if (info != null && info.getThreadState() == Thread.State.BLOCKED) n++;",
            "    }",
            "    return n;",
            "  }",
            "}")
        .doTest();
  }
}
