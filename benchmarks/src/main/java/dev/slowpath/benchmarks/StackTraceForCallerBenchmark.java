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
 *
 * <p>{@code printedBefore}/{@code printedAfter}: the variant reported without a fix — a fresh
 * throwable printed into a string that is searched for the first frame past the logger's class
 * (LogKit's {@code StackIntrospector.getCallerMethod}) — against the StackWalker search its
 * message suggests.
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

  @Benchmark
  public String printedBefore() {
    return callPrinted(depth, true);
  }

  @Benchmark
  public String printedAfter() {
    return callPrinted(depth, false);
  }

  @CompilerControl(CompilerControl.Mode.DONT_INLINE)
  private String callPrinted(int remaining, boolean printed) {
    if (remaining > 0) {
      return callPrinted(remaining - 1, printed);
    }
    return printed ? PrintedLookup.callerByText() : PrintedLookup.callerByWalker();
  }

  /** Finds the method that called into this class, the two ways. */
  static final class PrintedLookup {
    private static final String SELF = PrintedLookup.class.getName();

    /** The text way: print a fresh throwable, find the last line naming this class, take the next. */
    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    static String callerByText() {
      java.io.StringWriter text = new java.io.StringWriter();
      new Throwable().printStackTrace(new java.io.PrintWriter(text));
      String stack = text.toString();
      int self = stack.lastIndexOf(SELF + ".");
      int lineStart = stack.indexOf('\n', self) + 1;
      int lineEnd = stack.indexOf('\n', lineStart);
      String line = stack.substring(stack.indexOf("at ", lineStart) + 3, lineEnd);
      String qualified = line.substring(0, line.indexOf('('));
      return qualified.substring(qualified.lastIndexOf('.') + 1);
    }

    /** The walker way: skip to this class's frames, then past them; stop there. */
    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    static String callerByWalker() {
      return StackWalker.getInstance(StackWalker.Option.SHOW_REFLECT_FRAMES)
          .walk(
              frames ->
                  frames
                      .dropWhile(f -> !f.getClassName().equals(SELF))
                      .dropWhile(f -> f.getClassName().equals(SELF))
                      .findFirst())
          .orElseThrow()
          .getMethodName();
    }
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
