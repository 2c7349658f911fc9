package dev.slowpath.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.CompilerControl;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * {@code StackTraceForCaller}: an audit log that finds its caller with a full stack trace, and
 * with the StackWalker the fix writes. Called from {@code depth} frames down, since a whole trace
 * costs per frame: a web request's stack is 50 to 150 frames deep.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class StackTraceForCallerBenchmark {
  @Param({"60"})
  public int depth;

  private final dev.slowpath.workload.stacktraceforcaller.before.AuditLog before =
      new dev.slowpath.workload.stacktraceforcaller.before.AuditLog();
  private final dev.slowpath.workload.stacktraceforcaller.after.AuditLog after =
      new dev.slowpath.workload.stacktraceforcaller.after.AuditLog();

  @Benchmark
  public String before() {
    return callBefore(depth);
  }

  @Benchmark
  public String after() {
    return callAfter(depth);
  }

  @CompilerControl(CompilerControl.Mode.DONT_INLINE)
  private String callBefore(int remaining) {
    return remaining == 0 ? before.record("login") : callBefore(remaining - 1);
  }

  @CompilerControl(CompilerControl.Mode.DONT_INLINE)
  private String callAfter(int remaining) {
    return remaining == 0 ? after.record("login") : callAfter(remaining - 1);
  }
}
