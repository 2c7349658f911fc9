package dev.slowpath.examples.orders;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.EnumMap;
import java.util.Map;

/** The text the monitoring agent scrapes from the order service's /metrics every few seconds. */
public final class OpsMetrics {
  /** Frames per thread, "in case we want to see where they are stuck". */
  private static final int STACK_DEPTH = 16;

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

  public String scrape() {
    StringBuilder out = new StringBuilder();
    out.append("jvm_threads_live ").append(Thread.getAllStackTraces().size()).append('\n');
    Map<Thread.State, Integer> byState = new EnumMap<>(Thread.State.class);
    for (Thread.State state : Thread.State.values()) {
      byState.put(state, 0);
    }
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds(), STACK_DEPTH)) {
      if (info != null) {
        byState.merge(info.getThreadState(), 1, Integer::sum);
      }
    }
    byState.forEach(
        (state, count) -> out.append("jvm_threads_state{state=\"").append(state).append("\"} ").append(count).append('\n'));
    return out.toString();
  }
}
