package dev.slowpath.checks;

import static com.google.errorprone.BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.errorprone.BugCheckerRefactoringTestHelper;
import com.google.errorprone.CompilationTestHelper;
import java.net.URLClassLoader;
import java.util.List;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

final class CounterUnderLockTest {
  private final CompilationTestHelper compilationHelper =
      CompilationTestHelper.newInstance(CounterUnderLock.class, getClass());
  private final BugCheckerRefactoringTestHelper refactoringHelper =
      BugCheckerRefactoringTestHelper.newInstance(CounterUnderLock.class, getClass());

  @Test
  void identification() {
    compilationHelper
        .addSourceLines(
            "Stats.java",
            "import java.util.concurrent.locks.Lock;",
            "import java.util.concurrent.locks.ReadWriteLock;",
            "import java.util.concurrent.locks.ReentrantLock;",
            "import java.util.concurrent.locks.ReentrantReadWriteLock;",
            "class Stats {",
            "  private final Lock lock = new ReentrantLock();",
            "  private final ReadWriteLock rw = new ReentrantReadWriteLock();",
            "  private long hits;",
            "  private long bytes;",
            "  private int open;",
            "  private long errors;",
            "  private long seq;",
            "  synchronized void hit() {",
            "    // BUG: Diagnostic contains: CounterUnderLock",
            "    hits++;",
            "  }",
            "  void received(int n) {",
            "    synchronized (this) {",
            "      // BUG: Diagnostic contains: CounterUnderLock",
            "      bytes += n;",
            "    }",
            "  }",
            "  void closed() {",
            "    lock.lock();",
            "    try {",
            "      // BUG: Diagnostic contains: CounterUnderLock",
            "      open--;",
            "    } finally {",
            "      lock.unlock();",
            "    }",
            "  }",
            "  void failed() {",
            "    rw.writeLock().lock();",
            "    // BUG: Diagnostic contains: CounterUnderLock",
            "    errors++;",
            "    rw.writeLock().unlock();",
            "  }",
            "  synchronized long next() {",
            "    // BUG: Diagnostic contains: CounterUnderLock",
            "    return ++seq;",
            "  }",
            "  synchronized long hits() {",
            "    return hits;",
            "  }",
            "}")
        .doTest();
  }

  /** The When NOT: other state, snapshots, fallbacks — each silent. */
  @Test
  void identificationSilentWhenTheLockGuardsMore() {
    compilationHelper
        .addSourceLines(
            "Account.java",
            "import java.util.concurrent.atomic.AtomicLongFieldUpdater;",
            "class Account {",
            "  private long deposits;",
            "  private long balance;",
            "  private long reads;",
            "  private long writes;",
            "  private long fallbackCount;",
            "  private long local;",
            "  private static final AtomicLongFieldUpdater<Account> UPDATER = null;",
            "  // An invariant between two fields: the lock keeps them together.",
            "  synchronized void deposit(long amount) {",
            "    deposits++;",
            "    balance += amount;",
            "  }",
            "  // A counter alone under the lock, but read together with another field elsewhere.",
            "  synchronized void read() {",
            "    reads++;",
            "  }",
            "  synchronized void write() {",
            "    writes++;",
            "  }",
            "  synchronized String ratio() {",
            "    return reads + \"/\" + writes;",
            "  }",
            "  // Deliberately falls back to locking when the updater is unavailable.",
            "  void count() {",
            "    if (UPDATER != null) {",
            "      UPDATER.incrementAndGet(this);",
            "    } else {",
            "      synchronized (this) {",
            "        fallbackCount++;",
            "      }",
            "    }",
            "  }",
            "  // Not a counter: the section does more, or the variable is a local.",
            "  synchronized long sum(long[] values) {",
            "    long total = 0;",
            "    for (long v : values) total += v;",
            "    return total;",
            "  }",
            "  void localCounter() {",
            "    long calls = 0;",
            "    synchronized (this) {",
            "      calls++;",
            "    }",
            "    local = calls;",
            "  }",
            "}")
        .doTest();
  }

  /**
   * Reduced from a network library's shared resource: instances are counted under one lock, and
   * the last one out stops what they share under the same lock. The lock makes
   * decrement-to-zero-then-stop atomic against a new instance's increment; an atomic would not.
   * Every section on the counter is judged, whatever the field's visibility or type.
   */
  @Test
  void identificationSilentWhenTheLockOrdersALastOneOutTeardown() {
    compilationHelper
        .addSourceLines(
            "Session.java",
            "class Session {",
            "  static final Object LOCK = new Object();",
            "  static int instances;",
            "  private static long opened;",
            "  static Runnable shared;",
            "  Session() {",
            "    synchronized (LOCK) {",
            "      instances++;",
            "    }",
            "    synchronized (LOCK) {",
            "      opened++;",
            "    }",
            "  }",
            "  void close() {",
            "    synchronized (LOCK) {",
            "      if (--instances == 0) shared.run();",
            "    }",
            "    synchronized (LOCK) {",
            "      if (--opened == 0) {",
            "        shared.run();",
            "      }",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void identificationReportsWithoutFixWhereRewritingIsUnsafe() {
    compilationHelper
        .addSourceLines(
            "Shared.java",
            "import java.io.Serializable;",
            "class Shared {",
            "  long visible;",
            "  private long[] perShard = new long[4];",
            "  private double total;",
            "  private long named;",
            "  synchronized void visible() {",
            "    // BUG: Diagnostic contains: not private",
            "    visible++;",
            "  }",
            "  synchronized void shard(int i) {",
            "    // BUG: Diagnostic contains: AtomicLongArray",
            "    perShard[i]++;",
            "  }",
            "  synchronized void add(double amount) {",
            "    // BUG: Diagnostic contains: DoubleAdder",
            "    total += amount;",
            "  }",
            "  synchronized void named() {",
            "    // BUG: Diagnostic contains: reflection",
            "    named++;",
            "  }",
            "  Object field() throws Exception {",
            "    return Shared.class.getDeclaredField(\"named\");",
            "  }",
            "  static final class Stored implements Serializable {",
            "    private long saves;",
            "    synchronized void save() {",
            "      // BUG: Diagnostic contains: serialized",
            "      saves++;",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /**
   * Reduced from libraries outside the tuning set (issue 21's recall corpus): an id taken from a
   * class-wide counter under the class's monitor in a constructor, a thread number taken under
   * {@code this}. The nearest silent shape: the kept value is itself state the lock guards.
   */
  @Test
  void identificationReportsATallyWhoseValueIsKept() {
    compilationHelper
        .addSourceLines(
            "Ids.java",
            "class Ids {",
            "  private static int count;",
            "  private final int id;",
            "  private long seq;",
            "  private long last;",
            "  private long threads;",
            "  Ids() {",
            "    synchronized (Ids.class) {",
            "      // BUG: Diagnostic contains: getAndIncrement() or incrementAndGet()",
            "      id = count++;",
            "    }",
            "  }",
            "  String name() {",
            "    long n;",
            "    synchronized (this) {",
            "      // BUG: Diagnostic contains: The tally's value is kept",
            "      n = ++threads;",
            "    }",
            "    return \"t-\" + n;",
            "  }",
            "  void issue() { synchronized (this) { last = ++seq; } }",
            "  synchronized long last() { return last; }",
            "}")
        .doTest();
  }

  @Test
  void identificationSilentInTests() {
    compilationHelper
        .addSourceLines("org/junit/Test.java", "package org.junit;", "public @interface Test {}")
        .addSourceLines(
            "CounterTest.java",
            "import org.junit.Test;",
            "class CounterTest {",
            "  private long calls;",
            "  @Test public void counts() {",
            "    synchronized (this) { calls++; }",
            "  }",
            "}")
        .doTest();
  }

  /** Records, switch expressions, generics, lambdas, var and local classes: no crash. */
  @Test
  void identificationOnModernTrees() {
    compilationHelper
        .addSourceLines(
            "Modern.java",
            "import java.util.List;",
            "import java.util.function.IntSupplier;",
            "class Modern<T> {",
            "  record Point(int x, int y) {}",
            "  private int count;",
            "  synchronized <U extends T> int visit(List<U> items, Object o) {",
            "    var total = switch (items.size()) { case 0 -> 0; default -> items.size(); };",
            "    IntSupplier s = () -> count;",
            "    // BUG: Diagnostic contains: CounterUnderLock",
            "    class Local { int n; synchronized void bump() { n++; } }",
            "    if (o instanceof Point p) { total += p.x(); }",
            "    return total + s.getAsInt();",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void replacement() {
    refactoringHelper
        .addInputLines(
            "Stats.java",
            "import java.util.concurrent.locks.Lock;",
            "import java.util.concurrent.locks.ReentrantLock;",
            "",
            "class Stats {",
            "  private final Lock lock = new ReentrantLock();",
            "  /** Requests served. */",
            "  private long hits;",
            "  private volatile long bytes;",
            "  private int open;",
            "",
            "  synchronized void hit() {",
            "    hits++;",
            "  }",
            "",
            "  void received(int n) {",
            "    synchronized (this) {",
            "      bytes += n;",
            "    }",
            "  }",
            "",
            "  void closed(int n) {",
            "    lock.lock();",
            "    try {",
            "      open -= n;",
            "    } finally {",
            "      lock.unlock();",
            "    }",
            "  }",
            "",
            "  synchronized long hits() {",
            "    return hits;",
            "  }",
            "",
            "  long bytes() {",
            "    return bytes;",
            "  }",
            "",
            "  int open() {",
            "    return open;",
            "  }",
            "}")
        .addOutputLines(
            "Stats.java",
            "import java.util.concurrent.atomic.LongAdder;",
            "import java.util.concurrent.locks.Lock;",
            "import java.util.concurrent.locks.ReentrantLock;",
            "",
            "class Stats {",
            "  private final Lock lock = new ReentrantLock();",
            "  /** Requests served. */",
            "  private final LongAdder hits = new LongAdder();",
            "  private final LongAdder bytes = new LongAdder();",
            "  private final LongAdder open = new LongAdder();",
            "",
            "  void hit() {",
            "    hits.increment();",
            "  }",
            "",
            "  void received(int n) {",
            "    bytes.add(n);",
            "  }",
            "",
            "  void closed(int n) {",
            "    open.add(-n);",
            "  }",
            "",
            "  long hits() {",
            "    return hits.sum();",
            "  }",
            "",
            "  long bytes() {",
            "    return bytes.sum();",
            "  }",
            "",
            "  int open() {",
            "    return open.intValue();",
            "  }",
            "}")
        .doTest(TEXT_MATCH);
  }

  /** The value is used, or the counter is reset or read in other code: an atomic, not an adder. */
  @Test
  void replacementWithAtomics() {
    refactoringHelper
        .addInputLines(
            "com/acme/Sequence.java",
            "package com.acme;",
            "",
            "import java.util.Objects;",
            "",
            "class Sequence {",
            "  private long seq = 100;",
            "  private int inFlight;",
            "",
            "  synchronized long next() {",
            "    return ++seq;",
            "  }",
            "",
            "  synchronized void started() {",
            "    inFlight++;",
            "  }",
            "",
            "  synchronized void reset() {",
            "    inFlight = 0;",
            "  }",
            "",
            "  boolean busy(int limit) {",
            "    return inFlight > limit;",
            "  }",
            "",
            "  int hash() {",
            "    return Objects.hash(seq);",
            "  }",
            "}")
        .addOutputLines(
            "com/acme/Sequence.java",
            "package com.acme;",
            "",
            "import java.util.Objects;",
            // Two fixes each add a line after the same neighbour: in source order, not sorted.
            "import java.util.concurrent.atomic.AtomicLong;",
            "import java.util.concurrent.atomic.AtomicInteger;",
            "",
            "class Sequence {",
            "  private final AtomicLong seq = new AtomicLong(100);",
            "  private final AtomicInteger inFlight = new AtomicInteger();",
            "",
            "  long next() {",
            "    return seq.incrementAndGet();",
            "  }",
            "",
            "  void started() {",
            "    inFlight.incrementAndGet();",
            "  }",
            "",
            "  void reset() {",
            "    inFlight.set(0);",
            "  }",
            "",
            "  boolean busy(int limit) {",
            "    return inFlight.get() > limit;",
            "  }",
            "",
            "  int hash() {",
            "    return Objects.hash(seq.get());",
            "  }",
            "}")
        .doTest(TEXT_MATCH);
  }

  /** Two findings on one field carry the same fix: patch mode applies it once and converges. */
  @Test
  void replacementConvergesInPatchMode() {
    String patched =
        PatchMode.patchConverged(
            "CounterUnderLock",
            "Meter.java",
            String.join(
                "\n",
                "import java.util.concurrent.locks.ReentrantLock;",
                "",
                "class Meter {",
                "  private final ReentrantLock lock = new ReentrantLock();",
                "  private long events;",
                "",
                "  void mark() {",
                "    synchronized (this) {",
                "      events++;",
                "    }",
                "  }",
                "",
                "  void mark(long n) {",
                "    lock.lock();",
                "    events += n;",
                "    lock.unlock();",
                "  }",
                "",
                "  synchronized long count() {",
                "    return events;",
                "  }",
                "}",
                ""));
    assertEquals(
        String.join(
            "\n",
            "import java.util.concurrent.atomic.LongAdder;",
            "import java.util.concurrent.locks.ReentrantLock;",
            "",
            "class Meter {",
            "  private final ReentrantLock lock = new ReentrantLock();",
            "  private final LongAdder events = new LongAdder();",
            "",
            "  void mark() {",
            "    events.increment();",
            "  }",
            "",
            "  void mark(long n) {",
            "    events.add(n);",
            "  }",
            "",
            "  long count() {",
            "    return events.sum();",
            "  }",
            "}",
            ""),
        patched);
  }

  /** The import goes in as one line among its neighbours; comments and groups stay as written. */
  @Test
  void replacementKeepsTheImportBlockAsWritten() {
    String patched =
        PatchMode.patchConverged(
            "CounterUnderLock",
            "com/acme/Pool.java",
            String.join(
                "\n",
                "package com.acme;",
                "",
                "import java.io.Closeable;",
                "",
                "// import java.util.logging.Logger;",
                "import java.util.Map;",
                "import java.util.concurrent.ConcurrentHashMap;",
                "",
                "import static java.lang.Math.max;",
                "",
                "class Pool implements Closeable {",
                "  private final Map<String, Object> items = new ConcurrentHashMap<>();",
                "  private int borrowed;",
                "",
                "  synchronized void borrowed() {",
                "    borrowed++;",
                "  }",
                "",
                "  synchronized int count() {",
                "    return max(borrowed, 0);",
                "  }",
                "",
                "  @Override",
                "  public void close() {",
                "    items.clear();",
                "  }",
                "}",
                ""));
    assertEquals(
        String.join(
            "\n",
            "package com.acme;",
            "",
            "import java.io.Closeable;",
            "",
            "// import java.util.logging.Logger;",
            "import java.util.Map;",
            "import java.util.concurrent.ConcurrentHashMap;",
            "import java.util.concurrent.atomic.AtomicInteger;",
            "",
            "import static java.lang.Math.max;",
            "",
            "class Pool implements Closeable {",
            "  private final Map<String, Object> items = new ConcurrentHashMap<>();",
            "  private final AtomicInteger borrowed = new AtomicInteger();",
            "",
            "  void borrowed() {",
            "    borrowed.incrementAndGet();",
            "  }",
            "",
            "  synchronized int count() {",
            "    return max(borrowed.get(), 0);",
            "  }",
            "",
            "  @Override",
            "  public void close() {",
            "    items.clear();",
            "  }",
            "}",
            ""),
        patched);
  }

  /** Two counters, two kinds of atomic, one file without imports: both arrive in one run. */
  @Test
  void replacementOfTwoCountersInOneFile() {
    String patched =
        PatchMode.patchConverged(
            "CounterUnderLock",
            "com/acme/Ids.java",
            String.join(
                "\n",
                "package com.acme;",
                "",
                "class Ids {",
                "  private long issued;",
                "  private int next;",
                "",
                "  synchronized void issued() {",
                "    issued++;",
                "  }",
                "",
                "  synchronized int next() {",
                "    return next++;",
                "  }",
                "}",
                ""));
    // Each fix adds its own import after the package line: both arrive, in source order, each
    // after a blank line. Correct and stable; not sorted into one group (the page says so).
    assertEquals(
        String.join(
            "\n",
            "package com.acme;",
            "",
            "import java.util.concurrent.atomic.LongAdder;",
            "",
            "import java.util.concurrent.atomic.AtomicInteger;",
            "",
            "class Ids {",
            "  private final LongAdder issued = new LongAdder();",
            "  private final AtomicInteger next = new AtomicInteger();",
            "",
            "  void issued() {",
            "    issued.increment();",
            "  }",
            "",
            "  int next() {",
            "    return next.getAndIncrement();",
            "  }",
            "}",
            ""),
        patched);
  }

  private static final String COUNTERS =
      String.join(
          "\n",
          "package probe;",
          "",
          "import java.util.concurrent.locks.ReentrantLock;",
          "",
          "public class Counters {",
          "  private final ReentrantLock lock = new ReentrantLock();",
          "  private long hits;",
          "  private long bytes;",
          "  private long seq;",
          "  private int open;",
          "",
          "  public synchronized void hit() {",
          "    hits++;",
          "  }",
          "",
          "  public void received(int n) {",
          "    synchronized (this) {",
          "      bytes += n;",
          "    }",
          "  }",
          "",
          "  public void opened() {",
          "    lock.lock();",
          "    try {",
          "      open++;",
          "    } finally {",
          "      lock.unlock();",
          "    }",
          "  }",
          "",
          "  public void closed() {",
          "    lock.lock();",
          "    open--;",
          "    lock.unlock();",
          "  }",
          "",
          "  public synchronized long next() {",
          "    return seq++;",
          "  }",
          "",
          "  public synchronized long hits() {",
          "    return hits;",
          "  }",
          "",
          "  public long bytes() {",
          "    return bytes;",
          "  }",
          "",
          "  public int open() {",
          "    return open;",
          "  }",
          "}",
          "");

  /**
   * The rewrite must count what the locks counted: run the original and the patched class from
   * four threads and compare the totals, and that {@code next()} handed out every number once.
   */
  @Test
  void replacementCountsTheSameFromSeveralThreads() throws Exception {
    String patched = PatchMode.patchConverged("CounterUnderLock", "probe/Counters.java", COUNTERS);
    assertFalse(patched.contains("synchronized"), patched);
    assertFalse(patched.contains("lock.lock()"), patched);
    assertTrue(patched.contains("LongAdder") && patched.contains("AtomicLong"), patched);

    List<Long> before = hammer(COUNTERS);
    List<Long> after = hammer(patched);
    // hits, bytes, open balance, next() gave 400k distinct numbers, the smallest of them
    assertEquals(List.of(400_000L, 400_000L * 3, 0L, 1L, 0L), before);
    assertEquals(before, after);
  }

  /** 4 threads × 100k rounds of every operation; what the counters say afterwards. */
  private static List<Long> hammer(String source) throws Exception {
    try (URLClassLoader loader = Probe.compile("probe/Counters.java", source)) {
      Class<?> type = loader.loadClass("probe.Counters");
      Object counters = type.getConstructor().newInstance();
      var hit = type.getMethod("hit");
      var received = type.getMethod("received", int.class);
      var opened = type.getMethod("opened");
      var closed = type.getMethod("closed");
      var next = type.getMethod("next");
      List<long[]> results =
          Workers.run(
              Executors.newFixedThreadPool(4),
              4,
              () -> {
                long[] seen = new long[100_000];
                for (int i = 0; i < 100_000; i++) {
                  hit.invoke(counters);
                  received.invoke(counters, 3);
                  opened.invoke(counters);
                  closed.invoke(counters);
                  seen[i] = (Long) next.invoke(counters);
                }
                return seen;
              });
      java.util.Set<Long> numbers = new java.util.HashSet<>();
      for (long[] result : results) {
        for (long number : result) {
          numbers.add(number);
        }
      }
      long distinct = numbers.size() == 400_000 ? 1 : 0;
      return List.of(
          (Long) type.getMethod("hits").invoke(counters),
          (Long) type.getMethod("bytes").invoke(counters),
          (long) (Integer) type.getMethod("open").invoke(counters),
          distinct,
          java.util.Collections.min(numbers));
    }
  }
}
