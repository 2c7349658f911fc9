package dev.slowpath.checks;

import static com.google.errorprone.BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.errorprone.BugCheckerRefactoringTestHelper;
import com.google.errorprone.CompilationTestHelper;
import java.lang.reflect.Method;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

final class ThreadPerItemTest {
  /** Below 21 there is no virtual thread to start: the finding names the shared pool instead. */
  private final CompilationTestHelper compilationHelper =
      CompilationTestHelper.newInstance(ThreadPerItem.class, getClass()).setArgs(List.of("--release", "17"));

  /** The virtual-thread fix needs {@code --release 21}, which only a JDK 21+ javac compiles for. */
  private static void assumeJavac21() {
    assumeTrue(Runtime.version().feature() >= 21, "javac before 21 cannot compile for Java 21");
  }

  private CompilationTestHelper on21() {
    assumeJavac21();
    return CompilationTestHelper.newInstance(ThreadPerItem.class, getClass()).setArgs(List.of("--release", "21"));
  }

  private BugCheckerRefactoringTestHelper refactoringOn(String release) {
    assumeTrue(Runtime.version().feature() >= Integer.parseInt(release), "javac cannot compile for Java " + release);
    return BugCheckerRefactoringTestHelper.newInstance(ThreadPerItem.class, getClass()).setArgs("--release", release);
  }

  @Test
  void identification() {
    compilationHelper
        .addSourceLines(
            "EchoServer.java",
            "import java.io.IOException;",
            "import java.net.ServerSocket;",
            "import java.net.Socket;",
            "import java.util.List;",
            "import java.util.concurrent.ExecutorService;",
            "import java.util.concurrent.Executors;",
            "import java.util.concurrent.TimeUnit;",
            "class EchoServer {",
            "  private volatile boolean running = true;",
            "  void serve(ServerSocket server) throws IOException {",
            "    while (running) {",
            "      Socket s = server.accept();",
            "      // BUG: Diagnostic contains: Submit the work to one bounded ExecutorService shared by the class",
            "      new Thread(() -> echo(s)).start();",
            "    }",
            "  }",
            "  void fetchAll(List<String> urls) throws InterruptedException {",
            "    for (String url : urls) {",
            "      Thread t = new Thread(() -> fetch(url), \"fetch \" + url);",
            "      // BUG: Diagnostic contains: A platform thread is started for each pass of this loop",
            "      t.start();",
            "      t.join();",
            "    }",
            "  }",
            "  void handleAll(List<Socket> sockets) {",
            "    for (Socket s : sockets) {",
            "      // BUG: Diagnostic contains: A platform thread is started for each pass",
            "      new Handler(s).start();",
            "    }",
            "  }",
            "  void checkAll(List<String> hosts) throws InterruptedException {",
            "    // BUG: Diagnostic contains: This thread pool is built for one call",
            "    ExecutorService pool = Executors.newFixedThreadPool(4);",
            "    hosts.forEach(h -> pool.submit(() -> fetch(h)));",
            "    pool.shutdown();",
            "    pool.awaitTermination(1, TimeUnit.MINUTES);",
            "  }",
            "  static final class Handler extends Thread {",
            "    private final Socket socket;",
            "    Handler(Socket socket) { this.socket = socket; }",
            "    @Override public void run() { echo(socket); }",
            "  }",
            "  static void echo(Socket s) {}",
            "  static void fetch(String url) {}",
            "}")
        .doTest();
  }

  /** The seed's When NOT, and the shapes that are not a thread per item. */
  @Test
  void identificationNegatives() {
    compilationHelper
        .addSourceLines(
            "Workers.java",
            "import java.util.List;",
            "import java.util.concurrent.BlockingQueue;",
            "import java.util.concurrent.ExecutorService;",
            "import java.util.concurrent.Executors;",
            "class Workers {",
            "  private final ExecutorService shared = Executors.newFixedThreadPool(4);",
            "  private final int workerCount = 8;",
            "  private volatile boolean running = true;",
            "  Workers() {",
            "    for (int i = 0; i < workerCount; i++) {",
            "      new Thread(this::work).start();", // start-up: a fixed set, once
            "    }",
            "  }",
            "  public void start() {",
            "    for (int i = 0; i < workerCount; i++) {",
            "      new Thread(this::work, \"worker-\" + i).start();",
            "    }",
            "  }",
            "  void grow(int more) {",
            "    for (int i = 0; i < more; i++) {",
            "      new Thread(() -> { while (running) { step(); } }).start();", // long-lived workers
            "    }",
            "  }",
            "  void twoSides() {",
            "    for (String side : List.of(\"left\", \"right\")) {", // a handful by construction
            "      new Thread(() -> System.out.println(side)).start();",
            "    }",
            "    for (int i = 0; i < 2; i++) {",
            "      new Thread(this::step).start();",
            "    }",
            "  }",
            "  void once(Runnable r) {",
            "    new Thread(r).start();", // not in a loop
            "  }",
            "  void sort(int[] a, int from, int to) {",
            "    for (int half = 0; half < 2 + to - from; half++) {",
            "      new Thread(() -> sort(a, from, to / 2)).start();", // recursive spawning
            "    }",
            "  }",
            "  public void close(List<Runnable> pending) {",
            "    for (Runnable r : pending) {",
            "      new Thread(r).start();", // teardown: once per object
            "    }",
            "  }",
            "  void submitAll(List<Runnable> jobs) {",
            "    jobs.forEach(shared::submit);", // a shared pool: the fix
            "  }",
            "  ExecutorService make() {",
            "    ExecutorService kept = Executors.newCachedThreadPool();", // kept past the call
            "    return kept;",
            "  }",
            "  void work() {}",
            "  void step() {}",
            "  static final class Listener extends Thread {",
            "    @Override public void run() {",
            "      ExecutorService acceptors = Executors.newFixedThreadPool(2);", // once per thread
            "      acceptors.submit(() -> {});",
            "      acceptors.shutdown();",
            "    }",
            "  }",
            "}")
        .addSourceLines(
            "WorkersTest.java",
            "import java.util.List;",
            "class WorkersTest {",
            "  @org.junit.jupiter.api.Test void concurrent() throws Exception {",
            "    for (int i = 0; i < 100; i++) {",
            "      new Thread(() -> {}).start();",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /**
   * Reduced from real code: a thread assigned inside a try and started per job, threads from a
   * ThreadFactory per accepted connection, a pool declared null and built inside a try, and a
   * pool built per call that nothing shuts down.
   */
  @Test
  void identificationShapesOfRealCode() {
    compilationHelper
        .addSourceLines(
            "Server.java",
            "import java.io.IOException;",
            "import java.net.ServerSocket;",
            "import java.net.Socket;",
            "import java.util.List;",
            "import java.util.concurrent.BlockingQueue;",
            "import java.util.concurrent.ExecutorService;",
            "import java.util.concurrent.Executors;",
            "import java.util.concurrent.ThreadFactory;",
            "import java.util.concurrent.TimeUnit;",
            "class Server {",
            "  private final ThreadFactory factory = Thread::new;",
            "  private volatile boolean running = true;",
            "  void jobs(BlockingQueue<Runnable> triggers) throws Exception {",
            "    while (running) {",
            "      Runnable job = triggers.take();",
            "      Thread worker = null;",
            "      try {",
            "        worker = new Thread(job);",
            "        // BUG: Diagnostic contains: A platform thread is started for each pass",
            "        worker.start();",
            "        worker.join(1000);",
            "      } finally {",
            "        if (worker != null) worker.interrupt();",
            "      }",
            "    }",
            "  }",
            "  void accept(ServerSocket server) throws IOException {",
            "    while (running) {",
            "      Socket client = server.accept();",
            "      Thread t = factory.newThread(() -> serve(client));",
            "      t.setDaemon(true);",
            "      // BUG: Diagnostic contains: A platform thread is started for each pass",
            "      t.start();",
            "    }",
            "  }",
            "  void acceptEither(ServerSocket server, ThreadFactory maybe) throws IOException {",
            "    while (running) {",
            "      Socket client = server.accept();",
            "      Thread t = maybe != null ? maybe.newThread(() -> serve(client)) : new Thread(() -> serve(client));",
            "      // BUG: Diagnostic contains: A platform thread is started for each pass",
            "      t.start();",
            "    }",
            "  }",
            "  void clear(List<Runnable> jobs) throws InterruptedException {",
            "    ExecutorService pool = null;",
            "    try {",
            "      // BUG: Diagnostic contains: This thread pool is built for one call",
            "      pool = Executors.newFixedThreadPool(jobs.size());",
            "      jobs.forEach(pool::execute);",
            "    } finally {",
            "      if (pool != null) {",
            "        pool.shutdown();",
            "        pool.awaitTermination(1, TimeUnit.MINUTES);",
            "      }",
            "    }",
            "  }",
            "  void leak(List<Runnable> jobs) {",
            "    // BUG: Diagnostic contains: built on every call and never shut down",
            "    ExecutorService pool = Executors.newFixedThreadPool(2);",
            "    for (Runnable job : jobs) pool.submit(job);",
            "  }",
            "  void serve(Socket s) {}",
            "}")
        .doTest();
  }

  /** A checker never throws: records, switch expressions, lambdas, anonymous classes and var. */
  @Test
  void identificationSurvivesModernSyntax() {
    compilationHelper
        .addSourceLines(
            "Modern.java",
            "import java.util.List;",
            "import java.util.concurrent.Executors;",
            "class Modern {",
            "  record Job(String name, Runnable body) {}",
            "  int kind(Object o) {",
            "    return switch (o.hashCode() % 3) { case 0 -> 1; default -> { yield o instanceof String s ? s.length() : 0; } };",
            "  }",
            "  void run(List<Job> jobs) throws Exception {",
            "    for (var job : jobs) {",
            "      var t = new Thread(job.body(), job.name());",
            "      // BUG: Diagnostic contains: ThreadPerItem",
            "      t.start();",
            "      Runnable r = new Runnable() { public void run() { new Thread(() -> {}).start(); } };",
            "      r.run();",
            "    }",
            "    // BUG: Diagnostic contains: built for one call",
            "    var pool = Executors.newCachedThreadPool();",
            "    try { jobs.forEach(j -> pool.execute(j.body())); } finally { pool.shutdown(); }",
            "  }",
            "}")
        .doTest();
  }

  // --- --release 21 and later: virtual threads. ---

  @Test
  void replacementStartsVirtualThreads() {
    refactoringOn("21")
        .addInputLines(
            "Crawler.java",
            "import java.util.ArrayList;",
            "import java.util.List;",
            "import java.util.concurrent.CountDownLatch;",
            "class Crawler {",
            "  void crawl(List<String> urls) throws InterruptedException {",
            "    CountDownLatch done = new CountDownLatch(urls.size());",
            "    for (String url : urls) {",
            "      new Thread(() -> { fetch(url); done.countDown(); }).start();",
            "    }",
            "    done.await();",
            "  }",
            "  void crawlNamed(List<String> urls) throws InterruptedException {",
            "    List<Thread> threads = new ArrayList<>();",
            "    for (String url : urls) {",
            "      Thread t = new Thread(() -> fetch(url), \"fetch \" + url);",
            "      t.setUncaughtExceptionHandler((th, e) -> {});",
            "      threads.add(t);",
            "      t.start();",
            "    }",
            "    for (Thread t : threads) {",
            "      t.join();",
            "    }",
            "  }",
            "  void fireAndForget(List<String> urls) {",
            "    for (String url : urls) {",
            "      Thread t = new Thread(() -> fetch(url));",
            "      t.setDaemon(true);",
            "      t.start();",
            "    }",
            "  }",
            "  void builder(List<String> urls) throws InterruptedException {",
            "    for (String url : urls) {",
            "      Thread.ofPlatform().name(\"fetch\").daemon(true).start(() -> fetch(url));",
            "    }",
            "  }",
            "  void fetch(String url) {}",
            "}")
        .addOutputLines(
            "Crawler.java",
            "import java.util.ArrayList;",
            "import java.util.List;",
            "import java.util.concurrent.CountDownLatch;",
            "class Crawler {",
            "  void crawl(List<String> urls) throws InterruptedException {",
            "    CountDownLatch done = new CountDownLatch(urls.size());",
            "    for (String url : urls) {",
            "      Thread.startVirtualThread(() -> { fetch(url); done.countDown(); });",
            "    }",
            "    done.await();",
            "  }",
            "  void crawlNamed(List<String> urls) throws InterruptedException {",
            "    List<Thread> threads = new ArrayList<>();",
            "    for (String url : urls) {",
            "      Thread t = Thread.ofVirtual().name(\"fetch \" + url).unstarted(() -> fetch(url));",
            "      t.setUncaughtExceptionHandler((th, e) -> {});",
            "      threads.add(t);",
            "      t.start();",
            "    }",
            "    for (Thread t : threads) {",
            "      t.join();",
            "    }",
            "  }",
            "  void fireAndForget(List<String> urls) {",
            "    for (String url : urls) {",
            "      Thread t = Thread.ofVirtual().unstarted(() -> fetch(url));",
            "      t.setDaemon(true);",
            "      t.start();",
            "    }",
            "  }",
            "  void builder(List<String> urls) throws InterruptedException {",
            "    for (String url : urls) {",
            "      Thread.ofVirtual().name(\"fetch\").start(() -> fetch(url));",
            "    }",
            "  }",
            "  void fetch(String url) {}",
            "}")
        .doTest(TEXT_MATCH);
  }

  @Test
  void replacementUsesAVirtualThreadPerTaskExecutor() {
    refactoringOn("21")
        .addInputLines(
            "Probe.java",
            "import java.util.ArrayList;",
            "import java.util.List;",
            "import java.util.concurrent.ExecutorService;",
            "import java.util.concurrent.Executors;",
            "import java.util.concurrent.Future;",
            "import java.util.concurrent.TimeUnit;",
            "class Probe {",
            "  int pingAll(List<String> hosts) throws Exception {",
            "    ExecutorService pool = Executors.newFixedThreadPool(hosts.size());",
            "    try {",
            "      List<Future<Integer>> replies = new ArrayList<>();",
            "      for (String host : hosts) {",
            "        replies.add(pool.submit(() -> host.length()));",
            "      }",
            "      int sum = 0;",
            "      for (Future<Integer> reply : replies) {",
            "        sum += reply.get();",
            "      }",
            "      return sum;",
            "    } finally {",
            "      pool.shutdown();",
            "    }",
            "  }",
            "  void notifyAll(List<Runnable> listeners) throws InterruptedException {",
            "    ExecutorService pool = Executors.newCachedThreadPool();",
            "    listeners.forEach(pool::execute);",
            "    pool.shutdown();",
            "    pool.awaitTermination(1, TimeUnit.SECONDS);",
            "  }",
            "}")
        .addOutputLines(
            "Probe.java",
            "import java.util.ArrayList;",
            "import java.util.List;",
            "import java.util.concurrent.ExecutorService;",
            "import java.util.concurrent.Executors;",
            "import java.util.concurrent.Future;",
            "import java.util.concurrent.TimeUnit;",
            "class Probe {",
            "  int pingAll(List<String> hosts) throws Exception {",
            "    ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();",
            "    try {",
            "      List<Future<Integer>> replies = new ArrayList<>();",
            "      for (String host : hosts) {",
            "        replies.add(pool.submit(() -> host.length()));",
            "      }",
            "      int sum = 0;",
            "      for (Future<Integer> reply : replies) {",
            "        sum += reply.get();",
            "      }",
            "      return sum;",
            "    } finally {",
            "      pool.shutdown();",
            "    }",
            "  }",
            "  void notifyAll(List<Runnable> listeners) throws InterruptedException {",
            "    ExecutorService pool = Executors.newCachedThreadPool();",
            "    listeners.forEach(pool::execute);",
            "    pool.shutdown();",
            "    pool.awaitTermination(1, TimeUnit.SECONDS);",
            "  }",
            "}")
        .doTest(TEXT_MATCH);
  }

  /** On 24 and later a task whose code is elsewhere no longer risks pinning: the fix applies. */
  @Test
  void replacementOn24CoversTasksFromElsewhere() {
    refactoringOn("24")
        .addInputLines(
            "Notifier.java",
            "import java.util.List;",
            "import java.util.concurrent.ExecutorService;",
            "import java.util.concurrent.Executors;",
            "import java.util.concurrent.TimeUnit;",
            "class Notifier {",
            "  void notifyAll(List<Runnable> listeners) throws InterruptedException {",
            "    ExecutorService pool = Executors.newCachedThreadPool();",
            "    listeners.forEach(pool::execute);",
            "    pool.shutdown();",
            "    pool.awaitTermination(1, TimeUnit.SECONDS);",
            "  }",
            "  void sync(List<Object> locks) throws InterruptedException {",
            "    for (Object lock : locks) {",
            "      Thread t = new Thread(() -> { synchronized (lock) { pause(); } });",
            "      t.start();",
            "      t.join();",
            "    }",
            "  }",
            "  static void pause() {",
            "    try { Thread.sleep(1); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }",
            "  }",
            "}")
        .addOutputLines(
            "Notifier.java",
            "import java.util.List;",
            "import java.util.concurrent.ExecutorService;",
            "import java.util.concurrent.Executors;",
            "import java.util.concurrent.TimeUnit;",
            "class Notifier {",
            "  void notifyAll(List<Runnable> listeners) throws InterruptedException {",
            "    ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();",
            "    listeners.forEach(pool::execute);",
            "    pool.shutdown();",
            "    pool.awaitTermination(1, TimeUnit.SECONDS);",
            "  }",
            "  void sync(List<Object> locks) throws InterruptedException {",
            "    for (Object lock : locks) {",
            "      Thread t = Thread.ofVirtual().unstarted(() -> { synchronized (lock) { pause(); } });",
            "      t.start();",
            "      t.join();",
            "    }",
            "  }",
            "  static void pause() {",
            "    try { Thread.sleep(1); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }",
            "  }",
            "}")
        .doTest(TEXT_MATCH);
  }

  /** Where the virtual thread would change what the program does, the finding has no fix and says why. */
  @Test
  void identificationWithoutFixOn21() {
    on21()
        .addSourceLines(
            "Server.java",
            "import java.net.ServerSocket;",
            "import java.net.Socket;",
            "import java.util.List;",
            "import java.util.concurrent.ExecutorService;",
            "import java.util.concurrent.Executors;",
            "import java.util.concurrent.TimeUnit;",
            "class Server {",
            "  private static final ThreadLocal<StringBuilder> BUFFER = ThreadLocal.withInitial(StringBuilder::new);",
            "  void serve(ServerSocket server) throws Exception {",
            "    while (true) {",
            "      Socket s = server.accept();",
            "      // BUG: Diagnostic contains: the JVM could exit before the work is done",
            "      new Thread(() -> handle(s)).start();",
            "    }",
            "  }",
            "  void format(List<String> items) throws InterruptedException {",
            "    for (String item : items) {",
            "      Thread t = new Thread(() -> BUFFER.get().append(item));",
            "      // BUG: Diagnostic contains: the task uses a ThreadLocal",
            "      t.start();",
            "      t.join();",
            "    }",
            "  }",
            "  void pinned(List<Object> locks) throws InterruptedException {",
            "    for (Object lock : locks) {",
            "      Thread t = new Thread(() -> { synchronized (lock) { pause(); } });",
            "      // BUG: Diagnostic contains: pins a virtual thread to its carrier on Java 21–23",
            "      t.start();",
            "      t.join();",
            "    }",
            "  }",
            "  void elsewhere(List<Runnable> jobs) throws InterruptedException {",
            "    for (Runnable job : jobs) {",
            "      Thread t = new Thread(job);",
            "      // BUG: Diagnostic contains: the task's code is not in this file",
            "      t.start();",
            "      t.join();",
            "    }",
            "  }",
            "  void urgent(List<String> items) throws InterruptedException {",
            "    for (String item : items) {",
            "      Thread t = new Thread(() -> handle(null));",
            "      t.setPriority(Thread.MAX_PRIORITY);",
            "      // BUG: Diagnostic contains: setPriority() means something else on a virtual thread",
            "      t.start();",
            "      t.join();",
            "    }",
            "  }",
            "  void bounded(List<String> hosts) throws InterruptedException {",
            "    // BUG: Diagnostic contains: the pool's size limits how many tasks run at once",
            "    ExecutorService pool = Executors.newFixedThreadPool(4);",
            "    for (String h : hosts) { pool.submit(() -> handle(null)); }",
            "    pool.shutdown();",
            "    pool.awaitTermination(1, TimeUnit.MINUTES);",
            "  }",
            "  void named(List<String> hosts) throws InterruptedException {",
            "    // BUG: Diagnostic contains: ThreadFactory names or configures its threads",
            "    ExecutorService pool = Executors.newCachedThreadPool(r -> new Thread(r, \"ping\"));",
            "    for (String h : hosts) { pool.submit(() -> handle(null)); }",
            "    pool.shutdown();",
            "    pool.awaitTermination(1, TimeUnit.MINUTES);",
            "  }",
            "  void notWaited(List<String> hosts) {",
            "    // BUG: Diagnostic contains: the method does not wait for the pool's work",
            "    ExecutorService pool = Executors.newCachedThreadPool();",
            "    for (String h : hosts) { pool.submit(() -> handle(null)); }",
            "    pool.shutdown();",
            "  }",
            "  void subclass(List<Socket> sockets) throws InterruptedException {",
            "    for (Socket s : sockets) {",
            "      Thread t = new Thread() { @Override public void run() { handle(s); } };",
            "      // BUG: Diagnostic contains: a subclass of Thread",
            "      t.start();",
            "      t.join();",
            "    }",
            "  }",
            "  static void handle(Socket s) {}",
            "  static void pause() {",
            "    try { Thread.sleep(1); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }",
            "  }",
            "}")
        .doTest();
  }

  /**
   * The fix replaces only the text around the task, so another check's fix inside the task's
   * lambda applies in the same patch run (overlapping replacements would lose the whole file).
   */
  @Test
  void replacementLeavesTheTaskToOtherChecks() {
    assumeJavac21();
    String source =
        String.join(
            "\n",
            "package probe;",
            "",
            "import java.util.List;",
            "",
            "public class Cleaner {",
            "  public void cleanAll(List<String> dirs) throws InterruptedException {",
            "    for (String dir : dirs) {",
            "      Thread t = new Thread(() -> {",
            "        System.out.println(dir);",
            "        System.gc();",
            "      }, \"clean \" + dir);",
            "      t.start();",
            "      t.join();",
            "    }",
            "  }",
            "}",
            "");
    String patched = PatchMode.patchConverged("ThreadPerItem,ExplicitGc", "probe/Cleaner.java", source, "--release", "21");
    assertEquals(
        String.join(
            "\n",
            "package probe;",
            "",
            "import java.util.List;",
            "",
            "public class Cleaner {",
            "  public void cleanAll(List<String> dirs) throws InterruptedException {",
            "    for (String dir : dirs) {",
            "      Thread t = Thread.ofVirtual().name(\"clean \" + dir).unstarted(() -> {",
            "        System.out.println(dir);",
            "      });",
            "      t.start();",
            "      t.join();",
            "    }",
            "  }",
            "}",
            ""),
        patched);
  }

  // --- Run the original and the patched code: the same work is done, and waited for. ---

  static final String CRAWLER =
      String.join(
          "\n",
          "package probe;",
          "",
          "import java.util.ArrayList;",
          "import java.util.List;",
          "import java.util.Map;",
          "import java.util.concurrent.ConcurrentHashMap;",
          "import java.util.concurrent.CountDownLatch;",
          "import java.util.concurrent.ExecutorService;",
          "import java.util.concurrent.Executors;",
          "import java.util.concurrent.Future;",
          "",
          "public class Crawler {",
          "  /** Every item's result, under the name of the thread that computed it. */",
          "  public Map<String, Integer> named(List<String> items) throws InterruptedException {",
          "    Map<String, Integer> seen = new ConcurrentHashMap<>();",
          "    List<Thread> threads = new ArrayList<>();",
          "    for (String item : items) {",
          "      Thread t = new Thread(() -> seen.put(Thread.currentThread().getName(), weigh(item)), \"w-\" + item);",
          "      threads.add(t);",
          "      t.start();",
          "    }",
          "    for (Thread t : threads) {",
          "      t.join();",
          "    }",
          "    return seen;",
          "  }",
          "",
          "  /** Waits on a latch: the sum is complete when it returns. */",
          "  public long latched(List<String> items) throws InterruptedException {",
          "    java.util.concurrent.atomic.AtomicLong sum = new java.util.concurrent.atomic.AtomicLong();",
          "    CountDownLatch done = new CountDownLatch(items.size());",
          "    for (String item : items) {",
          "      new Thread(() -> { sum.addAndGet(weigh(item)); done.countDown(); }).start();",
          "    }",
          "    done.await();",
          "    return sum.get();",
          "  }",
          "",
          "  /** A pool per call, one thread per item, its futures read in order. */",
          "  public List<Integer> pooled(List<String> items) throws Exception {",
          "    ExecutorService pool = Executors.newFixedThreadPool(items.size());",
          "    try {",
          "      List<Future<Integer>> futures = new ArrayList<>();",
          "      for (String item : items) {",
          "        futures.add(pool.submit(() -> weigh(item)));",
          "      }",
          "      List<Integer> weights = new ArrayList<>();",
          "      for (Future<Integer> f : futures) {",
          "        weights.add(f.get());",
          "      }",
          "      return weights;",
          "    } finally {",
          "      pool.shutdown();",
          "    }",
          "  }",
          "",
          "  /** An uncaught exception reaches the handler the code set. */",
          "  public List<String> failures(List<String> items) throws InterruptedException {",
          "    List<String> failed = java.util.Collections.synchronizedList(new ArrayList<>());",
          "    List<Thread> threads = new ArrayList<>();",
          "    for (String item : items) {",
          "      Thread t = new Thread(() -> { throw new IllegalStateException(item); });",
          "      t.setUncaughtExceptionHandler((thread, e) -> failed.add(e.getMessage()));",
          "      threads.add(t);",
          "      t.start();",
          "    }",
          "    for (Thread t : threads) {",
          "      t.join();",
          "    }",
          "    java.util.Collections.sort(failed);",
          "    return failed;",
          "  }",
          "",
          "  /** Which kinds of thread ran the tasks (Thread.isVirtual, read reflectively). */",
          "  public java.util.Set<String> kinds(List<String> items) throws Exception {",
          "    java.util.Set<String> kinds = ConcurrentHashMap.newKeySet();",
          "    List<Thread> threads = new ArrayList<>();",
          "    for (String item : items) {",
          "      Thread t = new Thread(() -> kinds.add(isVirtual(Thread.currentThread()) ? \"virtual\" : \"platform\"));",
          "      threads.add(t);",
          "      t.start();",
          "    }",
          "    for (Thread t : threads) {",
          "      t.join();",
          "    }",
          "    return new java.util.TreeSet<>(kinds);",
          "  }",
          "",
          "  static boolean isVirtual(Thread thread) {",
          "    try {",
          "      return (Boolean) Thread.class.getMethod(\"isVirtual\").invoke(thread);",
          "    } catch (ReflectiveOperationException e) {",
          "      return false;",
          "    }",
          "  }",
          "",
          "  static int weigh(String item) {",
          "    int h = 0;",
          "    for (int i = 0; i < 1000; i++) {",
          "      h = 31 * h + item.hashCode() + i;",
          "    }",
          "    return h;",
          "  }",
          "}",
          "");

  @Test
  void patchedCrawlerComputesWhatTheOriginalDid() throws Exception {
    assumeJavac21();
    String patched = PatchMode.patchConverged("ThreadPerItem", "probe/Crawler.java", CRAWLER, "--release", "21");
    assertTrue(
        patched.contains("Thread.ofVirtual().name(\"w-\" + item).unstarted(")
            && patched.contains("Thread.startVirtualThread(")
            && patched.contains("Executors.newVirtualThreadPerTaskExecutor()")
            && patched.contains("Thread.ofVirtual().unstarted(() -> { throw"),
        patched);
    List<String> original = behaviour(CRAWLER);
    List<String> rewritten = behaviour(patched);
    assertEquals(original.subList(1, original.size()), rewritten.subList(1, rewritten.size()));
    assertEquals("threads=[platform]", original.get(0));
    assertEquals("threads=[virtual]", rewritten.get(0));
    assertEquals(1 + 4 * 4, rewritten.size());
    assertTrue(rewritten.get(1).startsWith("named={w-a="), rewritten.get(1));
  }

  /**
   * Each method called from four threads at once, each with the same eight items; what each call
   * returned, in order. First: which kind of thread ran the tasks.
   */
  private static List<String> behaviour(String source) throws Exception {
    try (URLClassLoader loader = Probe.compile("probe/Crawler.java", source)) {
      Class<?> type = loader.loadClass("probe.Crawler");
      Object crawler = type.getConstructor().newInstance();
      List<String> seen = new ArrayList<>();
      seen.add("threads=" + type.getMethod("kinds", List.class).invoke(crawler, List.of("a", "b", "c")));
      for (String name : List.of("named", "latched", "pooled", "failures")) {
        Method method = type.getMethod(name, List.class);
        List<Object> results =
            Workers.run(
                Executors.newFixedThreadPool(4),
                4,
                () -> method.invoke(crawler, List.of("a", "b", "c", "d", "e", "f", "g", "h")));
        for (Object result : results) {
          seen.add(name + "=" + (result instanceof Map ? new TreeMap<>((Map<?, ?>) result) : result));
        }
      }
      return seen;
    }
  }
}
