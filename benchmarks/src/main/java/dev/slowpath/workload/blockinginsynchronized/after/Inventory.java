package dev.slowpath.workload.blockinginsynchronized.after;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/** Stock levels that a writer updates and writes through to a slow store while readers look them up. */
public final class Inventory {
  private final ReentrantLock lock = new ReentrantLock();
  private final long[] levels = new long[64];

  /** Adds to one level and writes it through to the store (a 50 µs call), holding the lock. */
  public void restock(int item, long amount) throws InterruptedException {
    lock.lock();
    try {
      levels[item] += amount;
      TimeUnit.MICROSECONDS.sleep(50);
    } finally {
      lock.unlock();
    }
  }

  public long level(int item) {
    lock.lock();
    try {
      return levels[item];
    } finally {
      lock.unlock();
    }
  }
}
