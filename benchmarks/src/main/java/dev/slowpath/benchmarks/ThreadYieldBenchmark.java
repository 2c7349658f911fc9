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
 * {@code ThreadYield}: summing the square roots of 100k doubles with a {@code Thread.yield()}
 * every thousand (the seed's Exercise 7 shape) and without it. The fixed cost is one {@code
 * sched_yield} system call per yield; the ratio shrinks as the work between yields grows.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ThreadYieldBenchmark {
  private final double[] values = ThreadLocalRandom.current().doubles(100_000, 0, 1000).toArray();
  private final dev.slowpath.workload.threadyield.before.Scorer before =
      new dev.slowpath.workload.threadyield.before.Scorer();
  private final dev.slowpath.workload.threadyield.after.Scorer after =
      new dev.slowpath.workload.threadyield.after.Scorer();

  @Benchmark
  public double before() {
    return before.score(values);
  }

  @Benchmark
  public double after() {
    return after.score(values);
  }
}
