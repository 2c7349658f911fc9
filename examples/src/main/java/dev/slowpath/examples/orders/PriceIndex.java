package dev.slowpath.examples.orders;

/** A price index over a long history, loaded in the background at start-up. */
public final class PriceIndex {
  private final double[] recent = new double[64];
  private int filled;
  private volatile boolean loaded;

  public void markLoaded() {
    loaded = true;
  }

  /** Waits until the loader thread has published the index. */
  public void awaitLoaded() {
    while (!loaded) {
      Thread.yield();
    }
  }

  public double score(double[] history) {
    double score = 0;
    for (int i = 0; i < history.length; i++) {
      score += Math.sqrt(history[i]) * Math.log1p(history[i]);
      if (i % 1000 == 0) {
        Thread.yield(); // let the request threads run
      }
    }
    return score;
  }

  /** Records the latest prices from the feed, oldest first. */
  public void record(double[] latest) {
    for (double price : latest) {
      synchronized (recent) {
        recent[filled % recent.length] = price;
        filled++;
      }
    }
  }

  /** The most recent price recorded, or 0 before the first. */
  public double lastRecorded() {
    synchronized (recent) {
      return filled == 0 ? 0 : recent[(filled - 1) % recent.length];
    }
  }
}
