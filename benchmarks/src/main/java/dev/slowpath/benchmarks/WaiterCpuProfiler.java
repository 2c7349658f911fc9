package dev.slowpath.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * JMH profiler ({@code -prof dev.slowpath.benchmarks.WaiterCpuProfiler}): the CPU time that the
 * threads a benchmark registers with {@link #watch} — consumers that wait for the benchmark
 * thread's messages — used per operation, from {@link ThreadMXBean#getThreadCpuTime}. Reported as
 * the secondary metric {@value #LABEL} in ns/op; benchmarks that register nothing get none.
 */
public final class WaiterCpuProfiler implements InternalProfiler {
  static final String LABEL = "waiter.cpu.norm";

  private static final Set<Thread> WATCHED = ConcurrentHashMap.newKeySet();

  /** The CPU time of threads unwatched at a trial's end, read before they stopped. */
  private static final Map<Thread, Long> FINAL = new ConcurrentHashMap<>();
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private long cpuBefore;
  private Set<Thread> measured = Set.of();

  static void watch(Thread thread) {
    WATCHED.add(thread);
  }

  /** Stops watching {@code thread}; call it before the thread ends, so its last iteration counts. */
  static void unwatch(Thread thread) {
    FINAL.put(thread, THREADS.getThreadCpuTime(thread.getId()));
    WATCHED.remove(thread);
  }

  @Override
  public String getDescription() {
    return "CPU time of the benchmark's waiting threads, per operation";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    FINAL.keySet().retainAll(WATCHED);
    measured = Set.copyOf(WATCHED);
    cpuBefore = cpu(measured);
  }

  @Override
  public Collection<? extends Result> afterIteration(
      BenchmarkParams benchmarkParams, IterationParams iterationParams, IterationResult result) {
    long ops = result.getMetadata().getAllOps();
    if (measured.isEmpty() || ops == 0) {
      return List.of();
    }
    double perOp = (double) (cpu(measured) - cpuBefore) / ops;
    return List.of(new ScalarResult(LABEL, perOp, "ns/op", AggregationPolicy.AVG));
  }

  private static long cpu(Set<Thread> threads) {
    long total = 0;
    for (Thread thread : threads) {
      Long last = FINAL.get(thread);
      long time = last != null ? last : THREADS.getThreadCpuTime(thread.getId());
      total += Math.max(time, 0);
    }
    return total;
  }
}
