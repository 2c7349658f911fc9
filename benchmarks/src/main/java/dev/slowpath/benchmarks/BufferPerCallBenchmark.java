package dev.slowpath.benchmarks;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.CompilerControl;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * {@code BufferPerCall}: a buffer allocated for every call or loop pass against one that is reused.
 *
 * <ul>
 *   <li>{@code before}/{@code after} (sets the severity): the example's shape — 32 attachments of
 *       1 KiB copied into an archive through an 8 KiB buffer made per attachment, against the fix's
 *       output, one buffer made before the loop.
 *   <li>{@code heapBefore}/{@code heapAfter} and {@code directBefore}/{@code directAfter}, for each
 *       {@code bytes} from 1 KiB to 1 MiB (the sweep that sets the check's default {@code MinBytes}):
 *       one call that reads a 512-byte message into a buffer of that size and decodes it, the buffer
 *       new per call ({@code new byte[bytes]}, {@code ByteBuffer.allocateDirect(bytes)}) or reused.
 * </ul>
 *
 * Every buffer is handed to code that is not inlined, as real I/O does, so escape analysis cannot
 * remove the allocation the way it removes a buffer that never leaves the method.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BufferPerCallBenchmark {
  private static final int MESSAGE = 512;

  @Benchmark
  public long before(Attachments attachments) throws IOException {
    attachments.rewind();
    return dev.slowpath.workload.bufferpercall.before.Archiver.copyAll(attachments.streams, attachments.archive);
  }

  @Benchmark
  public long after(Attachments attachments) throws IOException {
    attachments.rewind();
    return dev.slowpath.workload.bufferpercall.after.Archiver.copyAll(attachments.streams, attachments.archive);
  }

  @Benchmark
  public long heapBefore(Sweep sweep) {
    byte[] buffer = new byte[sweep.bytes];
    return decode(buffer, fill(sweep.message, buffer));
  }

  @Benchmark
  public long heapAfter(Sweep sweep) {
    byte[] buffer = sweep.heap;
    return decode(buffer, fill(sweep.message, buffer));
  }

  @Benchmark
  public long directBefore(Sweep sweep) {
    ByteBuffer buffer = ByteBuffer.allocateDirect(sweep.bytes);
    buffer.put(sweep.message).flip();
    return decode(buffer);
  }

  @Benchmark
  public long directAfter(Sweep sweep) {
    ByteBuffer buffer = sweep.direct;
    buffer.clear();
    buffer.put(sweep.message).flip();
    return decode(buffer);
  }

  /** Reads the message into the buffer, like {@code InputStream.read(byte[])}. */
  @CompilerControl(CompilerControl.Mode.DONT_INLINE)
  private static int fill(byte[] message, byte[] buffer) {
    System.arraycopy(message, 0, buffer, 0, message.length);
    return message.length;
  }

  @CompilerControl(CompilerControl.Mode.DONT_INLINE)
  private static long decode(byte[] buffer, int length) {
    long hash = 1;
    for (int i = 0; i < length; i++) {
      hash = 31 * hash + buffer[i];
    }
    return hash;
  }

  @CompilerControl(CompilerControl.Mode.DONT_INLINE)
  private static long decode(ByteBuffer buffer) {
    long hash = 1;
    while (buffer.hasRemaining()) {
      hash = 31 * hash + buffer.get();
    }
    return hash;
  }

  @State(Scope.Thread)
  public static class Sweep {
    @Param({"1024", "4096", "16384", "65536", "262144", "1048576"})
    int bytes;

    final byte[] message = new byte[MESSAGE];
    byte[] heap;
    ByteBuffer direct;

    @Setup
    public void setUp() {
      for (int i = 0; i < message.length; i++) {
        message[i] = (byte) (i * 7);
      }
      heap = new byte[bytes];
      direct = ByteBuffer.allocateDirect(bytes);
    }
  }

  @State(Scope.Thread)
  public static class Attachments {
    private static final int COUNT = 32;
    private static final int SIZE = 1024;

    final List<InputStream> streams = new ArrayList<>();
    final OutputStream archive = new OutputStream() {
      private long sum;

      @Override
      public void write(int b) {
        sum += b;
      }

      @Override
      public void write(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i += 64) {
          sum += b[i]; // touch the copied bytes, as a real stream's copy would
        }
      }
    };

    @Setup
    public void setUp() {
      byte[] content = new byte[SIZE];
      for (int i = 0; i < content.length; i++) {
        content[i] = (byte) i;
      }
      for (int i = 0; i < COUNT; i++) {
        streams.add(new ByteArrayInputStream(content));
      }
    }

    /** Every attachment back at its start: part of both sides' work alike. */
    void rewind() {
      for (InputStream stream : streams) {
        ((ByteArrayInputStream) stream).reset();
      }
    }
  }
}
