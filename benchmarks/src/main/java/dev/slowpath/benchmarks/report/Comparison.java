package dev.slowpath.benchmarks.report;

/**
 * A check's {@code before} and {@code after} measured side by side in one JMH run. The {@code
 * variant} is empty for the check's main pair (methods {@code before}/{@code after}), which sets
 * its severity; other pairs ({@code spinWaitBefore}/{@code spinWaitAfter}, with their JMH
 * parameters) measure other shapes the check meets, and only inform its page.
 */
public record Comparison(String check, String variant, String jdk, Measurement before, Measurement after) {
  public Comparison(String check, String jdk, Measurement before, Measurement after) {
    this(check, "", jdk, before, after);
  }

  public boolean isMain() {
    return variant.isEmpty();
  }

  /** R: median time per operation, before ÷ after. */
  public double timeRatio() {
    return before.median() / after.median();
  }

  /** The ratio's error, from both medians' errors (relative errors add in quadrature). */
  public double timeRatioError() {
    double relative =
        Math.hypot(before.error() / before.median(), after.error() / after.median());
    return timeRatio() * relative;
  }

  /** Whether the two error bars are apart, {@code before} above. */
  public boolean errorBarsApart() {
    return before.low() > after.high();
  }

  /** Whether both sides recorded the waiting thread's CPU time per operation. */
  public boolean hasWaiterCpu() {
    return !Double.isNaN(before.waiterCpuPerOp()) && !Double.isNaN(after.waiterCpuPerOp());
  }

  /** The waiting thread's CPU per operation, before ÷ after (an idle {@code after} counts as 1 ns). */
  public double waiterCpuRatio() {
    return Math.max(before.waiterCpuPerOp(), 1) / Math.max(after.waiterCpuPerOp(), 1);
  }

  /** Whether the {@code before} side recorded its safepoint time per operation. */
  public boolean hasSafepointPause() {
    return !Double.isNaN(before.safepointPausePerOp()) && !Double.isNaN(after.safepointPausePerOp());
  }

  /**
   * A: allocated bytes per operation, before ÷ after. An {@code after} that allocates nothing
   * counts as one byte, so "allocation removed" reads as a large finite ratio.
   */
  public double allocationRatio() {
    return Math.max(before.bytesPerOp(), 1) / Math.max(after.bytesPerOp(), 1);
  }
}
