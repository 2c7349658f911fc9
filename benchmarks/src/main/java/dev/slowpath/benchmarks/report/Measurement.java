package dev.slowpath.benchmarks.report;

/**
 * One JMH benchmark's result: the median of its iteration scores with JMH's 99.9% error, the
 * bytes it allocated per operation ({@code -prof gc}), and — for benchmarks whose cost is a
 * waiting thread's CPU — that thread's CPU time per operation ({@code WaiterCpuProfiler}, NaN
 * elsewhere), and — for benchmarks whose cost is a stop-the-world pause — the time all threads
 * stood at safepoints per operation ({@code SafepointProfiler}, NaN elsewhere).
 */
public record Measurement(
    String benchmark,
    String unit,
    double median,
    double error,
    double bytesPerOp,
    double waiterCpuPerOp,
    double safepointPausePerOp) {
  public Measurement(String benchmark, String unit, double median, double error, double bytesPerOp) {
    this(benchmark, unit, median, error, bytesPerOp, Double.NaN, Double.NaN);
  }

  double low() {
    return median - error;
  }

  double high() {
    return median + error;
  }
}
