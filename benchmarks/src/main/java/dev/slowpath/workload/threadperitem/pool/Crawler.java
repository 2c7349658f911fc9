package dev.slowpath.workload.threadperitem.pool;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What ThreadPerItem's text asks for below {@code --release 21}, written by hand (there is no
 * mechanical fix there): one bounded pool shared by the class, sized to the processors for this
 * CPU work, and the futures waited on where the original joined its threads.
 */
public class Crawler {
  private static final ExecutorService WORKERS =
      Executors.newFixedThreadPool(
          Runtime.getRuntime().availableProcessors(),
          task -> {
            Thread thread = new Thread(task, "crawler");
            thread.setDaemon(true);
            return thread;
          });

  public long crawl(List<String> items) throws InterruptedException {
    List<Future<Long>> weights = new ArrayList<>(items.size());
    for (String item : items) {
      weights.add(WORKERS.submit(() -> weigh(item)));
    }
    long total = 0;
    for (Future<Long> weight : weights) {
      try {
        total += weight.get();
      } catch (ExecutionException e) {
        throw new IllegalStateException(e.getCause());
      }
    }
    return total;
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
