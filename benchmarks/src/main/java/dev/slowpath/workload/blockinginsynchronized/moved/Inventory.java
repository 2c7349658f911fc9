package dev.slowpath.workload.blockinginsynchronized.moved;

import java.util.concurrent.TimeUnit;

/**
 * What BlockingInSynchronized's message recommends, by hand: the write-through happens after the
 * monitor is released. Not a fix the check makes (only the author knows whether the store write
 * may run unlocked), so it is measured as another shape, not as the check's {@code after}.
 */
public final class Inventory {
  private final Object lock = new Object();
  private final long[] levels = new long[64];

  public void restock(int item, long amount) throws InterruptedException {
    synchronized (lock) {
      levels[item] += amount;
    }
    TimeUnit.MICROSECONDS.sleep(50);
  }

  public long level(int item) {
    synchronized (lock) {
      return levels[item];
    }
  }
}
