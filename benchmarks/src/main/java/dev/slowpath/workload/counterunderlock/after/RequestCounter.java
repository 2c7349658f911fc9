package dev.slowpath.workload.counterunderlock.after;

import java.util.concurrent.atomic.LongAdder;

/** Counts the requests served and the bytes sent, from every request thread. */
public final class RequestCounter {
  private final LongAdder served = new LongAdder();
  private final LongAdder bytes = new LongAdder();

  public void served(int length) {
    served.increment();
  }

  public void sent(int length) {
    bytes.add(length);
  }

  public long served() {
    return served.sum();
  }

  public long bytes() {
    return bytes.sum();
  }
}
