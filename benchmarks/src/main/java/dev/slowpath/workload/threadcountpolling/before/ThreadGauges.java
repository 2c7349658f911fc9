package dev.slowpath.workload.threadcountpolling.before;

/** JVM gauges a metrics endpoint reads on every scrape: live threads, the way many dashboards count them. */
public final class ThreadGauges {
  /** Live threads, for the "jvm.threads.live" gauge. */
  public int liveThreads() {
    return Thread.getAllStackTraces().size();
  }
}
