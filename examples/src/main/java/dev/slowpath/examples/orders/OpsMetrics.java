package dev.slowpath.examples.orders;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;

/** The text the monitoring agent scrapes from the order service's /metrics every few seconds. */
public final class OpsMetrics {
  /** Frames per thread, "in case we want to see where they are stuck". */
  private static final int STACK_DEPTH = 16;

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

  public String scrape() {
    StringBuilder out = new StringBuilder();
    out.append("jvm_threads_live ").append(Thread.getAllStackTraces().size()).append('\n');
    int[] byState = new int[Thread.State.values().length];
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds(), STACK_DEPTH)) {
      if (info != null) {
        byState[info.getThreadState().ordinal()]++;
      }
    }
    for (Thread.State state : Thread.State.values()) {
      out.append("jvm_threads_state{state=\"").append(state).append("\"} ");
      out.append(byState[state.ordinal()]).append('\n');
    }
    return out.toString();
  }
}
