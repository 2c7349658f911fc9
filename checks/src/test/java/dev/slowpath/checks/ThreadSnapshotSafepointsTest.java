package dev.slowpath.checks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Which thread and deadlock snapshots stop the world, on the JDK this runs on: the facts behind
 * issue 10's ThreadCountPolling and StopTheWorldSnapshot. Each API is called while JFR records
 * {@code jdk.ExecuteVMOperation} in process; the VM operations that the calling thread asked for,
 * and whether each ran at a safepoint, are what is asserted. On JDK 17.0.15 and 25.0.3 (2026-11-30)
 * both gave the same answers.
 */
final class ThreadSnapshotSafepointsTest {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final List<Thread> PARKED = new ArrayList<>();
  private static final CountDownLatch RELEASE = new CountDownLatch(1);

  /**
   * Collections this thread's own allocation may trigger during a call (G1CollectForAllocation,
   * CollectForMetadataAllocation, …): not the API's doing, and left out.
   */
  private static final Pattern COLLECTION = Pattern.compile("(?i).*(collect|gc|pause|mark|relocat).*");

  /** Fifty parked threads, so that a thread dump has stacks to walk. */
  @BeforeAll
  static void parkThreads() {
    for (int i = 0; i < 50; i++) {
      Thread thread =
          new Thread(
              () -> {
                try {
                  RELEASE.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      thread.setDaemon(true);
      thread.start();
      PARKED.add(thread);
    }
  }

  @AfterAll
  static void releaseThreads() {
    RELEASE.countDown();
  }

  @Test
  void stackDepthOrLockFlagsTakeAThreadDumpSafepoint() throws Exception {
    long[] ids = THREADS.getAllThreadIds();
    assertEquals(Map.of("ThreadDump", 3), operations(() -> THREADS.getThreadInfo(ids, 8)));
    // The lock-flag overload walks whole stacks (maxDepth -1), even with both flags false.
    assertEquals(Map.of("ThreadDump", 3), operations(() -> THREADS.getThreadInfo(ids, false, false)));
    // The four-argument form dumps through the same VM operation even with depth 0 and no locks.
    assertEquals(Map.of("ThreadDump", 3), operations(() -> THREADS.getThreadInfo(ids, false, false, 0)));
    assertEquals(Map.of("ThreadDump", 3), operations(() -> THREADS.dumpAllThreads(false, false)));
    assertEquals(Map.of("ThreadDump", 3), operations(() -> Thread.getAllStackTraces().size()));
  }

  @Test
  void deadlockSearchesTakeAFindDeadlocksSafepoint() throws Exception {
    assertEquals(Map.of("FindDeadlocks", 3), operations(THREADS::findDeadlockedThreads));
    assertEquals(Map.of("FindDeadlocks", 3), operations(THREADS::findMonitorDeadlockedThreads));
  }

  @Test
  void statesAndCountsTakeNoSafepoint() throws Exception {
    long[] ids = THREADS.getAllThreadIds();
    assertEquals(Map.of(), operations(() -> THREADS.getThreadInfo(ids)));
    assertEquals(Map.of(), operations(() -> THREADS.getThreadInfo(ids, 0)));
    assertEquals(Map.of(), operations(THREADS::getThreadCount));
    assertEquals(Map.of(), operations(Thread::activeCount));
    assertEquals(Map.of(), operations(() -> Thread.currentThread().getThreadGroup().activeCount()));
  }

  /**
   * Memory and collector statistics read through the platform {@code MBeanServer} — what JVM
   * metrics exporters poll — are counter reads: no VM operation at a safepoint (why
   * StopTheWorldSnapshot leaves {@code getAttribute} of these alone).
   */
  @Test
  void memoryAndCollectorAttributesTakeNoSafepoint() throws Exception {
    javax.management.MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    javax.management.ObjectName memory = new javax.management.ObjectName("java.lang:type=Memory");
    javax.management.ObjectName pools = new javax.management.ObjectName("java.lang:type=MemoryPool,*");
    javax.management.ObjectName collectors = new javax.management.ObjectName("java.lang:type=GarbageCollector,*");
    javax.management.ObjectName buffers = new javax.management.ObjectName("java.nio:type=BufferPool,*");
    assertEquals(
        Map.of(),
        operations(
            () -> {
              try {
                server.getAttribute(memory, "HeapMemoryUsage");
                for (javax.management.ObjectName pool : server.queryNames(pools, null)) {
                  server.getAttribute(pool, "Usage");
                }
                for (javax.management.ObjectName collector : server.queryNames(collectors, null)) {
                  server.getAttribute(collector, "CollectionCount");
                  server.getAttribute(collector, "CollectionTime");
                }
                for (javax.management.ObjectName buffer : server.queryNames(buffers, null)) {
                  server.getAttribute(buffer, "MemoryUsed");
                }
              } catch (javax.management.JMException e) {
                throw new IllegalStateException(e);
              }
            }));
  }

  /**
   * The VM operations that ran at a safepoint at this thread's request while {@code call} ran
   * three times, by name, with their counts.
   */
  private static Map<String, Integer> operations(Runnable call) throws Exception {
    Path file = Files.createTempFile("safepoints", ".jfr");
    try {
      try (Recording recording = new Recording()) {
        recording.enable("jdk.ExecuteVMOperation").withThreshold(Duration.ZERO);
        recording.start();
        for (int i = 0; i < 3; i++) {
          call.run();
        }
        recording.stop();
        recording.dump(file);
      }
      String me = Thread.currentThread().getName();
      Map<String, Integer> operations = new TreeMap<>();
      for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
        RecordedThread caller = event.getThread("caller");
        if (event.getEventType().getName().equals("jdk.ExecuteVMOperation")
            && event.getBoolean("safepoint")
            && caller != null
            && me.equals(caller.getJavaName())
            && !COLLECTION.matcher(event.getString("operation")).matches()) {
          operations.merge(event.getString("operation"), 1, Integer::sum);
        }
      }
      return operations;
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
