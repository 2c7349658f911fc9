package dev.slowpath.benchmarks;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * {@code LockInLoop}: a price board updated in batches of 64, the monitor taken per price
 * ({@code before}) or once per batch (the fix's output, {@code after}). Two threads update at once
 * on this two-core machine; {@code uncontended*} is one thread, where C2 may coarsen the
 * per-iteration monitor by itself after unrolling.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LockInLoopBenchmark {
  private final double[] batch = ThreadLocalRandom.current().doubles(64, 1, 100).toArray();
  private final dev.slowpath.workload.lockinloop.before.PriceBoard before =
      new dev.slowpath.workload.lockinloop.before.PriceBoard();
  private final dev.slowpath.workload.lockinloop.after.PriceBoard after =
      new dev.slowpath.workload.lockinloop.after.PriceBoard();

  @Benchmark
  @Threads(2)
  public double before() {
    before.update(batch);
    return before.price(7);
  }

  @Benchmark
  @Threads(2)
  public double after() {
    after.update(batch);
    return after.price(7);
  }

  @Benchmark
  @Threads(1)
  public double uncontendedBefore() {
    before.update(batch);
    return before.price(7);
  }

  @Benchmark
  @Threads(1)
  public double uncontendedAfter() {
    after.update(batch);
    return after.price(7);
  }
}
