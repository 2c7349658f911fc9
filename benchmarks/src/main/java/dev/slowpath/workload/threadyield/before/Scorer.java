package dev.slowpath.workload.threadyield.before;

/** CPU-bound scoring that yields every thousand values "to be fair" to other threads. */
public final class Scorer {
  public double score(double[] values) {
    double sum = 0;
    for (int i = 0; i < values.length; i++) {
      sum += Math.sqrt(values[i]);
      if (i % 1000 == 0) {
        Thread.yield();
      }
    }
    return sum;
  }
}
