package dev.slowpath.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * {@code ThreadYield}. {@code before}/{@code after}: summing the square roots of 100k doubles with
 * a {@code Thread.yield()} every thousand (the seed's Exercise 7 shape) and without it; the fixed
 * cost is one {@code sched_yield} system call per yield.
 *
 * <p>{@code spinWait*} and {@code blocking*} decide what a spin-wait ({@code while (!ready)
 * Thread.yield();}) should become. The benchmark thread does some work, publishes a flag, then
 * waits for every waiter to have seen it; the waiters spin on the flag the whole time. {@code
 * Before} waits with {@code Thread.yield()}, {@code spinWaitAfter} with {@code Thread.onSpinWait()}
 * (the design's first fix), {@code blockingAfter} parks and is unparked (what a blocking primitive
 * does). With 3 waiters there are four runnable threads on this machine's two cores: the case where
 * giving the CPU away matters.
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

  @Benchmark
  public double spinWaitBefore(Handoff handoff) {
    return handoff.cycle();
  }

  @Benchmark
  public double spinWaitAfter(Handoff handoff) {
    return handoff.cycle();
  }

  @Benchmark
  public double blockingBefore(Handoff handoff) {
    return handoff.cycle();
  }

  @Benchmark
  public double blockingAfter(Handoff handoff) {
    return handoff.cycle();
  }

  /** How a thread waits for the other side: the three candidates. */
  enum Wait {
    YIELD,
    SPIN,
    PARK
  }

  /** A loader (the benchmark thread) and {@code waiters} threads that wait for what it publishes. */
  @State(Scope.Benchmark)
  public static class Handoff {
    @Param({"1", "3"})
    public int waiters;

    private final double[] work = ThreadLocalRandom.current().doubles(16_384, 0, 1000).toArray();
    private final AtomicLong acknowledged = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private volatile long published;
    private volatile boolean running;
    private long generation;
    private Wait wait;
    private Thread loader;

    @Setup(Level.Trial)
    public void start(BenchmarkParams params) {
      String method = params.getBenchmark();
      wait =
          method.endsWith("Before") ? Wait.YIELD : method.endsWith("spinWaitAfter") ? Wait.SPIN : Wait.PARK;
      loader = Thread.currentThread();
      running = true;
      for (int i = 0; i < waiters; i++) {
        Thread waiter = new Thread(this::waitForEachGeneration, "waiter-" + i);
        waiter.setDaemon(true);
        threads.add(waiter);
        waiter.start();
      }
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
      running = false;
      for (Thread waiter : threads) {
        LockSupport.unpark(waiter);
        waiter.join();
      }
    }

    /** Work, publish, and wait until every waiter has seen it: one hand-off. */
    double cycle() {
      double sum = 0;
      for (double value : work) {
        sum += Math.sqrt(value);
      }
      long target = ++generation * waiters;
      published = generation;
      if (wait == Wait.PARK) {
        for (Thread waiter : threads) {
          LockSupport.unpark(waiter);
        }
      }
      while (acknowledged.get() < target) {
        pause();
      }
      return sum;
    }

    private void waitForEachGeneration() {
      long seen = 0;
      while (running) {
        long now;
        while ((now = published) == seen) {
          if (!running) {
            return;
          }
          pause();
        }
        seen = now;
        if (acknowledged.incrementAndGet() % waiters == 0 && wait == Wait.PARK) {
          LockSupport.unpark(loader);
        }
      }
    }

    private void pause() {
      switch (wait) {
        case YIELD:
          Thread.yield();
          break;
        case SPIN:
          Thread.onSpinWait();
          break;
        default:
          LockSupport.park(this);
      }
    }
  }
}
