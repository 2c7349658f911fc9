package dev.slowpath.workload.lockinloop.before;

/** A board of prices that a feed updates in batches while others read it. */
public final class PriceBoard {
  private final double[] prices = new double[64];
  private long version;

  public void update(double[] batch) {
    for (int i = 0; i < batch.length; i++) {
      synchronized (this) {
        prices[i] = batch[i];
        version++;
      }
    }
  }

  public synchronized double price(int i) {
    return prices[i] + version;
  }
}
