package dev.slowpath.benchmarks;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
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

/**
 * {@code BusyPollLoop}: a consumer thread waits on a {@code LinkedBlockingQueue} for messages that
 * the benchmark thread sends every {@value #INTERVAL_NANOS} ns (it pauses, sends, and waits until
 * the consumer has handled the message). Time per operation is the pause plus the hand-off
 * latency; {@link WaiterCpuProfiler} records the consumer's CPU time per message beside it, the
 * seed's measure of a busy poll.
 *
 * <ul>
 *   <li>{@code before}/{@code after}: the real form — poll, and sleep a millisecond when the queue
 *       is empty — against the fix's output, {@code poll(1, MILLISECONDS)};
 *   <li>{@code spinBefore}/{@code spinAfter}: a consumer that spins with {@code Thread.yield()}
 *       between polls, against the fix's output, a {@code take()} that keeps waiting through
 *       interrupts.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BusyPollLoopBenchmark {
  /** The producer's pause between two messages. */
  static final long INTERVAL_NANOS = 200_000;

  @Benchmark
  public void before(Consumer consumer) {
    consumer.send();
  }

  @Benchmark
  public void after(Consumer consumer) {
    consumer.send();
  }

  @Benchmark
  public void spinBefore(Consumer consumer) {
    consumer.send();
  }

  @Benchmark
  public void spinAfter(Consumer consumer) {
    consumer.send();
  }

  /** The queue, and the consumer thread running the pump the benchmark's name picks. */
  @State(Scope.Benchmark)
  public static class Consumer {
    private final BlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    private Thread thread;
    private Runnable stopper;

    @Setup(Level.Trial)
    public void start(BenchmarkParams params) {
      String method = params.getBenchmark();
      Runnable pump;
      if (method.endsWith(".before")) {
        var p = new dev.slowpath.workload.busypollloop.before.EventPump(queue);
        pump = p;
        stopper = p::stop;
      } else if (method.endsWith(".after")) {
        var p = new dev.slowpath.workload.busypollloop.after.EventPump(queue);
        pump = p;
        stopper = p::stop;
      } else if (method.endsWith(".spinBefore")) {
        var p = new dev.slowpath.workload.busypollloop.before.SpinningPump(queue);
        pump = p;
        stopper = p::stop;
      } else {
        var p = new dev.slowpath.workload.busypollloop.after.SpinningPump(queue);
        pump = p;
        stopper = p::stop;
      }
      thread = new Thread(pump, "consumer");
      thread.setDaemon(true);
      thread.start();
      WaiterCpuProfiler.watch(thread);
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
      WaiterCpuProfiler.unwatch(thread);
      // Stop the way the pumps are stopped in use: clear the flag, and wake a blocked take().
      stopper.run();
      queue.put(() -> {});
      thread.join(TimeUnit.SECONDS.toMillis(10));
    }

    void send() {
      LockSupport.parkNanos(INTERVAL_NANOS);
      CompletableFuture<Void> handled = new CompletableFuture<>();
      queue.add(() -> handled.complete(null));
      handled.join();
    }
  }
}
