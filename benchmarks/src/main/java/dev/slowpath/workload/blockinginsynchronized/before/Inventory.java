package dev.slowpath.workload.blockinginsynchronized.before;

import java.util.concurrent.TimeUnit;

/** Stock levels that a writer updates and writes through to a slow store while readers look them up. */
public final class Inventory {
  private final Object lock = new Object();
  private final long[] levels = new long[64];

  /** Adds to one level and writes it through to the store (a 50 µs call), holding the lock. */
  public void restock(int item, long amount) throws InterruptedException {
    synchronized (lock) {
      levels[item] += amount;
      TimeUnit.MICROSECONDS.sleep(50);
    }
  }

  public long level(int item) {
    synchronized (lock) {
      return levels[item];
    }
  }
}
