package dev.slowpath.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@code TimerPerIteration}.
 *
 * <ul>
 *   <li>{@code before}/{@code after}: a command run with a timeout that does not fire (1 s; the
 *       command takes a few hundred ns), ZooKeeper's shape: a {@code new Timer()} per run, against
 *       the fix's output, one shared daemon {@code Timer} whose task is cancelled;
 *   <li>{@code rearmBefore}/{@code rearmAfter}: a 30 s idle timeout cancelled and scheduled again
 *       per message on a {@code ScheduledThreadPoolExecutor}, without and with the fix's {@code
 *       setRemoveOnCancelPolicy(true)}; {@link Queue#queuedTasks} records the executor's queue
 *       length at the end of each iteration.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TimerPerIterationBenchmark {
  private static final long TIMEOUT_MILLIS = 1_000;

  @Benchmark
  public long before(RunnerBefore runner) {
    return runner.runner.run(COMMAND_BEFORE);
  }

  @Benchmark
  public long after(RunnerAfter runner) {
    return runner.runner.run(COMMAND_AFTER);
  }

  @Benchmark
  public long rearmBefore(SessionBefore session, Queue queue) {
    queue.queuedTasks = dev.slowpath.workload.timerperiteration.before.Session.queued();
    return session.session.onMessage(1);
  }

  @Benchmark
  public long rearmAfter(SessionAfter session, Queue queue) {
    queue.queuedTasks = dev.slowpath.workload.timerperiteration.after.Session.queued();
    return session.session.onMessage(1);
  }

  // One state per workload: a fork loads only the classes its benchmark uses.

  @State(Scope.Benchmark)
  public static class RunnerBefore {
    final dev.slowpath.workload.timerperiteration.before.CommandRunner runner =
        new dev.slowpath.workload.timerperiteration.before.CommandRunner(TIMEOUT_MILLIS);

    @TearDown
    public void check() {
      if (runner.timedOut()) {
        throw new IllegalStateException("a timeout fired: the benchmark measures timeouts that do not");
      }
    }
  }

  @State(Scope.Benchmark)
  public static class RunnerAfter {
    final dev.slowpath.workload.timerperiteration.after.CommandRunner runner =
        new dev.slowpath.workload.timerperiteration.after.CommandRunner(TIMEOUT_MILLIS);

    @TearDown
    public void check() {
      if (runner.timedOut()) {
        throw new IllegalStateException("a timeout fired: the benchmark measures timeouts that do not");
      }
    }
  }

  @State(Scope.Benchmark)
  public static class SessionBefore {
    final dev.slowpath.workload.timerperiteration.before.Session session =
        new dev.slowpath.workload.timerperiteration.before.Session();
  }

  @State(Scope.Benchmark)
  public static class SessionAfter {
    final dev.slowpath.workload.timerperiteration.after.Session session =
        new dev.slowpath.workload.timerperiteration.after.Session();
  }

  /** The executor's queue length, last seen in the iteration (a JMH secondary metric). */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Queue {
    public long queuedTasks;

    @Setup(Level.Iteration)
    public void reset() {
      queuedTasks = 0;
    }
  }

  private static long work() {
    Blackhole.consumeCPU(64);
    return 1;
  }

  private static final dev.slowpath.workload.timerperiteration.before.CommandRunner.Command COMMAND_BEFORE =
      new dev.slowpath.workload.timerperiteration.before.CommandRunner.Command() {
        @Override
        public long execute() {
          return work();
        }

        @Override
        public void kill() {}
      };

  private static final dev.slowpath.workload.timerperiteration.after.CommandRunner.Command COMMAND_AFTER =
      new dev.slowpath.workload.timerperiteration.after.CommandRunner.Command() {
        @Override
        public long execute() {
          return work();
        }

        @Override
        public void kill() {}
      };
}
