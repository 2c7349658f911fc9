package dev.slowpath.benchmarks;

import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.CompilerControl;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * {@code FinalizerAsClose}: a spool that owns a stream, before (closed by its {@code finalize()})
 * and after (the fix's output: a {@code close()}, and a {@code Cleaner} as the safety net).
 *
 * <ul>
 *   <li>{@code before}/{@code after} (sets the severity): the time from "done with the spool" to
 *       "its stream is closed" — the seed's cost, a resource held until a GC gets to it. Before:
 *       the spool is dropped and the stream waits for a GC and the finalizer thread ({@code
 *       System.gc()} is called until it happens, so this is the fastest a finalizer can release;
 *       without forced collections it waits for the next natural one). After: the caller closes
 *       it, with the {@code close()} the fix adds (try-with-resources).
 *   <li>{@code abandonedBefore}/{@code abandonedAfter}: the same wait when the caller never
 *       closes: the finalizer against the fix's {@code Cleaner}.
 *   <li>{@code allocateBefore}/{@code allocateAfter}: making a spool and letting it go: the
 *       {@code java.lang.ref.Finalizer} the JVM registers for every instance against the fix's
 *       {@code Cleaner} registration. The spool escapes to the caller, so the allocation is real.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FinalizerAsCloseBenchmark {
  @Benchmark
  public long before(Streams streams) throws InterruptedException {
    long released = streams.closes.get();
    useAndDrop(streams); // only a GC can release the stream now
    return streams.awaitRelease(released);
  }

  /** Uses a spool and returns: no frame of the waiting method keeps it reachable. */
  @CompilerControl(CompilerControl.Mode.DONT_INLINE)
  private static void useAndDrop(Streams streams) {
    streams.written += new dev.slowpath.workload.finalizerasclose.before.Spool(streams.counting()).written();
  }

  @Benchmark
  public long after(Streams streams) throws Exception {
    long released = streams.closes.get();
    try (var spool = new dev.slowpath.workload.finalizerasclose.after.Spool(streams.counting())) {
      streams.written += spool.written();
    }
    return streams.awaitRelease(released);
  }

  @Benchmark
  public long abandonedBefore(Streams streams) throws InterruptedException {
    long released = streams.closes.get();
    new dev.slowpath.workload.finalizerasclose.before.Spool(streams.counting());
    return streams.awaitRelease(released);
  }

  @Benchmark
  public long abandonedAfter(Streams streams) throws InterruptedException {
    long released = streams.closes.get();
    new dev.slowpath.workload.finalizerasclose.after.Spool(streams.counting());
    return streams.awaitRelease(released);
  }

  @Benchmark
  public Object allocateBefore(Streams streams) {
    return new dev.slowpath.workload.finalizerasclose.before.Spool(streams.sink);
  }

  @Benchmark
  public Object allocateAfter(Streams streams) {
    return new dev.slowpath.workload.finalizerasclose.after.Spool(streams.sink);
  }

  @State(Scope.Benchmark)
  public static class Streams {
    /** One shared stream whose close does nothing: the allocation pair measures the spool, not the stream. */
    final OutputStream sink = OutputStream.nullOutputStream();

    final AtomicLong closes = new AtomicLong();

    long written;

    /** Returns once a stream has been closed since {@code released} closes, collecting until it is. */
    long awaitRelease(long released) throws InterruptedException {
      while (closes.get() == released) {
        System.gc();
        Thread.sleep(0, 100_000);
      }
      return closes.get();
    }

    /** A new stream that counts its first close. */
    OutputStream counting() {
      return new OutputStream() {
        private boolean closed;

        @Override
        public void write(int b) {}

        @Override
        public synchronized void close() {
          if (!closed) {
            closed = true;
            closes.incrementAndGet();
          }
        }
      };
    }
  }
}
