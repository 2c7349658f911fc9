package dev.slowpath.benchmarks.report;

/**
 * One JMH benchmark's result: the median of its iteration scores with JMH's 99.9% error, and the
 * bytes it allocated per operation ({@code -prof gc}).
 */
public record Measurement(String benchmark, String unit, double median, double error, double bytesPerOp) {
  double low() {
    return median - error;
  }

  double high() {
    return median + error;
  }
}
