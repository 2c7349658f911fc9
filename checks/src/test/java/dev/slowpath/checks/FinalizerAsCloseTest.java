package dev.slowpath.checks;

import static com.google.errorprone.BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.errorprone.BugCheckerRefactoringTestHelper;
import com.google.errorprone.CompilationTestHelper;
import java.lang.reflect.Method;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

final class FinalizerAsCloseTest {
  /** Without javac's own [removal] warning on finalize() (JDK 18+), which has no line to expect. */
  private final CompilationTestHelper compilationHelper =
      CompilationTestHelper.newInstance(FinalizerAsClose.class, getClass()).setArgs(List.of("-Xlint:-removal"));
  private final BugCheckerRefactoringTestHelper refactoringHelper =
      BugCheckerRefactoringTestHelper.newInstance(FinalizerAsClose.class, getClass());

  @Test
  void identification() {
    compilationHelper
        .addSourceLines(
            "Spool.java",
            "import java.io.IOException;",
            "import java.io.OutputStream;",
            "import java.nio.channels.FileChannel;",
            "class Spool {",
            "  private final OutputStream out;",
            "  private FileChannel channel;",
            "  Spool(OutputStream out) { this.out = out; }",
            "  // BUG: Diagnostic contains: This finalize() releases a resource",
            "  @Override protected void finalize() throws Throwable {",
            "    try {",
            "      out.close();",
            "    } finally {",
            "      super.finalize();",
            "    }",
            "  }",
            "  static final class Handle {",
            "    private long address;",
            "    // BUG: Diagnostic contains: does more than close private final Closeable fields",
            "    @Override protected void finalize() { freeMemory(address); }",
            "    static void freeMemory(long address) {}",
            "  }",
            "  Object leaky() {",
            "    return new Object() {",
            "      // BUG: Diagnostic contains: an anonymous class",
            "      @Override protected void finalize() throws IOException { channel.close(); }",
            "    };",
            "  }",
            "}")
        .addSourceLines(
            "Worker.java",
            "// Reduced from libraries whose finalizers stop a worker or go through a cleanup helper.",
            "class Worker {",
            "  private Thread thread;",
            "  private java.net.Socket socket;",
            "  void stop() { thread.interrupt(); }",
            "  // BUG: Diagnostic contains: This finalize() releases a resource",
            "  @Override protected void finalize() { stop(); }",
            "  static final class Session {",
            "    private java.net.Socket socket;",
            "    private void cleanup() {",
            "      try { socket.close(); } catch (java.io.IOException ignored) { }",
            "    }",
            "    // BUG: Diagnostic contains: This finalize() releases a resource",
            "    @Override protected void finalize() { cleanup(); }",
            "  }",
            "  static final class Native {",
            "    static native void terminate(long handle);",
            "    private long handle;",
            "    // BUG: Diagnostic contains: This finalize() releases a resource",
            "    @Override protected void finalize() { terminate(handle); }",
            "  }",
            "  static final class Inflater {",
            "    private long stream;",
            "    private static native void end(long stream);",
            "    private void close(boolean flush) { end(stream); }",
            "    // BUG: Diagnostic contains: This finalize() releases a resource",
            "    @Override protected void finalize() { closeStream(); }",
            "    private void closeStream() { close(false); }",
            "  }",
            "  static final class EventLog {",
            "    private int handle;",
            "    private static native void deregisterEventSource(int handle);",
            "    // BUG: Diagnostic contains: This finalize() releases a resource",
            "    @Override protected void finalize() { deregisterEventSource(handle); }",
            "  }",
            "  static final class Table {",
            "    private Session model;",
            "    // BUG: Diagnostic contains: This finalize() releases a resource",
            "    @Override protected void finalize() { model.finalize(); }",
            "  }",
            "  static final class Counts {",
            "    private int live;",
            "    private void forget() { live--; }",
            "    @Override protected void finalize() { forget(); }", // a helper that releases nothing
            "  }",
            "}")
        .doTest();
  }

  @Test
  void identificationNegatives() {
    compilationHelper
        .addSourceLines(
            "Counted.java",
            "import java.util.concurrent.atomic.AtomicInteger;",
            "class Counted {",
            "  static final AtomicInteger LIVE = new AtomicInteger();",
            "  @Override protected void finalize() { LIVE.decrementAndGet(); }", // counts only
            "  static final class Logged {",
            "    @Override protected void finalize() { System.err.println(\"collected\"); }", // logs only
            "  }",
            // Reduced from a client library's resources (issue 21's recall corpus): a leak warning
            // that names its class; getClass() and identityHashCode() are native, but the JDK's.
            "  static final class Warned {",
            "    private volatile boolean shutdownCalled;",
            "    @Override protected void finalize() {",
            "      if (!shutdownCalled) {",
            "        System.err.println(getClass().getName() + '@' + System.identityHashCode(this) + \" was not shut down\");",
            "      }",
            "    }",
            "  }",
            "  static final class Chained extends Counted {",
            "    @Override protected void finalize() { super.finalize(); }", // chains only
            "  }",
            "  static final class NotTheFinalizer {",
            "    void finalize(java.io.Closeable c) throws java.io.IOException { c.close(); }", // an overload
            "  }",
            "}")
        .addSourceLines(
            "CountedTest.java",
            "class CountedTest {",
            "  private final java.io.InputStream in = null;",
            "  @org.junit.jupiter.api.Test void leaks() {}",
            "  @Override protected void finalize() throws Throwable { in.close(); }",
            "}")
        .doTest();
  }

  /** The action method the fix adds, and the class's closing brace. */
  private static final String[] CLOSE_ON_CLEANUP = {
    "  /** What a Cleaner runs if the object is never closed: it holds the resources, not the object. */",
    "  private static Runnable closeOnCleanup(Closeable... resources) {",
    "    return () -> {",
    "      for (Closeable resource : resources) {",
    "        try {",
    "          if (resource != null) {",
    "            resource.close();",
    "          }",
    "        } catch (IOException e) {",
    "          // as in a finalizer, a failed release has no caller to report to",
    "        }",
    "      }",
    "    };",
    "  }",
    "}"
  };

  private static String[] lines(Object... parts) {
    List<String> all = new ArrayList<>();
    for (Object part : parts) {
      if (part instanceof String[]) {
        all.addAll(List.of((String[]) part));
      } else {
        all.add((String) part);
      }
    }
    return all.toArray(new String[0]);
  }

  @Test
  void replacementMovesTheReleaseIntoClose() {
    refactoringHelper
        .addInputLines(
            "Spool.java",
            "import java.io.OutputStream;",
            "",
            "class Spool {",
            "  private final OutputStream out;",
            "",
            "  Spool(OutputStream out) {",
            "    this.out = out;",
            "  }",
            "",
            "  void write(int b) throws java.io.IOException {",
            "    out.write(b);",
            "  }",
            "",
            "  /** Closes the stream when the spool is collected. */",
            "  @Override",
            "  protected void finalize() throws Throwable {",
            "    try {",
            "      if (out != null) {",
            "        out.close();",
            "      }",
            "    } finally {",
            "      super.finalize();",
            "    }",
            "  }",
            "}")
        .addOutputLines(
            "Spool.java",
            lines(
            "import java.io.Closeable;",
            "import java.io.IOException;",
            "import java.io.OutputStream;",
            "import java.lang.ref.Cleaner;",
            "",
            "class Spool implements AutoCloseable {",
            "  private final OutputStream out;",
            "  private static final Cleaner CLEANER = Cleaner.create();",
            "",
            "  Spool(OutputStream out) {",
            "    this.out = out;",
            "    CLEANER.register(this, closeOnCleanup(out));",
            "  }",
            "",
            "  void write(int b) throws java.io.IOException {",
            "    out.write(b);",
            "  }",
            "",
            "  @Override",
            "  public void close() throws IOException {",
            "    if (out != null) {",
            "      out.close();",
            "    }",
            "  }",
            "",
            CLOSE_ON_CLEANUP))
        .doTest(TEXT_MATCH);
  }

  @Test
  void replacementKeepsCloseAndRegistersACleaner() {
    refactoringHelper
        .addInputLines(
            "Archive.java",
            "import java.io.IOException;",
            "import java.io.InputStream;",
            "",
            "final class Archive implements AutoCloseable {",
            "  private final InputStream index = InputStream.nullInputStream();",
            "  private final InputStream data = InputStream.nullInputStream();",
            "",
            "  @Override",
            "  public void close() throws IOException {",
            "    index.close();",
            "    data.close();",
            "  }",
            "",
            "  @Override",
            "  protected void finalize() throws Throwable {",
            "    close();",
            "  }",
            "}")
        .addOutputLines(
            "Archive.java",
            lines(
            "import java.io.Closeable;",
            "import java.io.IOException;",
            "import java.io.InputStream;",
            "import java.lang.ref.Cleaner;",
            "",
            "final class Archive implements AutoCloseable {",
            "  private final InputStream index = InputStream.nullInputStream();",
            "  private final InputStream data = InputStream.nullInputStream();",
            "  private static final Cleaner CLEANER = Cleaner.create();",
            "",
            "  {",
            "    CLEANER.register(this, closeOnCleanup(index, data));",
            "  }",
            "",
            "  @Override",
            "  public void close() throws IOException {",
            "    index.close();",
            "    data.close();",
            "  }",
            "",
            CLOSE_ON_CLEANUP))
        .doTest(TEXT_MATCH);
  }

  /** Below 9 there is no Cleaner: reported, no fix. Records and modern syntax never make it throw. */
  @Test
  void identificationWithoutFixBeforeRelease9AndInRecords() {
    CompilationTestHelper.newInstance(FinalizerAsClose.class, getClass())
        .setArgs(java.util.List.of("--release", "8"))
        .addSourceLines(
            "Old.java",
            "class Old {",
            "  private final java.io.InputStream in = null;",
            "  // BUG: Diagnostic contains: java.lang.ref.Cleaner needs --release 9 or later",
            "  protected void finalize() throws Throwable { in.close(); }",
            "}")
        .doTest();
    compilationHelper
        .addSourceLines(
            "Modern.java",
            "record Modern(java.io.InputStream in) {",
            "  // BUG: Diagnostic contains: an anonymous class, an enum or a record",
            "  @Override protected void finalize() throws Throwable {",
            "    var kind = switch (in.available()) { case 0 -> \"empty\"; default -> \"data\"; };",
            "    Runnable log = () -> System.err.println(kind);",
            "    log.run();",
            "    in.close();",
            "  }",
            "}")
        .doTest();
  }

  /**
   * Error Prone's Finalize reports every finalize() without a fix: patching with both, ours
   * deletes the finalizer, and a second run finds nothing of either.
   */
  @Test
  void replacementAgreesWithErrorPronesFinalize() {
    String source =
        String.join(
            "\n",
            "package probe;",
            "",
            "import java.io.InputStream;",
            "",
            "final class Reader {",
            "  private final InputStream in;",
            "",
            "  Reader(InputStream in) {",
            "    this.in = in;",
            "  }",
            "",
            "  @Override",
            "  protected void finalize() throws Throwable {",
            "    in.close();",
            "  }",
            "}",
            "");
    String patched = PatchMode.patchConverged("FinalizerAsClose,Finalize", "probe/Reader.java", source);
    assertTrue(patched.contains("public void close() throws IOException") && !patched.contains("void finalize"), patched);
  }

  // --- Run the original and the patched code: every resource is released, once. ---

  static final String SPOOL =
      String.join(
          "\n",
          "package probe;",
          "",
          "import java.io.OutputStream;",
          "import java.util.concurrent.atomic.AtomicInteger;",
          "",
          "public class Spool {",
          "  public static final AtomicInteger RELEASED = new AtomicInteger();",
          "",
          "  private final OutputStream out;",
          "",
          "  public Spool() {",
          "    this.out = new Counting();",
          "  }",
          "",
          "  @Override",
          "  protected void finalize() throws Throwable {",
          "    try {",
          "      out.close();",
          "    } finally {",
          "      super.finalize();",
          "    }",
          "  }",
          "",
          "  /** A stream that counts its first close, as a file descriptor would be given back once. */",
          "  static final class Counting extends OutputStream {",
          "    private boolean closed;",
          "",
          "    @Override",
          "    public void write(int b) {}",
          "",
          "    @Override",
          "    public synchronized void close() {",
          "      if (!closed) {",
          "        closed = true;",
          "        RELEASED.incrementAndGet();",
          "      }",
          "    }",
          "  }",
          "}",
          "");

  @Test
  void patchedSpoolReleasesWhatTheOriginalDid() throws Exception {
    String patched = PatchMode.patchConverged("FinalizerAsClose", "probe/Spool.java", SPOOL);
    assertTrue(patched.contains("CLEANER.register(this, closeOnCleanup(out));") && !patched.contains("void finalize"), patched);
    // Abandoned without close, from four threads: the finalizer, and then the Cleaner, release them all.
    assertEquals(32, releasedWhenAbandoned(SPOOL, false));
    assertEquals(32, releasedWhenAbandoned(patched, false));
    // Closed by the caller: released at once, and the Cleaner's later run releases nothing twice.
    assertEquals(32, releasedWhenAbandoned(patched, true));
  }

  /** Makes 8 spools on each of 4 threads, closes them or not, drops them, and collects until all are released. */
  private static int releasedWhenAbandoned(String source, boolean close) throws Exception {
    try (URLClassLoader loader = Probe.compile("probe/Spool.java", source)) {
      Class<?> type = loader.loadClass("probe.Spool");
      var released = (java.util.concurrent.atomic.AtomicInteger) type.getField("RELEASED").get(null);
      Method closeMethod = close ? type.getMethod("close") : null;
      Workers.run(
          java.util.concurrent.Executors.newFixedThreadPool(4),
          4,
          () -> {
            for (int i = 0; i < 8; i++) {
              Object spool = type.getConstructor().newInstance();
              if (closeMethod != null) {
                closeMethod.invoke(spool);
              }
            }
            return null;
          });
      if (close) {
        assertEquals(32, released.get(), "close() releases at once");
      }
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
      while (released.get() < 32 && System.nanoTime() < deadline) {
        System.gc();
        Thread.sleep(20);
      }
      for (int i = 0; i < 5; i++) { // later cleanups must not release anything twice
        System.gc();
        Thread.sleep(20);
      }
      return released.get();
    }
  }
}
