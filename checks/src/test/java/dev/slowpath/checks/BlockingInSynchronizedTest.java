package dev.slowpath.checks;

import static com.google.errorprone.BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.errorprone.BugCheckerRefactoringTestHelper;
import com.google.errorprone.CompilationTestHelper;
import java.net.URLClassLoader;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

final class BlockingInSynchronizedTest {
  /**
   * The fix depends on the release compiled for (JEP 491 in 24): the tests compile for Java 17,
   * as the examples and benchmarks do, on both JDK legs.
   */
  private static final String RELEASE = "17";

  private final CompilationTestHelper compilationHelper =
      CompilationTestHelper.newInstance(BlockingInSynchronized.class, getClass())
          .setArgs(List.of("--release", RELEASE));
  private final BugCheckerRefactoringTestHelper refactoringHelper =
      BugCheckerRefactoringTestHelper.newInstance(BlockingInSynchronized.class, getClass())
          .setArgs("--release", RELEASE);

  /** The blocking calls the issue names, directly under a monitor. */
  @Test
  void identification() {
    compilationHelper
        .addSourceLines(
            "Gateway.java",
            "import java.io.InputStream;",
            "import java.io.Reader;",
            "import java.nio.ByteBuffer;",
            "import java.nio.channels.Selector;",
            "import java.nio.channels.SocketChannel;",
            "import java.util.concurrent.BlockingQueue;",
            "import java.util.concurrent.CountDownLatch;",
            "import java.util.concurrent.CyclicBarrier;",
            "import java.util.concurrent.Future;",
            "import java.util.concurrent.Semaphore;",
            "import java.util.concurrent.TimeUnit;",
            "class Gateway {",
            "  private final Object lock = new Object();",
            "  private int calls;",
            "  void call(Future<String> reply, BlockingQueue<String> queue, CountDownLatch ready,",
            "      Semaphore permits, CyclicBarrier barrier, Process process, Selector selector,",
            "      InputStream in, Reader reader, SocketChannel channel, Thread worker) throws Exception {",
            "    synchronized (lock) {",
            "      calls++;",
            "    }",
            "    // BUG: Diagnostic contains: held across Thread.sleep",
            "    synchronized (lock) { Thread.sleep(10); }",
            "    // BUG: Diagnostic contains: held across TimeUnit.sleep",
            "    synchronized (lock) { TimeUnit.MILLISECONDS.sleep(10); }",
            "    // BUG: Diagnostic contains: held across Thread.join",
            "    synchronized (lock) { worker.join(); }",
            "    // BUG: Diagnostic contains: held across Future.get",
            "    synchronized (lock) { reply.get(); }",
            "    // BUG: Diagnostic contains: held across BlockingQueue.take",
            "    synchronized (lock) { queue.take(); }",
            "    // BUG: Diagnostic contains: held across BlockingQueue.put",
            "    synchronized (lock) { queue.put(\"x\"); }",
            "    // BUG: Diagnostic contains: held across CountDownLatch.await",
            "    synchronized (lock) { ready.await(); }",
            "    // BUG: Diagnostic contains: held across Semaphore.acquire",
            "    synchronized (lock) { permits.acquire(); }",
            "    // BUG: Diagnostic contains: held across CyclicBarrier.await",
            "    synchronized (lock) { barrier.await(); }",
            "    // BUG: Diagnostic contains: held across Process.waitFor",
            "    synchronized (lock) { process.waitFor(); }",
            "    // BUG: Diagnostic contains: held across Selector.select",
            "    synchronized (lock) { selector.select(); }",
            "    // BUG: Diagnostic contains: held across InputStream.read",
            "    synchronized (lock) { in.read(); }",
            "    // BUG: Diagnostic contains: held across Reader.read",
            "    synchronized (lock) { reader.read(); }",
            "    // BUG: Diagnostic contains: held across SocketChannel.read",
            "    synchronized (lock) { channel.read(ByteBuffer.allocate(16)); }",
            "  }",
            "  // One finding per critical section and monitor: the other blocking calls are named in it.",
            "  synchronized void handshake(Process xauth, Thread reader) throws Exception {",
            "    // BUG: Diagnostic contains: held across Process.waitFor (and 2 more blocking calls in this section, lines 54, 55)",
            "    xauth.waitFor();",
            "    xauth.waitFor();",
            "    reader.join();",
            "  }",
            "  synchronized void retry() throws InterruptedException {",
            "    // BUG: Diagnostic contains: The monitor of `this` is held across Thread.sleep",
            "    Thread.sleep(100);",
            "  }",
            "  // Reduced from Commons IO's FileAlterationMonitor: stop() calls stop(long), which joins;",
            "  // the join is reported once, where it is made.",
            "  synchronized void stop() throws InterruptedException {",
            "    stop(100);",
            "  }",
            "  synchronized void stop(long wait) throws InterruptedException {",
            "    // BUG: Diagnostic contains: held across Thread.join",
            "    Thread.currentThread().join(wait);",
            "  }",
            "  static synchronized void backOff() throws InterruptedException {",
            "    // BUG: Diagnostic contains: The class's monitor is held across Thread.sleep",
            "    Thread.sleep(100);",
            "  }",
            "}")
        .doTest();
  }

  /** One level down: a same-file method that blocks, and a lambda or anonymous class run here. */
  @Test
  void identificationThroughHelpersAndCodeRunInPlace() {
    compilationHelper
        .addSourceLines(
            "Poller.java",
            "import java.util.concurrent.Callable;",
            "class Poller {",
            "  private final Object lock = new Object();",
            "  private static void sleepQuietly(long ms) {",
            "    try {",
            "      Thread.sleep(ms);",
            "    } catch (InterruptedException e) {",
            "      Thread.currentThread().interrupt();",
            "    }",
            "  }",
            "  private void log(String s) {}",
            "  void poll() throws Exception {",
            "    Runnable pause = () -> sleepQuietly(5);",
            "    Runnable nap = () -> {",
            "      try { Thread.sleep(5); } catch (InterruptedException e) { }",
            "    };",
            "    Callable<String> answer = new Callable<String>() {",
            "      @Override public String call() throws Exception { Thread.sleep(5); return \"\"; }",
            "    };",
            "    synchronized (lock) {",
            "      log(\"polling\");",
            "      // BUG: Diagnostic contains: held across sleepQuietly(…), which calls Thread.sleep",
            "      sleepQuietly(100);",
            "    }",
            "    synchronized (lock) {",
            "      // BUG: Diagnostic contains: held across nap.run(), which calls Thread.sleep",
            "      nap.run();",
            "    }",
            "    synchronized (lock) {",
            "      // BUG: Diagnostic contains: held across answer.call(), which calls Thread.sleep",
            "      answer.call();",
            "    }",
            "    synchronized (lock) {",
            "      // Only one level: pause.run() calls sleepQuietly, which sleeps.",
            "      pause.run();",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /** The When NOT, and code that is created under the monitor but runs elsewhere. */
  @Test
  void identificationSilent() {
    compilationHelper
        .addSourceLines(
            "Quiet.java",
            "import java.io.ByteArrayInputStream;",
            "import java.io.IOException;",
            "import java.io.InputStream;",
            "import java.io.StringReader;",
            "import java.util.concurrent.BlockingQueue;",
            "import java.util.concurrent.ExecutorService;",
            "class Quiet {",
            "  private final Object lock = new Object();",
            "  private final BlockingQueue<String> queue = new java.util.concurrent.LinkedBlockingQueue<>();",
            "  private boolean ready;",
            "  void awaitReady() throws InterruptedException {",
            "    synchronized (lock) {",
            "      while (!ready) {",
            "        lock.wait();", // wait() releases the monitor
            "      }",
            "    }",
            "  }",
            "  String next() throws InterruptedException {",
            "    synchronized (lock) {",
            "      if (!queue.isEmpty()) {",
            "        return queue.take();", // the size was checked under the same monitor
            "      }",
            "      return null;",
            "    }",
            "  }",
            "  void drain(java.util.List<String> into) throws InterruptedException {",
            "    synchronized (lock) {",
            "      while (queue.size() > 0) into.add(queue.take());",
            "    }",
            "  }",
            "  int fromMemory(byte[] bytes) throws IOException {",
            "    synchronized (lock) {",
            "      return new ByteArrayInputStream(bytes).read() + new StringReader(\"x\").read();",
            "    }",
            "  }",
            "  // Reduced from H2's SortedProperties: lines read back from a byte array, through wrappers.",
            "  synchronized int lines(byte[] bytes) throws IOException {",
            "    java.io.InputStreamReader reader = new java.io.InputStreamReader(new ByteArrayInputStream(bytes));",
            "    java.io.LineNumberReader lines = new java.io.LineNumberReader(reader);",
            "    int n = 0;",
            "    while (lines.readLine() != null) n++;",
            "    return n;",
            "  }",
            "  // Reduced from Ant's Execute: a helper reads what it is passed, here a string.",
            "  private static String firstLine(java.io.BufferedReader in) throws IOException {",
            "    return in.readLine();",
            "  }",
            "  static synchronized String environment(String text) throws IOException {",
            "    java.io.BufferedReader in = new java.io.BufferedReader(new StringReader(text));",
            "    return firstLine(in);",
            "  }",
            "  // Reduced from ActiveMQ's NIOSSLTransport: the channel was put in non-blocking mode.",
            "  private java.nio.channels.SocketChannel channel;",
            "  void connect(java.nio.channels.SocketChannel opened) throws IOException {",
            "    channel = opened;",
            "    channel.configureBlocking(false);",
            "  }",
            "  synchronized int secureRead(java.nio.ByteBuffer into) throws IOException {",
            "    return channel.read(into);",
            "  }",
            "  // Files: a short read that no lock swap would help (H2's FileChannel wrappers).",
            "  synchronized int fromFiles(java.nio.channels.FileChannel channel, java.nio.file.Path path) throws IOException {",
            "    try (java.io.BufferedReader reader = java.nio.file.Files.newBufferedReader(path);",
            "        java.io.FileInputStream in = new java.io.FileInputStream(path.toFile())) {",
            "      return channel.read(java.nio.ByteBuffer.allocate(8), 0L) + reader.read() + in.read();",
            "    }",
            "  }",
            "  void submit(ExecutorService pool) {",
            "    synchronized (lock) {",
            "      pool.execute(() -> {",
            "        try { Thread.sleep(10); } catch (InterruptedException e) { }",
            "      });",
            "      new Thread() {",
            "        @Override public void run() {",
            "          try { Thread.sleep(10); } catch (InterruptedException e) { }",
            "        }",
            "      }.start();",
            "    }",
            "  }",
            "  // Reduced from Commons Lang's BackgroundInitializer.isInitialized.",
            "  private java.util.concurrent.Future<String> future;",
            "  synchronized boolean isInitialized() {",
            "    if (future == null || !future.isDone()) {",
            "      return false;",
            "    }",
            "    try {",
            "      future.get();",
            "      return true;",
            "    } catch (Exception e) {",
            "      return false;",
            "    }",
            "  }",
            "  synchronized String resultIfDone() throws Exception {",
            "    return future.isDone() ? future.get() : null;",
            "  }",
            "  void sleepAfter() throws InterruptedException {",
            "    synchronized (lock) {",
            "      ready = true;",
            "    }",
            "    Thread.sleep(10);",
            "  }",
            "  void alien(Runnable action) {",
            "    synchronized (lock) {",
            "      action.run();", // unknown code: not this check's business
            "    }",
            "  }",
            "  /** A stream that makes reads safe to share the way java.io does: under its own lock. */",
            "  static final class SharedStream extends InputStream {",
            "    private final InputStream in;",
            "    SharedStream(InputStream in) { this.in = in; }",
            "    @Override public synchronized int read() throws IOException { return in.read(); }",
            "  }",
            "  static final class SharedReader extends java.io.Reader {",
            "    private final java.io.Reader in;",
            "    SharedReader(java.io.Reader in) { this.in = in; }",
            "    @Override public int read(char[] b, int off, int len) throws IOException {",
            "      synchronized (lock) { return in.read(b, off, len); }",
            "    }",
            "    @Override public void close() {}",
            "  }",
            "}")
        .doTest();
  }

  /**
   * Reduced from a group-communication retransmitter, an SSH channel stream and a messaging
   * client: a static sleep helper of another class, a timed queue poll, and a wait on a second
   * monitor while the first stays held.
   */
  @Test
  void identificationSleepHelpersTimedPollsAndWaitsOnASecondMonitor() {
    compilationHelper
        .addSourceLines(
            "util/Util.java",
            "package util;",
            "public final class Util {",
            "  public static void sleep(long millis) {",
            "    try { Thread.sleep(millis); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }",
            "  }",
            "  public static boolean sleepUninterruptibly(long amount, java.util.concurrent.TimeUnit unit) { return true; }",
            "  public static void sleeper(String name) {}",
            "  public static long sleepTime() { return 1; }",
            "}")
        .addSourceLines(
            "Retransmitter.java",
            "import java.util.concurrent.BlockingQueue;",
            "import java.util.concurrent.TimeUnit;",
            "class Retransmitter {",
            "  private final Object bufferLock = new Object();",
            "  private boolean flushing;",
            "  synchronized void resend(BlockingQueue<String> queue) throws InterruptedException {",
            "    // BUG: Diagnostic contains: held across BlockingQueue.poll",
            "    String next = queue.poll(1000, TimeUnit.MILLISECONDS);",
            "    util.Util.sleep(1000);",
            "  }",
            "  synchronized void backOff() {",
            "    // BUG: Diagnostic contains: held across Util.sleep (a sleep helper)",
            "    util.Util.sleep(1000);",
            "  }",
            "  synchronized void backOffUnits() {",
            "    // BUG: Diagnostic contains: held across Util.sleepUninterruptibly (a sleep helper)",
            "    util.Util.sleepUninterruptibly(1, TimeUnit.SECONDS);",
            "  }",
            "  // A user-group runner in the style of Hadoop's UserGroupInformation.doAs: the action runs here.",
            "  static final class Ugi {",
            "    <T> T doAs(java.security.PrivilegedExceptionAction<T> action) throws Exception { return action.run(); }",
            "  }",
            "  synchronized void relogin(Ugi ugi) throws Exception {",
            "    // BUG: Diagnostic contains: held across doAs(…) (it runs its action here), which calls Thread.sleep",
            "    ugi.doAs(new java.security.PrivilegedExceptionAction<Void>() {",
            "      @Override public Void run() throws Exception { Thread.sleep(100); return null; }",
            "    });",
            "  }",
            "  synchronized void privileged(Ugi ugi) throws Exception {",
            "    ugi.doAs(() -> null);",
            "  }",
            "  synchronized void notSleeping(BlockingQueue<String> queue) {",
            "    util.Util.sleeper(\"x\");",
            "    long t = util.Util.sleepTime();",
            "    queue.poll();",
            "    queue.offer(\"x\");",
            "  }",
            "  synchronized void write() throws InterruptedException {",
            "    synchronized (bufferLock) {",
            "      while (flushing) {",
            "        // BUG: Diagnostic contains: Object.wait on `bufferLock`, which releases only that monitor",
            "        bufferLock.wait(100);",
            "      }",
            "    }",
            "  }",
            "  void waitOwn() throws InterruptedException {",
            "    synchronized (bufferLock) {",
            "      while (flushing) bufferLock.wait();", // releases the only monitor held
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /**
   * Reduced from a protocol client that buffers each reply and hands it back as an {@code
   * InputStream}, and a cache that keeps content in memory: the stream's static type is {@code
   * InputStream}, but every value this file gives it is in memory. Nothing waits for a peer.
   */
  @Test
  void identificationSilentForStreamsOverBytesAlreadyInMemory() {
    compilationHelper
        .addSourceLines(
            "Reply.java",
            "import java.io.ByteArrayInputStream;",
            "import java.io.IOException;",
            "import java.io.InputStream;",
            "class Reply {",
            "  private byte[] body = new byte[0];",
            "  private InputStream cached;",
            "  private InputStream live;",
            "  private final java.net.Socket socket = new java.net.Socket();",
            "  private InputStream bodyStream() {",
            "    if (body == null) {",
            "      return null;",
            "    }",
            "    return new ByteArrayInputStream(body);",
            "  }",
            "  void cache(byte[] content) {",
            "    cached = new ByteArrayInputStream(content);",
            "  }",
            "  void connect() throws IOException {",
            "    live = socket.getInputStream();",
            "  }",
            "  public InputStream overridable() {",
            "    return new ByteArrayInputStream(body);",
            "  }",
            "  synchronized int firstByte() throws IOException {",
            "    InputStream in = bodyStream();",
            "    return in.read() + cached.read();",
            "  }",
            "  synchronized int fromThePeer() throws IOException {",
            "    // BUG: Diagnostic contains: held across InputStream.read",
            "    return live.read();",
            "  }",
            "  synchronized int fromASubclass() throws IOException {",
            "    // BUG: Diagnostic contains: held across InputStream.read",
            "    return overridable().read();",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void identificationSilentInTests() {
    compilationHelper
        .addSourceLines(
            "src/test/java/WaitTest.java",
            "class WaitTest {",
            "  private final Object lock = new Object();",
            "  void settle() throws InterruptedException {",
            "    synchronized (lock) {",
            "      Thread.sleep(50);",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /** The stall is reported; the ReentrantLock fix only where the monitor is a private lock object. */
  @Test
  void identificationReportsWithoutFixWhereTheMonitorIsNotAPrivateLockObject() {
    compilationHelper
        .addSourceLines(
            "Shared.java",
            "import java.io.Serializable;",
            "import java.util.List;",
            "class Shared {",
            "  final Object visible = new Object();",
            "  private final Object signalled = new Object();",
            "  private final Object handedOut = new Object();",
            "  private final List<String> names = new java.util.ArrayList<>();",
            "  private final Object local = new Object();",
            "  void a() throws InterruptedException {",
            "    // BUG: Diagnostic matches: THIS",
            "    synchronized (this) { Thread.sleep(1); }",
            "    // BUG: Diagnostic matches: CLASS",
            "    synchronized (Shared.class) { Thread.sleep(1); }",
            "    // BUG: Diagnostic matches: NOT_PRIVATE",
            "    synchronized (visible) { Thread.sleep(1); }",
            "    // BUG: Diagnostic matches: USED",
            "    synchronized (signalled) { Thread.sleep(1); }",
            "    // BUG: Diagnostic matches: USED",
            "    synchronized (handedOut) { Thread.sleep(1); }",
            "    // BUG: Diagnostic matches: NOT_OBJECT",
            "    synchronized (names) { Thread.sleep(1); }",
            "    if (names.isEmpty())",
            "      // BUG: Diagnostic matches: LAYOUT",
            "      synchronized (local) { Thread.sleep(1); }",
            "  }",
            "  void b() {",
            "    synchronized (signalled) { signalled.notifyAll(); }",
            "    register(handedOut);",
            "  }",
            "  void register(Object o) {}",
            "  static final class Saved implements Serializable {",
            "    private final Object serialized = new Object();",
            "    private final transient Object notSerialized = new Object();",
            "    void save() throws InterruptedException {",
            "      // BUG: Diagnostic matches: SERIALIZED",
            "      synchronized (serialized) { Thread.sleep(1); }",
            "      // BUG: Diagnostic contains: Did you mean",
            "      synchronized (notSerialized) { Thread.sleep(1); }",
            "    }",
            "  }",
            "}")
        .expectErrorMessage("THIS", noFixBecause("the monitor is `this`"))
        .expectErrorMessage("CLASS", noFixBecause("a Class object"))
        .expectErrorMessage("NOT_PRIVATE", noFixBecause("not a private final lock field"))
        .expectErrorMessage("USED", noFixBecause("used for more than `synchronized`"))
        .expectErrorMessage("NOT_OBJECT", noFixBecause("is not declared as a plain `new Object()`"))
        .expectErrorMessage("SERIALIZED", noFixBecause("serialized form"))
        .expectErrorMessage("LAYOUT", noFixBecause("not laid out"))
        .doTest();
  }

  private static java.util.function.Predicate<String> noFixBecause(String reason) {
    return message -> message.contains(reason) && message.contains("no automatic fix") && !message.contains("Did you mean");
  }

  /** From Java 24 (JEP 491) a blocked virtual thread unmounts: the stall only, no rewrite. */
  @Test
  void identificationOnJava24ReportsTheStallOnly() {
    assumeTrue(Runtime.version().feature() >= 24, "javac before 24 cannot compile for Java 24");
    CompilationTestHelper.newInstance(BlockingInSynchronized.class, getClass())
        .setArgs(List.of("--release", "24"))
        .addSourceLines(
            "Late.java",
            "class Late {",
            "  private final Object lock = new Object();",
            "  void pause() throws InterruptedException {",
            "    synchronized (lock) {",
            "      // BUG: Diagnostic matches: STALL_ONLY",
            "      Thread.sleep(1);",
            "    }",
            "  }",
            "}")
        .expectErrorMessage(
            "STALL_ONLY",
            m -> m.contains("every other thread that wants it waits")
                && m.contains("no longer pins")
                && !m.contains("Did you mean"))
        .doTest();
  }

  /** Records, switch expressions, generics, lambdas, var, local and nested classes: no crash. */
  @Test
  void identificationOnModernTrees() {
    compilationHelper
        .addSourceLines(
            "Modern.java",
            "import java.util.List;",
            "import java.util.function.Supplier;",
            "class Modern<T> {",
            "  record Job(String name, long delay) {}",
            "  private final Object lock = new Object();",
            "  <U extends T> int run(List<U> items, Object o) throws InterruptedException {",
            "    synchronized (lock) {",
            "      var total = switch (items.size()) { case 0 -> 0; default -> items.size(); };",
            "      int[] copy = new int[] {total}.clone();", // an array's clone(): no ClassSymbol owner (Ant)
            "      String[] names = items.stream().map(String::valueOf).toArray(String[]::new);",
            "      Supplier<Integer> later = () -> total;",
            "      if (o instanceof Job job) {",
            "        // BUG: Diagnostic contains: BlockingInSynchronized",
            "        Thread.sleep(job.delay());",
            "      }",
            "      class Local { synchronized void nap() throws InterruptedException {",
            "        // BUG: Diagnostic contains: BlockingInSynchronized",
            "        Thread.sleep(1); } }",
            "      new Local();",
            "      return later.get();",
            "    }",
            "  }",
            "  static final class Nested {",
            "    private final Object gate = new Object();",
            "    void pass() throws InterruptedException {",
            "      synchronized (gate) { gate.wait(); }",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void replacement() {
    refactoringHelper
        .addInputLines(
            "Cache.java",
            "import java.util.HashMap;",
            "import java.util.Map;",
            "",
            "class Cache {",
            "  private final Object lock = new Object();",
            "  private static final Object REFRESH = new Object();",
            "  private final Map<String, String> entries = new HashMap<>();",
            "",
            "  String get(String key) throws InterruptedException {",
            "    synchronized (lock) {",
            "      String value = entries.get(key);",
            "      if (value == null) {",
            "        Thread.sleep(5);",
            "        value = key.toUpperCase();",
            "        entries.put(key, value);",
            "      }",
            "      return value;",
            "    }",
            "  }",
            "",
            "  int size() {",
            "    assert !Thread.holdsLock(lock);",
            "    synchronized (this.lock) { return entries.size(); }",
            "  }",
            "",
            "  static void refresh() throws InterruptedException {",
            "    synchronized (REFRESH) {",
            "        Thread.sleep(1);",
            "    }",
            "  }",
            "}")
        .addOutputLines(
            "Cache.java",
            "import java.util.HashMap;",
            "import java.util.Map;",
            "import java.util.concurrent.locks.ReentrantLock;",
            "",
            "class Cache {",
            "  private final ReentrantLock lock = new ReentrantLock();",
            "  private static final ReentrantLock REFRESH = new ReentrantLock();",
            "  private final Map<String, String> entries = new HashMap<>();",
            "",
            "  String get(String key) throws InterruptedException {",
            "    lock.lock();",
            "    try {",
            "      String value = entries.get(key);",
            "      if (value == null) {",
            "        Thread.sleep(5);",
            "        value = key.toUpperCase();",
            "        entries.put(key, value);",
            "      }",
            "      return value;",
            "    } finally {",
            "      lock.unlock();",
            "    }",
            "  }",
            "",
            "  int size() {",
            "    assert !lock.isHeldByCurrentThread();",
            "    this.lock.lock();",
            "    try { return entries.size(); } finally { this.lock.unlock(); }",
            "  }",
            "",
            "  static void refresh() throws InterruptedException {",
            "    REFRESH.lock();",
            "    try {",
            "        Thread.sleep(1);",
            "    } finally {",
            "        REFRESH.unlock();",
            "    }",
            "  }",
            "}")
        .doTest(TEXT_MATCH);
  }

  /**
   * One lock that guards a counter, a loop of updates and a sleep: BlockingInSynchronized rewrites
   * every region on it; CounterUnderLock and LockInLoop leave that lock alone, before and after, so
   * one patch run with all of them converges and nothing overlaps.
   */
  @Test
  void replacementTogetherWithTheOtherLockChecksConverges() {
    String patched =
        PatchMode.patchConverged(
            "BlockingInSynchronized,CounterUnderLock,LockInLoop",
            "com/acme/Stock.java",
            String.join(
                "\n",
                "package com.acme;",
                "",
                "import java.util.ArrayList;",
                "import java.util.List;",
                "",
                "class Stock {",
                "  private final Object lock = new Object();",
                "  private final List<String> items = new ArrayList<>();",
                "  private long restocks;",
                "",
                "  void restock(List<String> delivered) throws InterruptedException {",
                "    for (String item : delivered) {",
                "      synchronized (lock) {",
                "        items.add(item);",
                "      }",
                "    }",
                "    synchronized (lock) {",
                "      restocks++;",
                "    }",
                "    synchronized (lock) {",
                "      Thread.sleep(1);",
                "    }",
                "  }",
                "}",
                ""),
            "--release",
            RELEASE);
    assertEquals(
        String.join(
            "\n",
            "package com.acme;",
            "",
            "import java.util.ArrayList;",
            "import java.util.List;",
            "import java.util.concurrent.locks.ReentrantLock;",
            "",
            "class Stock {",
            "  private final ReentrantLock lock = new ReentrantLock();",
            "  private final List<String> items = new ArrayList<>();",
            "  private long restocks;",
            "",
            "  void restock(List<String> delivered) throws InterruptedException {",
            "    for (String item : delivered) {",
            "      lock.lock();",
            "      try {",
            "        items.add(item);",
            "      } finally {",
            "        lock.unlock();",
            "      }",
            "    }",
            "    lock.lock();",
            "    try {",
            "      restocks++;",
            "    } finally {",
            "      lock.unlock();",
            "    }",
            "    lock.lock();",
            "    try {",
            "      Thread.sleep(1);",
            "    } finally {",
            "      lock.unlock();",
            "    }",
            "  }",
            "}",
            ""),
        patched);
  }

  private static final String INVENTORY =
      String.join(
          "\n",
          "package probe;",
          "",
          "import java.util.ArrayList;",
          "import java.util.List;",
          "",
          "public class Inventory {",
          "  private final Object lock = new Object();",
          "  private final List<String> log = new ArrayList<>();",
          "  private int inside;",
          "  private int overlaps;",
          "  private long stock;",
          "",
          "  public void restock(long amount) throws InterruptedException {",
          "    synchronized (lock) {",
          "      if (++inside > 1) {",
          "        overlaps++;",
          "      }",
          "      stock += amount;",
          "      log.add(\"restock \" + amount);",
          "      if (amount % 16 == 0) {",
          "        Thread.sleep(1);",
          "      }",
          "      inside--;",
          "    }",
          "  }",
          "",
          "  public boolean take(long amount) {",
          "    synchronized (lock) {",
          "      if (++inside > 1) {",
          "        overlaps++;",
          "      }",
          "      try {",
          "        if (stock < amount) {",
          "          return false;",
          "        }",
          "        stock -= amount;",
          "        log.add(\"take \" + amount);",
          "        return Thread.holdsLock(lock);",
          "      } finally {",
          "        inside--;",
          "      }",
          "    }",
          "  }",
          "",
          "  public List<Long> summary() {",
          "    synchronized (lock) {",
          "      return List.of(stock, (long) log.size(), (long) overlaps, Thread.holdsLock(lock) ? 1L : 0L);",
          "    }",
          "  }",
          "}",
          "");

  /**
   * The rewrite swaps one lock for another: run the original and the patched inventory from four
   * threads (and from virtual threads, where the JDK has them) and compare what they compute. A
   * copy with no locking at all shows that the detector sees a broken mutual exclusion.
   */
  @Test
  void replacementKeepsMutualExclusionFromSeveralThreads() throws Exception {
    String patched = PatchMode.patchConverged("BlockingInSynchronized", "probe/Inventory.java", INVENTORY, "--release", RELEASE);
    assertTrue(patched.contains("private final ReentrantLock lock = new ReentrantLock();"), patched);
    assertTrue(patched.contains("return lock.isHeldByCurrentThread();"), patched);
    assertTrue(!patched.contains("synchronized"), patched);

    // 4 workers x 200 rounds: restock i, then take i; every take succeeds, stock ends at 0.
    List<Long> expected = List.of(0L, 2L * 4 * 200, 0L, 1L);
    assertEquals(expected, run(INVENTORY, false));
    assertEquals(expected, run(patched, false));
    if (Runtime.version().feature() >= 21) {
      assertEquals(expected, run(INVENTORY, true));
      assertEquals(expected, run(patched, true));
    }
    String unlocked = INVENTORY.replace("synchronized (lock) {", "{").replace("Thread.holdsLock(lock)", "true");
    assertTrue(breaks(unlocked, expected), "with no lock at all the run still computed " + expected);
  }

  /** Whether a run fails, or computes something other than {@code expected}. */
  private static boolean breaks(String source, List<Long> expected) throws Exception {
    try {
      return !run(source, false).equals(expected);
    } catch (java.util.concurrent.ExecutionException e) {
      return true;
    }
  }

  private static List<Long> run(String source, boolean virtualThreads) throws Exception {
    try (URLClassLoader loader = Probe.compile("probe/Inventory.java", source)) {
      Class<?> type = loader.loadClass("probe.Inventory");
      Object inventory = type.getConstructor().newInstance();
      var restock = type.getMethod("restock", long.class);
      var take = type.getMethod("take", long.class);
      ExecutorService pool =
          virtualThreads
              ? (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null)
              : Executors.newFixedThreadPool(4);
      Workers.run(
          pool,
          4,
          () -> {
            for (long round = 1; round <= 200; round++) {
              restock.invoke(inventory, round);
              if (!(Boolean) take.invoke(inventory, round)) {
                throw new AssertionError("take " + round + " failed");
              }
            }
            return null;
          });
      @SuppressWarnings("unchecked")
      List<Long> summary = (List<Long>) type.getMethod("summary").invoke(inventory);
      return summary;
    }
  }
}
