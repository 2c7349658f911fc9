package dev.slowpath.workload.stoptheworldsnapshot.after;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;

/** Thread counts by state, for a metrics endpoint that reads them on every scrape. */
public final class ThreadStatesGauge {
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

  /** How many threads are in each {@link Thread.State}, indexed by ordinal. */
  public int[] countByState() {
    int[] counts = new int[Thread.State.values().length];
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null) {
        counts[info.getThreadState().ordinal()]++;
      }
    }
    return counts;
  }

  /** Threads blocked on a monitor right now, and for how many monitor entries in total. */
  public long blockedEntries() {
    long entries = 0;
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && info.getThreadState() == Thread.State.BLOCKED) {
        entries += info.getBlockedCount();
      }
    }
    return entries;
  }
}
