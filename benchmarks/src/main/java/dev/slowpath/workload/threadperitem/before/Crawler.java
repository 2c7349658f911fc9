package dev.slowpath.workload.threadperitem.before;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Weighs every item on a thread of its own, named after the item, and waits for all of them. */
public class Crawler {
  public long crawl(List<String> items) throws InterruptedException {
    AtomicLong total = new AtomicLong();
    List<Thread> workers = new ArrayList<>(items.size());
    for (String item : items) {
      Thread worker = new Thread(() -> total.addAndGet(weigh(item)), "weigh " + item);
      workers.add(worker);
      worker.start();
    }
    for (Thread worker : workers) {
      worker.join();
    }
    return total.get();
  }

  /** A short task: a few hundred nanoseconds of work per item. */
  static long weigh(String item) {
    long weight = 0;
    for (int i = 0; i < 256; i++) {
      weight = 31 * weight + item.charAt(i % item.length());
    }
    return weight;
  }
}
