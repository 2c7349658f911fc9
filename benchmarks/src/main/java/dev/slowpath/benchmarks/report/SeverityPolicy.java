package dev.slowpath.benchmarks.report;

import java.util.Collection;

/**
 * DESIGN.md's severity policy: the measurements decide.
 *
 * <ul>
 *   <li>WARNING: R ≥ 2 with error bars apart, or A ≥ 10 with R ≥ 1.2;
 *   <li>SUGGESTION: any smaller measurable win, R ≥ 1.1 (error bars apart) or A ≥ 2;
 *   <li>NONE: no measurable win; the check may not ship at WARNING.
 * </ul>
 *
 * A check measured on several JDKs gets the weakest of their verdicts: its severity must hold on
 * every JDK we support.
 */
public final class SeverityPolicy {
  public enum Verdict {
    NONE,
    SUGGESTION,
    WARNING
  }

  private SeverityPolicy() {}

  public static Verdict verdict(Comparison comparison) {
    double r = comparison.timeRatio();
    double a = comparison.allocationRatio();
    if ((r >= 2 && comparison.errorBarsApart()) || (a >= 10 && r >= 1.2)) {
      return Verdict.WARNING;
    }
    if ((r >= 1.1 && comparison.errorBarsApart()) || a >= 2) {
      return Verdict.SUGGESTION;
    }
    return Verdict.NONE;
  }

  public static Verdict verdict(Collection<Comparison> onEveryJdk) {
    Verdict weakest = Verdict.WARNING;
    for (Comparison comparison : onEveryJdk) {
      Verdict verdict = verdict(comparison);
      if (verdict.compareTo(weakest) < 0) {
        weakest = verdict;
      }
    }
    return onEveryJdk.isEmpty() ? Verdict.NONE : weakest;
  }
}
