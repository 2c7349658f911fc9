package dev.slowpath.benchmarks;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * {@code ThreadPerItem}: the seed's shape, {@value #ITEMS} short tasks (a few hundred ns each), a
 * platform thread per item, named and joined ({@code before}), against what Slowpath tells the
 * user to write on the JDK the benchmark runs on ({@code after}):
 *
 * <ul>
 *   <li>on 21 and later, the fix's output: a virtual thread per item ({@code
 *       Thread.ofVirtual().name(…).unstarted(…)}), compiled for 21 from {@code src/main/java21};
 *   <li>on 17, where there is no fix, what the finding's text asks for: one bounded pool shared by
 *       the class, its futures waited on ({@code workload/threadperitem/pool}).
 * </ul>
 *
 * Both sides are called through a bound {@link MethodHandle}: the {@code after} class is compiled
 * after this one, for a newer release.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ThreadPerItemBenchmark {
  static final int ITEMS = 100;

  @Benchmark
  public long before(Before crawler) throws Throwable {
    return (long) crawler.crawl.invokeExact(crawler.items);
  }

  @Benchmark
  public long after(After crawler) throws Throwable {
    return (long) crawler.crawl.invokeExact(crawler.items);
  }

  // One state per workload: a fork loads only the classes its benchmark uses.

  @State(Scope.Benchmark)
  public static class Before {
    final List<String> items = items();
    MethodHandle crawl;

    @Setup
    public void bind() throws ReflectiveOperationException {
      crawl = crawlOf("dev.slowpath.workload.threadperitem.before.Crawler");
    }
  }

  @State(Scope.Benchmark)
  public static class After {
    final List<String> items = items();
    MethodHandle crawl;

    @Setup
    public void bind() throws ReflectiveOperationException {
      crawl =
          crawlOf(
              Runtime.version().feature() >= 21
                  ? "dev.slowpath.workload.threadperitem.after.Crawler"
                  : "dev.slowpath.workload.threadperitem.pool.Crawler");
    }
  }

  /** {@code new Crawler()::crawl}, typed {@code (List)long}. */
  static MethodHandle crawlOf(String className) throws ReflectiveOperationException {
    Class<?> type = Class.forName(className);
    Object crawler = type.getConstructor().newInstance();
    return MethodHandles.publicLookup()
        .findVirtual(type, "crawl", MethodType.methodType(long.class, List.class))
        .bindTo(crawler);
  }

  static List<String> items() {
    List<String> items = new ArrayList<>(ITEMS);
    for (int i = 0; i < ITEMS; i++) {
      items.add("item-" + i);
    }
    return List.copyOf(items);
  }
}
