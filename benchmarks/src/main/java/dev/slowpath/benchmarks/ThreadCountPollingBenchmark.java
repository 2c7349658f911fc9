package dev.slowpath.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * {@code ThreadCountPolling}: a "live threads" gauge read while {@link ParkedThreads}' 200 other
 * threads wait in the JVM, as in a server with its pools. {@code before}/{@code after} is the main pair ({@code
 * getAllStackTraces().size()} vs {@code getThreadCount()}); {@code activeCountBefore}/{@code
 * activeCountAfter} measure a {@code Thread::activeCount} gauge against what the fix writes for it,
 * {@code ManagementFactory.getThreadMXBean()::getThreadCount}. The check reports {@code
 * activeCount} only for code compiled for Java 19 or later, where {@code ThreadGroup.activeCount}
 * copies every live thread ({@code Thread.getAllThreads}); its fix is not in the workload, which
 * compiles for 17, and is held equal to the check's output by {@code ThreadCountPollingTest}. Run
 * with {@link SafepointProfiler} to see the pause each read costs every other thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(jvmArgsPrepend = "--add-exports=java.management/sun.management=ALL-UNNAMED")
public class ThreadCountPollingBenchmark {
  private final dev.slowpath.workload.threadcountpolling.before.ThreadGauges before =
      new dev.slowpath.workload.threadcountpolling.before.ThreadGauges();
  private final dev.slowpath.workload.threadcountpolling.after.ThreadGauges after =
      new dev.slowpath.workload.threadcountpolling.after.ThreadGauges();
  private final IntSupplier activeBefore = Thread::activeCount;
  private final IntSupplier activeAfter = ManagementFactory.getThreadMXBean()::getThreadCount;

  @Benchmark
  public int before(ParkedThreads alive) {
    return before.liveThreads();
  }

  @Benchmark
  public int after(ParkedThreads alive) {
    return after.liveThreads();
  }

  @Benchmark
  public int activeCountBefore(ParkedThreads alive) {
    return activeBefore.getAsInt();
  }

  @Benchmark
  public int activeCountAfter(ParkedThreads alive) {
    return activeAfter.getAsInt();
  }
}
