package dev.slowpath.benchmarks;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * {@code ExplicitGc}: a request handler with and without {@code System.gc()} after each request.
 * The heap holds a realistic live set (a few MiB of cached responses), which every forced full
 * collection has to mark.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ExplicitGcBenchmark {
  private final byte[][] liveSet = liveSet(2048, 2048);
  private final byte[] request = new byte[4096];
  private final dev.slowpath.workload.explicitgc.before.RequestHandler before =
      new dev.slowpath.workload.explicitgc.before.RequestHandler();
  private final dev.slowpath.workload.explicitgc.after.RequestHandler after =
      new dev.slowpath.workload.explicitgc.after.RequestHandler();

  @Benchmark
  public byte[] before() {
    return before.handle(request);
  }

  @Benchmark
  public byte[] after() {
    return after.handle(request);
  }

  /** Keeps the live set reachable so the collector has real work. */
  public byte[][] liveSet() {
    return liveSet;
  }

  private static byte[][] liveSet(int count, int size) {
    byte[][] set = new byte[count][size];
    for (byte[] entry : set) {
      ThreadLocalRandom.current().nextBytes(entry);
    }
    return set;
  }
}
