package dev.slowpath.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * {@code CounterUnderLock}: a request counter bumped by every request thread — two threads on this
 * two-core machine, so the monitor is contended — locked ({@code before}) and as the fix rewrites
 * it ({@code after}: two {@code LongAdder}s). {@code uncontended*}: the same with one thread, where
 * a monitor is a compare-and-swap and the win, if any, is small.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CounterUnderLockBenchmark {
  private final dev.slowpath.workload.counterunderlock.before.RequestCounter before =
      new dev.slowpath.workload.counterunderlock.before.RequestCounter();
  private final dev.slowpath.workload.counterunderlock.after.RequestCounter after =
      new dev.slowpath.workload.counterunderlock.after.RequestCounter();

  @Benchmark
  @Threads(2)
  public void before() {
    before.served(512);
    before.sent(512);
  }

  @Benchmark
  @Threads(2)
  public void after() {
    after.served(512);
    after.sent(512);
  }

  @Benchmark
  @Threads(1)
  public void uncontendedBefore() {
    before.served(512);
    before.sent(512);
  }

  @Benchmark
  @Threads(1)
  public void uncontendedAfter() {
    after.served(512);
    after.sent(512);
  }

  /** Read now and then, as a metrics scrape would; keeps the counts observable. */
  public long total() {
    return before.served() + after.served() + before.bytes() + after.bytes();
  }
}
