package dev.slowpath.benchmarks;

import java.lang.reflect.Method;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * JMH profiler ({@code -prof dev.slowpath.benchmarks.SafepointProfiler}): the time every Java
 * thread of the fork spent stopped at safepoints, per operation — the pause that a stop-the-world
 * VM operation costs the threads that did not ask for it. Read from HotSpot's own counters
 * ({@code sun.management.HotspotRuntimeMBean}: {@code getSafepointSyncTime()}, the time to bring
 * threads to the safepoint, plus {@code getTotalSafepointTime()}, the time spent there; the {@code
 * sun.rt.safepoint*} perf counters that {@code jstat} reads), so a benchmark that wants it opens
 * {@code java.management/sun.management} to its fork. Reported as {@value #PAUSE} (ns/op) and
 * {@value #COUNT} (safepoints/op); a fork without access reports nothing.
 */
public final class SafepointProfiler implements InternalProfiler {
  static final String PAUSE = "safepoint.pause.norm";
  static final String COUNT = "safepoint.count.norm";

  private static final Object RUNTIME = hotspotRuntime();

  private long pauseBeforeMs;
  private long countBefore;

  @Override
  public String getDescription() {
    return "Time stopped at safepoints (sync + operation), per operation";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    pauseBeforeMs = pauseMs();
    countBefore = counter("getSafepointCount");
  }

  @Override
  public Collection<? extends Result> afterIteration(
      BenchmarkParams benchmarkParams, IterationParams iterationParams, IterationResult result) {
    long ops = result.getMetadata().getAllOps();
    if (RUNTIME == null || ops == 0) {
      return List.of();
    }
    double pausePerOp = (pauseMs() - pauseBeforeMs) * 1_000_000.0 / ops;
    double countPerOp = (double) (counter("getSafepointCount") - countBefore) / ops;
    return List.of(
        new ScalarResult(PAUSE, pausePerOp, "ns/op", AggregationPolicy.AVG),
        new ScalarResult(COUNT, countPerOp, "#/op", AggregationPolicy.AVG));
  }

  private static long pauseMs() {
    return counter("getSafepointSyncTime") + counter("getTotalSafepointTime");
  }

  private static long counter(String getter) {
    if (RUNTIME == null) {
      return 0;
    }
    try {
      Method method = Class.forName("sun.management.HotspotRuntimeMBean").getMethod(getter);
      return (Long) method.invoke(RUNTIME);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return 0;
    }
  }

  private static Object hotspotRuntime() {
    try {
      return Class.forName("sun.management.ManagementFactoryHelper").getMethod("getHotspotRuntimeMBean").invoke(null);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null; // not opened to this fork: the benchmark did not ask for safepoint times
    }
  }
}
