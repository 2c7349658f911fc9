package dev.slowpath.checks;

import static com.google.errorprone.BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.errorprone.BugCheckerRefactoringTestHelper;
import com.google.errorprone.CompilationTestHelper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URLClassLoader;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

final class BufferPerCallTest {
  private final CompilationTestHelper compilationHelper =
      CompilationTestHelper.newInstance(BufferPerCall.class, getClass());
  private final BugCheckerRefactoringTestHelper refactoringHelper =
      BugCheckerRefactoringTestHelper.newInstance(BufferPerCall.class, getClass());

  @Test
  void identification() {
    compilationHelper
        .addSourceLines(
            "Decoder.java",
            "import java.io.IOException;",
            "import java.io.InputStream;",
            "import java.nio.ByteBuffer;",
            "import java.nio.channels.ReadableByteChannel;",
            "import java.util.List;",
            "class Decoder {",
            "  String decode(InputStream in) throws IOException {",
            "    // BUG: Diagnostic contains: This 64 KiB buffer is allocated on every call",
            "    byte[] buf = new byte[64 * 1024];",
            "    int n = in.read(buf);",
            "    return new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8);",
            "  }",
            "  long checksum(ReadableByteChannel ch) throws IOException {",
            "    // BUG: Diagnostic contains: This 4 KiB direct buffer is allocated on every call",
            "    ByteBuffer direct = ByteBuffer.allocateDirect(4096);",
            "    ch.read(direct);",
            "    return direct.position();",
            "  }",
            "  int header(ReadableByteChannel ch, int size) throws IOException {",
            "    // BUG: Diagnostic contains: computed-size direct buffer",
            "    ByteBuffer direct = ByteBuffer.allocateDirect(size);",
            "    return ch.read(direct);",
            "  }",
            "  void copy(List<InputStream> files, java.io.OutputStream out) throws IOException {",
            "    for (InputStream in : files) {",
            "      // BUG: Diagnostic contains: every pass of the loop",
            "      char[] chars = new char[8192];",
            "      int n;",
            "      java.io.Reader reader = new java.io.InputStreamReader(in);",
            "      while ((n = reader.read(chars)) != -1) {",
            "        out.write(new String(chars, 0, n).getBytes());",
            "      }",
            "    }",
            "  }",
            "}")
        .addSourceLines(
            "Streams.java",
            "// Reduced from a TLS engine, a JDBC driver's parameter loop and a forked parser's resource server.",
            "import java.io.IOException;",
            "import java.io.InputStream;",
            "import java.io.OutputStream;",
            "import java.nio.ByteBuffer;",
            "import java.nio.channels.ReadableByteChannel;",
            "import java.util.List;",
            "class Streams {",
            "  int unwrap(ReadableByteChannel ch, int records) throws IOException {",
            "    // BUG: Diagnostic contains: This 16 KiB direct buffer is allocated on every call",
            "    ByteBuffer plain = ByteBuffer.allocateDirect(16384);",
            "    int n = 0;",
            "    for (int i = 0; i < records; i++) { plain.clear(); n += ch.read(plain); }",
            "    return n;",
            "  }",
            "  void storeStream(InputStream in, OutputStream out) throws IOException {",
            "    byte[] buf = null;",
            "    // BUG: Diagnostic contains: This 8 KiB buffer is allocated on every call",
            "    buf = new byte[8192];",
            "    out.write(buf, 0, in.read(buf));",
            "  }",
            "  void serveAll(List<InputStream> resources, OutputStream out) throws IOException {",
            "    for (InputStream resource : resources) {",
            "      serve(resource, out);",
            "    }",
            "  }",
            "  // Reduced from a class loader: the loop returns what the first hit reads, once.",
            "  byte[] find(List<InputStream> components) throws IOException {",
            "    for (InputStream component : components) {",
            "      if (component != null) return read(component);",
            "    }",
            "    return null;",
            "  }",
            "  byte[] read(InputStream in) throws IOException {",
            "    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();",
            "    byte[] buf = new byte[8192];", // per call, filled in its own loop: per call already
            "    int n;",
            "    while ((n = in.read(buf)) != -1) bytes.write(buf, 0, n);",
            "    return bytes.toByteArray();",
            "  }",
            "  void serve(InputStream in, OutputStream out) throws IOException {",
            "    // BUG: Diagnostic contains: and the loop on line 23 calls this method once per item",
            "    byte[] buf = new byte[65535];",
            "    int n;",
            "    while ((n = in.read(buf)) != -1) out.write(buf, 0, n);",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void identificationNegatives() {
    compilationHelper
        .addSourceLines(
            "Quiet.java",
            "import java.io.IOException;",
            "import java.io.InputStream;",
            "import java.io.OutputStream;",
            "import java.nio.ByteBuffer;",
            "import java.util.ArrayList;",
            "import java.util.List;",
            "class Quiet {",
            "  private final byte[] field = new byte[65536];", // a field: made once per object
            "  private static final ByteBuffer SHARED;",
            "  static { SHARED = ByteBuffer.allocateDirect(65536); }",
            "  private static final ThreadLocal<byte[]> LOCAL = ThreadLocal.withInitial(() -> new byte[65536]);",
            "  private byte[] lazy;",
            "  private final List<byte[]> kept = new ArrayList<>();",
            "  Quiet() { byte[] scratch = new byte[65536]; use(scratch); }", // a constructor
            "  void start() { ByteBuffer b = ByteBuffer.allocateDirect(1 << 20); use(b); }", // one-time set-up
            "  int small(InputStream in) throws IOException { byte[] b = new byte[2048]; return in.read(b); }", // under MinBytes
            "  byte[] returned() { byte[] b = new byte[65536]; return b; }",
            "  void stored() { byte[] b = new byte[65536]; lazy = b; }",
            "  void collected() { byte[] b = new byte[65536]; kept.add(b); }",
            "  Runnable captured() { byte[] b = new byte[65536]; return () -> use(b); }",
            "  ByteBuffer wrapped() { byte[] b = new byte[65536]; return ByteBuffer.wrap(b); }",
            "  ByteBuffer flipped() { ByteBuffer b = ByteBuffer.allocateDirect(64); return b.flip(); }",
            "  long copy(InputStream in, OutputStream out) throws IOException {", // reused in the call: per call already
            "    byte[] buf = new byte[65536];",
            "    long total = 0;",
            "    int n;",
            "    while ((n = in.read(buf)) != -1) { out.write(buf, 0, n); total += n; }",
            "    return total;",
            "  }",
            "  void retry(InputStream in) throws IOException {",
            "    for (int attempt = 0; attempt < 3; attempt++) {", // a handful of passes
            "      byte[] b = new byte[65536];",
            "      if (in.read(b) > 0) return;",
            "    }",
            "  }",
            "  void pooled(List<ByteBuffer> pool) {",
            "    for (int i = 0; i < 100; i++) pool.add(ByteBuffer.allocateDirect(65536));", // not a local
            "  }",
            "  void swapped(java.util.concurrent.atomic.AtomicReference<ByteBuffer> page, int len) {", // h2's FileNioMemData
            "    ByteBuffer out = ByteBuffer.allocateDirect(len);",
            "    page.compareAndSet(null, out);",
            "  }",
            "  int suppressed(InputStream in) throws IOException {",
            "    @SuppressWarnings(\"BufferPerCall\") byte[] once = new byte[65536];", // on the local itself
            "    return in.read(once);",
            "  }",
            "  static void use(Object o) {}",
            "  static final class DirectBufferPool {", // allocating is its job
            "    ByteBuffer take() { ByteBuffer b = ByteBuffer.allocateDirect(65536); b.clear(); use(b); return null; }",
            "  }",
            "}")
        .addSourceLines(
            "QuietTest.java",
            "class QuietTest {",
            "  @org.junit.jupiter.api.Test void reads() { byte[] b = new byte[1 << 20]; Quiet.use(b); }",
            "}")
        .doTest();
  }

  @Test
  void identificationFollowsMinBytes() {
    CompilationTestHelper.newInstance(BufferPerCall.class, getClass())
        .setArgs(List.of("-XepOpt:BufferPerCall:MinBytes=1024"))
        .addSourceLines(
            "Small.java",
            "class Small {",
            "  int read(java.io.InputStream in) throws java.io.IOException {",
            "    // BUG: Diagnostic contains: This 2 KiB buffer",
            "    char[] c = new char[1024];",
            "    byte[] tiny = new byte[512];",
            "    return in.read(tiny) + c.length;",
            "  }",
            "}")
        .doTest();
    CompilationTestHelper.newInstance(BufferPerCall.class, getClass())
        .setArgs(List.of("-XepOpt:BufferPerCall:MinBytes=1048576"))
        .addSourceLines(
            "Big.java",
            "class Big {",
            "  int read(java.io.InputStream in) throws java.io.IOException {",
            "    byte[] b = new byte[65536];",
            "    return in.read(b);",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void identificationWithoutFix() {
    compilationHelper
        .addSourceLines(
            "Frames.java",
            "import java.io.IOException;",
            "import java.io.InputStream;",
            "import java.nio.ByteBuffer;",
            "import java.nio.channels.ReadableByteChannel;",
            "class Frames {",
            "  long sum(InputStream in, int frames) throws IOException {",
            "    long sum = 0;",
            "    for (int f = 0; f < frames; f++) {",
            "      // BUG: Diagnostic contains: No fix is offered here: the pass uses the buffer in a way",
            "      byte[] frame = new byte[16384];",
            "      in.read(frame);",
            "      for (byte b : frame) sum += b;", // reads all of it: zeros where the read stopped
            "    }",
            "    return sum;",
            "  }",
            "  void channel(ReadableByteChannel ch, int frames, int size) throws IOException {",
            "    for (int f = 0; f < frames; f++) {",
            "      // BUG: Diagnostic contains: No fix is offered here: the size is computed",
            "      ByteBuffer b = ByteBuffer.allocateDirect(size);",
            "      ch.read(b);",
            "    }",
            "  }",
            "  void unflipped(ReadableByteChannel ch, java.nio.channels.WritableByteChannel out) throws IOException {",
            "    while (ch.isOpen()) {",
            "      // BUG: Diagnostic contains: No fix is offered here: the pass uses the buffer",
            "      ByteBuffer b = ByteBuffer.allocate(8192);",
            "      ch.read(b);",
            "      out.write(b);", // writes what was never read into it: no flip
            "    }",
            "  }",
            "  void shadow(InputStream in, java.io.OutputStream out) throws IOException {",
            "    while (in.available() > 0) {",
            "      // BUG: Diagnostic contains: No fix is offered here: another variable",
            "      byte[] buf = new byte[8192];",
            "      int n = in.read(buf);",
            "      out.write(buf, 0, n);",
            "    }",
            "    byte[] buf = new byte[1];",
            "    out.write(buf);",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void replacementHoistsTheArrayOutOfTheLoop() {
    refactoringHelper
        .addInputLines(
            "Archiver.java",
            "import java.io.IOException;",
            "import java.io.InputStream;",
            "import java.io.OutputStream;",
            "import java.util.List;",
            "class Archiver {",
            "  long copyAll(List<List<InputStream>> batches, OutputStream archive) throws IOException {",
            "    long copied = 0;",
            "    batches:",
            "    for (List<InputStream> batch : batches) {",
            "      for (InputStream in : batch) {",
            "        final byte[] buffer = new byte[16 * 1024];",
            "        int n;",
            "        while ((n = in.read(buffer, 0, buffer.length)) != -1) {",
            "          archive.write(buffer, 0, n);",
            "          copied += n;",
            "        }",
            "      }",
            "    }",
            "    return copied;",
            "  }",
            "}")
        .addOutputLines(
            "Archiver.java",
            "import java.io.IOException;",
            "import java.io.InputStream;",
            "import java.io.OutputStream;",
            "import java.util.List;",
            "class Archiver {",
            "  long copyAll(List<List<InputStream>> batches, OutputStream archive) throws IOException {",
            "    long copied = 0;",
            "    final byte[] buffer = new byte[16 * 1024];",
            "    batches:",
            "    for (List<InputStream> batch : batches) {",
            "      for (InputStream in : batch) {",
            "        int n;",
            "        while ((n = in.read(buffer, 0, buffer.length)) != -1) {",
            "          archive.write(buffer, 0, n);",
            "          copied += n;",
            "        }",
            "      }",
            "    }",
            "    return copied;",
            "  }",
            "}")
        .doTest(TEXT_MATCH);
  }

  @Test
  void replacementClearsAByteBufferEachPass() {
    refactoringHelper
        .addInputLines(
            "Relay.java",
            "import java.io.IOException;",
            "import java.nio.ByteBuffer;",
            "import java.nio.channels.ReadableByteChannel;",
            "import java.nio.channels.WritableByteChannel;",
            "import java.util.List;",
            "class Relay {",
            "  void relay(List<ReadableByteChannel> sources, WritableByteChannel sink) throws IOException {",
            "    for (ReadableByteChannel source : sources) {",
            "      ByteBuffer chunk = ByteBuffer.allocateDirect(8192);",
            "      chunk.putInt(42);",
            "      while (source.read(chunk) > 0 || chunk.position() > 0) {",
            "        chunk.flip();",
            "        sink.write(chunk);",
            "        chunk.clear();",
            "      }",
            "    }",
            "  }",
            "}")
        .addOutputLines(
            "Relay.java",
            "import java.io.IOException;",
            "import java.nio.ByteBuffer;",
            "import java.nio.channels.ReadableByteChannel;",
            "import java.nio.channels.WritableByteChannel;",
            "import java.util.List;",
            "class Relay {",
            "  void relay(List<ReadableByteChannel> sources, WritableByteChannel sink) throws IOException {",
            "    ByteBuffer chunk = ByteBuffer.allocateDirect(8192);",
            "    for (ReadableByteChannel source : sources) {",
            "      chunk.clear();",
            "      chunk.putInt(42);",
            "      while (source.read(chunk) > 0 || chunk.position() > 0) {",
            "        chunk.flip();",
            "        sink.write(chunk);",
            "        chunk.clear();",
            "      }",
            "    }",
            "  }",
            "}")
        .doTest(TEXT_MATCH);
  }

  private static final String COPIER =
      String.join(
          "\n",
          "package probe;",
          "import java.io.IOException;",
          "import java.io.InputStream;",
          "import java.io.OutputStream;",
          "import java.nio.ByteBuffer;",
          "import java.nio.channels.ReadableByteChannel;",
          "import java.nio.channels.WritableByteChannel;",
          "import java.util.List;",
          "public final class Copier {",
          "  public static long copy(List<InputStream> files, OutputStream out) throws IOException {",
          "    long copied = 0;",
          "    for (InputStream in : files) {",
          "      byte[] buffer = new byte[8192];",
          "      int n;",
          "      while ((n = in.read(buffer)) != -1) {",
          "        out.write(buffer, 0, n);",
          "        copied += n;",
          "      }",
          "    }",
          "    return copied;",
          "  }",
          "  public static void relay(List<ReadableByteChannel> sources, WritableByteChannel sink) throws IOException {",
          "    for (ReadableByteChannel source : sources) {",
          "      ByteBuffer chunk = ByteBuffer.allocate(8192);",
          "      while (source.read(chunk) > 0) {",
          "        chunk.flip();",
          "        sink.write(chunk);",
          "        chunk.clear();",
          "      }",
          "    }",
          "  }",
          "}",
          "");

  /** Streams of different lengths (a long one first, so a reused buffer holds its bytes): same output. */
  @Test
  void patchedCopierCopiesWhatTheOriginalDid() throws Exception {
    String patched = PatchMode.patchConverged("BufferPerCall", "probe/Copier.java", COPIER);
    assertTrue(patched.indexOf("byte[] buffer = new byte[8192];") < patched.indexOf("for (InputStream in"), patched);
    assertTrue(patched.contains("chunk.clear();\n      while"), patched);
    assertEquals(copied(COPIER), copied(patched));
  }

  private static String copied(String source) throws Exception {
    try (URLClassLoader loader = Probe.compile("probe/Copier.java", source)) {
      Class<?> type = loader.loadClass("probe.Copier");
      int[] lengths = {20_000, 3, 0, 8192, 9000, 1};
      List<InputStream> files = new ArrayList<>();
      List<java.nio.channels.ReadableByteChannel> channels = new ArrayList<>();
      for (int i = 0; i < lengths.length; i++) {
        byte[] content = new byte[lengths[i]];
        for (int j = 0; j < content.length; j++) {
          content[j] = (byte) (i * 31 + j);
        }
        files.add(new ByteArrayInputStream(content));
        channels.add(Channels.newChannel(new ByteArrayInputStream(content)));
      }
      ByteArrayOutputStream copiedOut = new ByteArrayOutputStream();
      long count = (long) type.getMethod("copy", List.class, java.io.OutputStream.class).invoke(null, files, copiedOut);
      ByteArrayOutputStream relayed = new ByteArrayOutputStream();
      type.getMethod("relay", List.class, java.nio.channels.WritableByteChannel.class)
          .invoke(null, channels, Channels.newChannel(relayed));
      return count + ":" + java.util.Arrays.hashCode(copiedOut.toByteArray()) + ":"
          + java.util.Arrays.hashCode(relayed.toByteArray()) + ":" + relayed.size();
    }
  }
}
