package dev.slowpath.workload.counterunderlock.before;

/** Counts the requests served and the bytes sent, from every request thread. */
public final class RequestCounter {
  private long served;
  private long bytes;

  public synchronized void served(int length) {
    served++;
  }

  public void sent(int length) {
    synchronized (this) {
      bytes += length;
    }
  }

  public synchronized long served() {
    return served;
  }

  public synchronized long bytes() {
    return bytes;
  }
}
