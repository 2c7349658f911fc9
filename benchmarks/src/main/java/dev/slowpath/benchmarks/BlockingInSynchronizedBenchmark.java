package dev.slowpath.benchmarks;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@code BlockingInSynchronized}: a reader that does a few microseconds of its own work, then looks
 * up a stock level, while a writer thread restocks — holding the lock across a 50 µs write-through,
 * then pausing 50 µs outside it. The benchmark thread is the reader; the writer runs beside it (two
 * threads, two cores). A lookup that arrives while the writer holds the lock waits for the rest of
 * the write-through: time per operation is the reader's work plus its average wait.
 *
 * <ul>
 *   <li>{@code before}: the monitor held across the sleep (the finding);
 *   <li>{@code after}: the fix's output, a {@code ReentrantLock} held across the same sleep. With
 *       platform threads it should cost the same: the fix is about virtual threads pinning their
 *       carrier on JDK 21–23, which neither JDK here has (17: no virtual threads; 25: JEP 491);
 *   <li>{@code movedBefore}/{@code movedAfter}: the stall itself — the original against the
 *       write-through moved after the monitor, as the message recommends;
 *   <li>{@code hammeredBefore}/{@code hammeredAfter}: the fix again, with a reader that does no
 *       work of its own and takes the lock back to back — the case where a {@code ReentrantLock}
 *       with a queued writer wakes it on every {@code unlock()}.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BlockingInSynchronizedBenchmark {
  private static final int ITEM = 7;

  /** The reader's own work between two lookups, in JMH tokens (a few microseconds here). */
  private static final long READER_WORK = 2_000;

  @Benchmark
  public long before(Shop shop) {
    return shop.lookUp();
  }

  @Benchmark
  public long after(Shop shop) {
    return shop.lookUp();
  }

  @Benchmark
  public long movedBefore(Shop shop) {
    return shop.lookUp();
  }

  @Benchmark
  public long movedAfter(Shop shop) {
    return shop.lookUp();
  }

  @Benchmark
  public long hammeredBefore(Shop shop) {
    return shop.lookUp();
  }

  @Benchmark
  public long hammeredAfter(Shop shop) {
    return shop.lookUp();
  }

  /** One inventory, chosen by the benchmark's name, and the writer thread that restocks it. */
  @State(Scope.Benchmark)
  public static class Shop {
    /** The two calls each inventory has, without a common interface (the workloads are plain code). */
    interface Stock {
      void restock() throws InterruptedException;

      long level();
    }

    private Stock stock;
    private long work;
    private Thread writer;
    private volatile boolean running;

    @Setup(Level.Trial)
    public void start(BenchmarkParams params) {
      String method = params.getBenchmark();
      work = method.contains(".hammered") ? 0 : READER_WORK;
      if (method.endsWith(".after") || method.endsWith(".hammeredAfter")) {
        var inventory = new dev.slowpath.workload.blockinginsynchronized.after.Inventory();
        stock = stock(() -> inventory.restock(ITEM, 1), () -> inventory.level(ITEM));
      } else if (method.endsWith(".movedAfter")) {
        var inventory = new dev.slowpath.workload.blockinginsynchronized.moved.Inventory();
        stock = stock(() -> inventory.restock(ITEM, 1), () -> inventory.level(ITEM));
      } else {
        var inventory = new dev.slowpath.workload.blockinginsynchronized.before.Inventory();
        stock = stock(() -> inventory.restock(ITEM, 1), () -> inventory.level(ITEM));
      }
      running = true;
      writer = new Thread(this::restockUntilStopped, "writer");
      writer.setDaemon(true);
      writer.start();
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
      running = false;
      writer.join();
    }

    long lookUp() {
      Blackhole.consumeCPU(work);
      return stock.level();
    }

    private void restockUntilStopped() {
      try {
        while (running) {
          stock.restock();
          LockSupport.parkNanos(50_000);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    interface Restock {
      void run() throws InterruptedException;
    }

    private static Stock stock(Restock restock, java.util.function.LongSupplier level) {
      return new Stock() {
        @Override
        public void restock() throws InterruptedException {
          restock.run();
        }

        @Override
        public long level() {
          return level.getAsLong();
        }
      };
    }
  }
}
