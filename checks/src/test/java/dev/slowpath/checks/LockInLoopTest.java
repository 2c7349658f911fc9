package dev.slowpath.checks;

import static com.google.errorprone.BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.errorprone.BugCheckerRefactoringTestHelper;
import com.google.errorprone.CompilationTestHelper;
import java.net.URLClassLoader;
import java.util.List;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

final class LockInLoopTest {
  private final CompilationTestHelper compilationHelper =
      CompilationTestHelper.newInstance(LockInLoop.class, getClass());
  private final BugCheckerRefactoringTestHelper refactoringHelper =
      BugCheckerRefactoringTestHelper.newInstance(LockInLoop.class, getClass());

  @Test
  void identification() {
    compilationHelper
        .addSourceLines(
            "Book.java",
            "import java.util.HashMap;",
            "import java.util.List;",
            "import java.util.Map;",
            "import java.util.concurrent.locks.ReentrantLock;",
            "class Book {",
            "  private final Map<String, Double> prices = new HashMap<>();",
            "  private final ReentrantLock lock = new ReentrantLock();",
            "  private static final Object REGISTRY = new Object();",
            "  void load(List<String> names, double[] values) {",
            "    for (int i = 0; i < values.length; i++) {",
            "      // BUG: Diagnostic contains: LockInLoop",
            "      synchronized (this) {",
            "        prices.put(names.get(i), values[i]);",
            "      }",
            "    }",
            "    for (String name : names) {",
            "      // BUG: Diagnostic contains: LockInLoop",
            "      lock.lock();",
            "      try {",
            "        prices.remove(name);",
            "      } finally {",
            "        lock.unlock();",
            "      }",
            "    }",
            "    for (String name : names) {",
            "      // BUG: Diagnostic contains: LockInLoop",
            "      lock.lock();",
            "      prices.putIfAbsent(name, 0.0);",
            "      lock.unlock();",
            "    }",
            "    for (String name : names) {",
            "      // BUG: Diagnostic contains: LockInLoop",
            "      synchronized (REGISTRY) {",
            "        prices.put(name, 1.0);",
            "      }",
            "    }",
            "  }",

            "  void labeled(List<String> names) {",
            "    outer:",
            "    for (String name : names) {",
            "      // BUG: Diagnostic matches: NO_FIX",
            "      synchronized (this) {",
            "        if (prices.containsKey(name)) continue outer;",
            "        prices.put(name, 3.0);",
            "      }",
            "    }",
            "  }",
            "}")
        .expectErrorMessage("NO_FIX", m -> m.contains("A label names the loop") && !m.contains("Did you mean"))
        .doTest();
  }

  /**
   * Reduced from libraries outside the tuning set (issue 21's recall corpus): a loop over data that
   * calls a synchronized method of this object per element (a key-value store's putAll, a
   * reasoner's first load), iterator walks and reference-queue drains, and a lock that is a final
   * field of a final field.
   */
  @Test
  void identificationOfLoopsOverDataAndLockedCallees() {
    compilationHelper
        .addSourceLines(
            "Store.java",
            "import java.lang.ref.Reference;",
            "import java.lang.ref.ReferenceQueue;",
            "import java.util.HashMap;",
            "import java.util.Iterator;",
            "import java.util.List;",
            "import java.util.Map;",
            "class Store {",
            "  static final class Connection { final Map<String, Store> callbacks = new HashMap<>(); }",
            "  private final Map<String, byte[]> map = new HashMap<>();",
            "  private final Connection connection = new Connection();",
            "  private final ReferenceQueue<Object> cleared = new ReferenceQueue<>();",
            "  synchronized void put(String key, byte[] value) {",
            "    map.put(key, value);",
            "  }",
            "  static synchronized void register(String name) {",
            "    System.identityHashCode(name);",
            "  }",
            "  void putAll(Map<String, byte[]> entries) {",
            "    for (Map.Entry<String, byte[]> entry : entries.entrySet())",
            "      // BUG: Diagnostic matches: CALLEE",
            "      put(entry.getKey(), entry.getValue());",
            "  }",
            "  void registerAll(Iterator<String> names) {",
            "    while (names.hasNext()) {",
            "      // BUG: Diagnostic contains: monitor of `Store.class`",
            "      register(names.next());",
            "    }",
            "  }",
            "  void restore(Iterable<String> keys) {",
            "    for (Iterator<String> it = keys.iterator(); it.hasNext(); ) {",
            "      String key = it.next();",
            "      // BUG: Diagnostic contains: `put(…)` is synchronized",
            "      this.put(key, new byte[0]);",
            "    }",
            "  }",
            "  void expunge() {",
            "    Reference<?> ref;",
            "    while ((ref = cleared.poll()) != null) {",
            "      // BUG: Diagnostic contains: LockInLoop",
            "      synchronized (map) {",
            "        map.values().remove(ref);",
            "      }",
            "    }",
            "  }",
            "  void install(List<String> keys) {",
            "    for (String key : keys) {",
            "      // BUG: Diagnostic contains: LockInLoop",
            "      synchronized (connection.callbacks) {",
            "        connection.callbacks.put(key, this);",
            "      }",
            "    }",
            "  }",
            "}")
        .expectErrorMessage(
            "CALLEE",
            m -> m.contains("monitor of `this` is entered and left once per element") && !m.contains("Did you mean"))
        .doTest();
  }

  /** The callee shape's When NOT: the monitor already held, a callee that waits, a tally, another object. */
  @Test
  void identificationSilentForLockedCallees() {
    compilationHelper
        .addSourceLines(
            "Quiet.java",
            "import java.util.ArrayList;",
            "import java.util.List;",
            "class Quiet {",
            "  static final class Conn { Object lock = new Object(); final Object fixed = new Object(); }",
            "  private final List<String> items = new ArrayList<>();",
            "  private final Conn conn = new Conn();",
            "  private long count;",
            "  private volatile boolean running;",
            "  synchronized void add(String item) { items.add(item); }",
            "  synchronized void bump() { count++; }",
            "  synchronized void await(String item) throws InterruptedException { while (!items.contains(item)) wait(); }",
            "  synchronized void addAll(List<String> more) {",
            "    for (String item : more) add(item);",
            "  }",
            "  void nested(List<String> more) {",
            "    synchronized (this) {",
            "      for (String item : more) add(item);",
            "    }",
            "  }",
            "  void tally(List<String> more) {",
            "    for (String item : more) bump();",
            "  }",
            "  void waits(List<String> more) throws InterruptedException {",
            "    for (String item : more) await(item);",
            "  }",
            "  void other(List<Quiet> others, String item) {",
            "    for (Quiet q : others) q.add(item);",
            "  }",
            "  void serve() {",
            "    while (running) add(\"tick\");",
            "  }",
            "  void notInOwnStatement(List<String> more) {",
            "    for (String item : more) { if (item != null) add(item); }",
            "  }",
            // Reduced from an SSH client's identity store: a private helper that only
            // synchronized methods call; its loop's enters are reentries.
            "  synchronized void addAndDeduplicate(String item) { items.add(item); deduplicate(); }",
            "  private void deduplicate() {",
            "    for (String item : new ArrayList<>(items)) add(item);",
            "  }",
            // Reduced from a database's temp-file deleter: the callee deletes and closes.
            "  synchronized void release(java.io.Closeable resource) {",
            "    try { resource.close(); } catch (java.io.IOException ignored) { }",
            "  }",
            "  void releaseAll(List<java.io.Closeable> resources) {",
            "    for (java.io.Closeable r : resources) release(r);",
            "  }",
            // Reduced from a discovery protocol's database store: a JDBC round trip per element.
            "  java.sql.Connection connection() { return null; }",
            "  synchronized void store(String row) {",
            "    java.sql.Connection c = connection();",
            "    items.add(row + c);",
            "  }",
            "  void storeAll(List<String> rows) {",
            "    for (String row : rows) store(row);",
            "  }",
            // Reduced from a quorum's connection manager: the callee takes a second lock.
            "  synchronized void connect(String peer) { synchronized (conn.fixed) { items.add(peer); } }",
            "  void connectAll(List<String> peers) {",
            "    for (String peer : peers) connect(peer);",
            "  }",
            "  void perConnection(List<Conn> conns) {",
            "    for (Conn c : conns) {",
            "      synchronized (c.fixed) { items.add(\"x\"); }",
            "    }",
            "    for (String item : items) {",
            "      synchronized (conn.lock) { items.size(); }",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /** The When NOT: striping, blocking, waiting, unbounded loops, counters. */
  @Test
  void identificationSilent() {
    compilationHelper
        .addSourceLines(
            "Quiet.java",
            "import java.util.List;",
            "import java.util.concurrent.BlockingQueue;",
            "class Quiet {",
            "  static final class Node { long hits; }",
            "  private final Object[] buckets = new Object[16];",
            "  private Object mutable = new Object();",
            "  private final Object lock = new Object();",
            "  private volatile boolean running;",
            "  private long count;",
            "  void striped(List<Node> nodes) {",
            "    for (Node node : nodes) {",
            "      synchronized (node) { node.hits++; node.hits *= 2; }",
            "    }",
            "    for (int i = 0; i < buckets.length; i++) {",
            "      synchronized (buckets[i]) { buckets[i].notify(); }",
            "    }",
            "  }",
            "  void notInvariant(List<String> names) {",
            "    for (String name : names) {",
            "      synchronized (mutable) { mutable = name; }",
            "    }",
            "    for (String name : names) {",
            "      Object local = name;",
            "      synchronized (local) { local.notify(); }",
            "    }",
            "  }",
            "  void blocks(List<String> names, BlockingQueue<String> queue) throws InterruptedException {",
            "    for (String name : names) {",
            "      synchronized (lock) { queue.put(name); }",
            "    }",
            "    for (String name : names) {",
            "      synchronized (lock) { lock.wait(10); }",
            "    }",
            "    for (String name : names) {",
            "      synchronized (lock) { lock.notifyAll(); }",
            "      Thread.sleep(1);",
            "    }",
            "  }",
            "  void unbounded(BlockingQueue<String> queue) {",
            "    while (running) {",
            "      synchronized (lock) { lock.notifyAll(); }",
            "    }",
            "    for (;;) {",
            "      synchronized (lock) { lock.notifyAll(); }",
            "    }",
            "  }",
            "  void counter(List<String> names) {",
            "    for (String name : names) {",
            "      synchronized (this) { count++; }",
            "    }",
            "  }",
            "  void nested(List<String> names, java.util.concurrent.locks.Lock other) {",
            "    for (String name : names) {",
            "      other.lock();",
            "      try {",
            "        synchronized (lock) { lock.notify(); }",
            "      } finally {",
            "        other.unlock();",
            "      }",
            "    }",
            "  }",
            "  // Reduced from HSQLDB's DatabaseManager: a short lookup per pass, then a call out.",
            "  void notifyAll(Object[] servers, java.util.Map<Object, Runnable> listeners) {",
            "    for (int i = 0; i < servers.length; i++) {",
            "      Runnable listener;",
            "      synchronized (listeners) {",
            "        listener = listeners.get(servers[i]);",
            "      }",
            "      if (listener != null) listener.run();",
            "    }",
            "  }",
            "  synchronized void alreadyHeld(List<String> names) {",
            "    for (String name : names) {",
            "      synchronized (this) { lock.notify(); }",
            "    }",
            "  }",
            "  // Reduced from a lock service's demo: taking the lock is the point, nothing is guarded.",
            "  void exercise(java.util.concurrent.locks.Lock service, int times) {",
            "    for (int i = 0; i < times; i++) {",
            "      service.lock();",
            "      service.unlock();",
            "    }",
            "    for (int i = 0; i < times; i++) {",
            "      synchronized (lock) {}",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /** Records, switch expressions, generics, lambdas, var, anonymous and local classes: no crash. */
  @Test
  void identificationOnModernTrees() {
    compilationHelper
        .addSourceLines(
            "Modern.java",
            "import java.util.List;",
            "import java.util.function.Supplier;",
            "class Modern<T> {",
            "  record Entry(String key, int value) {}",
            "  private final Object lock = new Object();",
            "  private int total;",
            "  <U extends T> void load(List<Entry> entries, List<U> extra) {",
            "    for (var entry : entries) {",
            "      // BUG: Diagnostic contains: LockInLoop",
            "      synchronized (lock) {",
            "        total += switch (entry.value()) { case 0 -> 0; default -> entry.value(); };",
            "        Supplier<String> key = entry::key;",
            "        if (extra.get(0) instanceof Entry e) { total += e.value(); }",
            "      }",
            "    }",
            "    Runnable later = new Runnable() {",
            "      @Override public void run() {",
            "        for (Entry entry : entries) {",
            "          // BUG: Diagnostic contains: LockInLoop",
            "          synchronized (lock) { total += entry.value(); total *= 2; }",
            "        }",
            "      }",
            "    };",
            "    class Local {",
            "      void each(int[] values) {",
            "        for (int i = 0; i < values.length; i++) {",
            "          // BUG: Diagnostic contains: LockInLoop",
            "          synchronized (lock) { total += values[i]; total %= 7; }",
            "        }",
            "      }",
            "    }",
            "    entries.forEach(e -> { synchronized (lock) { total += e.value(); } });",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void replacement() {
    refactoringHelper
        .addInputLines(
            "Book.java",
            "import java.util.HashMap;",
            "import java.util.List;",
            "import java.util.Map;",
            "import java.util.concurrent.locks.ReentrantLock;",
            "",
            "class Book {",
            "  private final Map<String, Double> prices = new HashMap<>();",
            "  private final ReentrantLock lock = new ReentrantLock();",
            "",
            "  void load(List<String> names, double[] values) {",
            "    for (int i = 0; i < values.length; i++) {",
            "      synchronized (this) {",
            "        prices.put(names.get(i), values[i]);",
            "      }",
            "    }",
            "  }",
            "",
            "  void remove(List<String> names) {",
            "    for (String name : names) {",
            "      lock.lock();",
            "      try {",
            "        prices.remove(name);",
            "      } finally {",
            "        lock.unlock();",
            "      }",
            "    }",
            "  }",
            "",
            "  void reset(List<String> names) {",
            "    for (String name : names) {",
            "      lock.lock();",
            "      prices.put(name, 0.0);",
            "      lock.unlock();",
            "    }",
            "  }",
            "}")
        .addOutputLines(
            "Book.java",
            "import java.util.HashMap;",
            "import java.util.List;",
            "import java.util.Map;",
            "import java.util.concurrent.locks.ReentrantLock;",
            "",
            "class Book {",
            "  private final Map<String, Double> prices = new HashMap<>();",
            "  private final ReentrantLock lock = new ReentrantLock();",
            "",
            "  void load(List<String> names, double[] values) {",
            "    synchronized (this) {",
            "      for (int i = 0; i < values.length; i++) {",
            "        prices.put(names.get(i), values[i]);",
            "      }",
            "    }",
            "  }",
            "",
            "  void remove(List<String> names) {",
            "    lock.lock();",
            "    try {",
            "      for (String name : names) {",
            "        prices.remove(name);",
            "      }",
            "    } finally {",
            "      lock.unlock();",
            "    }",
            "  }",
            "",
            "  void reset(List<String> names) {",
            "    lock.lock();",
            "    for (String name : names) {",
            "      prices.put(name, 0.0);",
            "    }",
            "    lock.unlock();",
            "  }",
            "}")
        .doTest(TEXT_MATCH);
  }

  /** A counter in a loop in a monitor: CounterUnderLock removes the lock, LockInLoop stays out. */
  @Test
  void replacementTogetherWithCounterUnderLockConverges() {
    String patched =
        PatchMode.patchConverged(
            "LockInLoop,CounterUnderLock",
            "com/acme/Tally.java",
            String.join(
                "\n",
                "package com.acme;",
                "",
                "import java.util.List;",
                "",
                "class Tally {",
                "  private long seen;",
                "",
                "  void see(List<String> items) {",
                "    for (String item : items) {",
                "      synchronized (this) {",
                "        seen++;",
                "      }",
                "    }",
                "  }",
                "",
                "  long seen() {",
                "    return seen;",
                "  }",
                "}",
                ""));
    assertEquals(
        String.join(
            "\n",
            "package com.acme;",
            "",
            "import java.util.List;",
            "import java.util.concurrent.atomic.LongAdder;",
            "",
            "class Tally {",
            "  private final LongAdder seen = new LongAdder();",
            "",
            "  void see(List<String> items) {",
            "    for (String item : items) {",
            "      seen.increment();",
            "    }",
            "  }",
            "",
            "  long seen() {",
            "    return seen.sum();",
            "  }",
            "}",
            ""),
        patched);
  }

  private static final String LEDGER =
      String.join(
          "\n",
          "package probe;",
          "",
          "import java.util.ArrayList;",
          "import java.util.List;",
          "import java.util.concurrent.locks.ReentrantLock;",
          "",
          "public class Ledger {",
          "  private final ReentrantLock lock = new ReentrantLock();",
          "  private final List<Long> entries = new ArrayList<>();",
          "  private final List<Long> tags = new ArrayList<>();",
          "  private long balance;",
          "",
          "  public void post(long[] amounts) {",
          "    for (long amount : amounts) {",
          "      synchronized (this) {",
          "        entries.add(amount);",
          "        balance += amount;",
          "      }",
          "    }",
          "  }",
          "",
          "  public void refund(long[] amounts) {",
          "    for (int i = 0; i < amounts.length; i++) {",
          "      synchronized (this) {",
          "        entries.add(-amounts[i]);",
          "        balance -= amounts[i];",
          "      }",
          "    }",
          "  }",
          "",
          "  public void tag(long[] ids) {",
          "    for (long id : ids) {",
          "      lock.lock();",
          "      try {",
          "        tags.add(id);",
          "      } finally {",
          "        lock.unlock();",
          "      }",
          "    }",
          "  }",
          "",
          "  public void untag(long[] ids) {",
          "    for (int i = 0; i < ids.length; i++) {",
          "      lock.lock();",
          "      tags.remove(ids[i]);",
          "      lock.unlock();",
          "    }",
          "  }",
          "",
          "  public void settle(java.util.Queue<Long> pending) {",
          "    Long amount;",
          "    while ((amount = pending.poll()) != null) {",
          "      synchronized (this) {",
          "        entries.add(amount);",
          "        balance += amount;",
          "      }",
          "    }",
          "  }",
          "",
          "  public List<Long> snapshot() {",
          "    List<Long> copy = new ArrayList<>();",
          "    synchronized (this) {",
          "      copy.add(entries.stream().filter(e -> e > 0).count());",
          "      copy.add(balance);",
          "    }",
          "    lock.lock();",
          "    try {",
          "      copy.add((long) tags.size());",
          "    } finally {",
          "      lock.unlock();",
          "    }",
          "    return copy;",
          "  }",
          "}",
          "");

  /**
   * Coarsening changes when other threads may interleave, not what the code computes: run the
   * original and the patched ledger from four threads and compare the totals.
   */
  @Test
  void replacementComputesTheSameFromSeveralThreads() throws Exception {
    String patched = PatchMode.patchConverged("LockInLoop", "probe/Ledger.java", LEDGER);
    assertTrue(patched.contains("synchronized (this) {\n      for (long amount : amounts)"), patched);
    assertTrue(patched.contains("synchronized (this) {\n      for (int i = 0;"), patched);
    assertTrue(patched.contains("try {\n      for (long id : ids)"), patched);
    assertTrue(patched.contains("lock.lock();\n    for (int i = 0;"), patched);
    assertTrue(patched.contains("synchronized (this) {\n      while ((amount = pending.poll()) != null)"), patched);

    List<Long> before = run(LEDGER);
    List<Long> after = run(patched);
    // 64 postings a round; each round posts 1..64 and refunds 2..64, so the balance grows by 1;
    // each round tags 64 ids and untags the 63 it tagged last (Long objects, by value); the
    // threads drain a shared queue of 32,000 ones between them.
    assertEquals(List.of(4L * 1000 * 64 + 32_000, 4L * 1000 + 32_000, 4L * 1000), before);
    assertEquals(before, after);
  }

  /** 4 threads × 1,000 rounds of posting, refunding, tagging and untagging; what is left. */
  private static List<Long> run(String source) throws Exception {
    try (URLClassLoader loader = Probe.compile("probe/Ledger.java", source)) {
      Class<?> type = loader.loadClass("probe.Ledger");
      Object ledger = type.getConstructor().newInstance();
      var post = type.getMethod("post", long[].class);
      var refund = type.getMethod("refund", long[].class);
      var tag = type.getMethod("tag", long[].class);
      var untag = type.getMethod("untag", long[].class);
      var settle = type.getMethod("settle", java.util.Queue.class);
      java.util.Queue<Long> pending = new java.util.concurrent.ConcurrentLinkedQueue<>();
      for (int i = 0; i < 32_000; i++) {
        pending.add(1L);
      }
      long[] amounts = new long[64];
      long[] refunds = new long[63];
      for (int i = 0; i < amounts.length; i++) {
        amounts[i] = i + 1;
      }
      for (int i = 0; i < refunds.length; i++) {
        refunds[i] = i + 2;
      }
      Workers.run(
          Executors.newFixedThreadPool(4),
          4,
          () -> {
            for (int round = 0; round < 1000; round++) {
              post.invoke(ledger, (Object) amounts);
              refund.invoke(ledger, (Object) refunds);
              tag.invoke(ledger, (Object) amounts);
              untag.invoke(ledger, (Object) refunds);
              if (round % 100 == 0) {
                settle.invoke(ledger, pending);
              }
            }
            return null;
          });
      @SuppressWarnings("unchecked")
      List<Long> snapshot = (List<Long>) type.getMethod("snapshot").invoke(ledger);
      return snapshot;
    }
  }
}
