package dev.slowpath.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * {@code StopTheWorldSnapshot}: a thread-states gauge read while
 * {@link ParkedThreads}' 200 other threads wait in the JVM. {@code before}/{@code after} is the main pair ({@code getThreadInfo(all, 8)} vs {@code
 * getThreadInfo(all)}); {@code dumpBefore}/{@code dumpAfter} the {@code dumpAllThreads(false,
 * false)} form against its fix. Run with {@link SafepointProfiler} to see the pause each read
 * costs every other thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(jvmArgsPrepend = "--add-exports=java.management/sun.management=ALL-UNNAMED")
public class StopTheWorldSnapshotBenchmark {
  private final dev.slowpath.workload.stoptheworldsnapshot.before.ThreadStatesGauge before =
      new dev.slowpath.workload.stoptheworldsnapshot.before.ThreadStatesGauge();
  private final dev.slowpath.workload.stoptheworldsnapshot.after.ThreadStatesGauge after =
      new dev.slowpath.workload.stoptheworldsnapshot.after.ThreadStatesGauge();

  @Benchmark
  public int[] before(ParkedThreads alive) {
    return before.countByState();
  }

  @Benchmark
  public int[] after(ParkedThreads alive) {
    return after.countByState();
  }

  @Benchmark
  public long dumpBefore(ParkedThreads alive) {
    return before.blockedEntries();
  }

  @Benchmark
  public long dumpAfter(ParkedThreads alive) {
    return after.blockedEntries();
  }
}
