package dev.slowpath.checks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.slowpath.checks.Profile.Cost;
import dev.slowpath.checks.Profile.Place;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the JDK this runs on really records for each event a check reads, and that {@link
 * Profile} credits it to the method and line that caused it: the mapping docs/profile.md
 * documents, checked on both JDK legs.
 */
final class ProfileTest {
  private static final String LOADS = ProfiledLoads.class.getName();
  private static final Map<String, Integer> LINES = new HashMap<>();
  private static Profile profile;

  @BeforeAll
  static void recordTheLoads() throws Exception {
    Path recording =
        Recordings.record(
            () -> {
              try {
                LINES.put("startThreads", ProfiledLoads.startThreads(5));
                LINES.put("enterContendedMonitor", ProfiledLoads.enterContendedMonitor());
                LINES.put("waitForReentrantLock", ProfiledLoads.waitForReentrantLock());
                LINES.put("sleep", ProfiledLoads.sleep());
                LINES.put("collect", ProfiledLoads.collect());
                LINES.put("allocateBuffers", ProfiledLoads.allocateBuffers());
                LINES.put("box", ProfiledLoads.box());
                LINES.put("countThreadsBySnapshot", ProfiledLoads.countThreadsBySnapshot());
                LINES.put("findCallerByStackTrace", ProfiledLoads.findCallerByStackTrace());
                ProfiledLoads.searchForDeadlocks();
                ProfiledLoads.spinInLambda();
                ProfiledLoads.finalizeSome();
                if (Runtime.version().feature() >= 21) {
                  LINES.put("sleepInSynchronizedOnVirtualThread", ProfiledLoads.sleepInSynchronizedOnVirtualThread());
                }
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    profile = Profile.read(recording);
  }

  private static Place place(String method) {
    Place place = profile.methodsNamed(LOADS, method);
    assertNotNull(place, method + " is not in the recording");
    return place;
  }

  private static void assertAtItsLine(String method, Cost cost, long atLeast) {
    assertAtItsLines(method, cost, atLeast, 0);
  }

  /** Every event of {@code cost} in {@code method} is at its marked line or the {@code more} after it. */
  private static void assertAtItsLines(String method, Cost cost, long atLeast, int more) {
    Place place = place(method);
    int line = LINES.get(method);
    long inMethod = place.cost(cost).events;
    long atLine = place.cost(cost, line, line + more).events;
    assertTrue(inMethod >= atLeast, method + ": " + inMethod + " " + cost + " events");
    assertEquals(inMethod, atLine, method + ": every " + cost + " event at lines " + line + "-" + (line + more));
  }

  @Test
  void threadStartIsRecordedOnTheStackOfTheThreadThatStartsIt() {
    assertAtItsLine("startThreads", Cost.THREAD_START, 5);
    assertEquals(5, place("startThreads").cost(Cost.THREAD_START).events);
  }

  @Test
  void contendedMonitorEnterIsRecordedAtTheSynchronizedStatement() {
    // The frame's line is the first statement inside the block (the monitorenter's successor),
    // within the synchronized statement's lines, which is where a finding's range looks.
    assertAtItsLines("enterContendedMonitor", Cost.MONITOR_ENTER, 1, 2);
    long blocked = place("enterContendedMonitor").cost(Cost.MONITOR_ENTER).nanos;
    assertTrue(blocked >= 10_000_000L, "blocked for the holder's sleep: " + blocked + " ns");
  }

  @Test
  void reentrantLockContentionIsAParkUnderReentrantLock() {
    assertAtItsLine("waitForReentrantLock", Cost.LOCK_WAIT, 1);
    // Parks that are not lock waits (the sleep of the lock's holder) are not lock waits.
    assertEquals(0, place("sleep").cost(Cost.LOCK_WAIT).events);
  }

  @Test
  void sleepIsRecorded() {
    assertAtItsLine("sleep", Cost.SLEEP, 1);
  }

  @Test
  void systemGcIsRecordedWithTheCallersStack() {
    assertAtItsLine("collect", Cost.SYSTEM_GC, 1);
  }

  @Test
  void bufferAllocationsAreSampled() {
    assertAtItsLine("allocateBuffers", Cost.BUFFER_ALLOCATION, 1);
    assertTrue(place("allocateBuffers").cost(Cost.BUFFER_ALLOCATION).bytes > 0);
  }

  @Test
  void boxingIsSampledAsBoxAllocation() {
    assertAtItsLine("box", Cost.BOX_ALLOCATION, 1);
  }

  /**
   * A thread snapshot's cost is a safepoint, and its stack traces are built inside the VM: no
   * event with a stack trace points at the caller, only {@code jdk.ExecuteVMOperation}, which
   * names the thread that asked.
   */
  @Test
  void threadSnapshotsAreVmOperationsNamingTheThreadThatAsked() {
    assertTrue(profile.vmOperation("ThreadDump").events >= 300, "one ThreadDump VM operation per call");
    assertTrue(
        profile.vmOperationCallers("ThreadDump").getOrDefault(Thread.currentThread().getName(), 0L) >= 300,
        profile.vmOperationCallers("ThreadDump").toString());
    // (The Java part of Thread.getAllStackTraces, the map it fills, may now and then be caught by
    // an allocation sample; the stacks themselves are built in the VM and never are.)
  }

  @Test
  void deadlockSearchesAreFindDeadlocksVmOperations() {
    assertTrue(profile.vmOperation("FindDeadlocks").events >= 20, "one FindDeadlocks VM operation per search");
    assertTrue(
        profile.vmOperationCallers("FindDeadlocks").getOrDefault(Thread.currentThread().getName(), 0L) >= 20,
        profile.vmOperationCallers("FindDeadlocks").toString());
  }

  @Test
  void throwableStackTracesAreSampledAsStackTraceAllocation() {
    assertAtItsLine("findCallerByStackTrace", Cost.STACK_TRACE_ALLOCATION, 1);
    // Events without a stack trace call on the stack are not stack-trace allocations.
    assertEquals(0, place("allocateBuffers").cost(Cost.STACK_TRACE_ALLOCATION).events);
  }

  @Test
  void cpuSamplesOfALambdaBelongToTheMethodItIsWrittenIn() {
    Place spin = place("spinInLambda");
    // Half a second of spinning at one sample per 10 ms: a busy CI machine may take some of it away.
    assertTrue(spin.cpuInclusive > 5, spin.cpuInclusive + " samples");
    assertTrue(spin.cpuSelf > 5, "the lambda's own frame is the top frame: " + spin.cpuSelf);
    assertTrue(profile.cpuSamples() >= spin.cpuInclusive);
    Place ownFrames = profile.method(LOADS, "spinInLambda", "()V");
    long ownSamples = ownFrames == null ? 0 : ownFrames.cpuInclusive;
    assertTrue(spin.cpuInclusive > ownSamples + 5, "the lambda's samples, on another thread, count for its method");
  }

  @Test
  void exactMethodsAreKeyedByTheirJvmDescriptor() {
    assertNotNull(profile.method(LOADS, "startThreads", "(I)I"));
    assertNull(profile.method(LOADS, "startThreads", "()I"));
  }

  @Test
  void jdkFramesAreNotIndexed() {
    assertTrue(profile.hasTypesUnder("dev.slowpath."));
    assertNull(profile.methodsNamed("java.lang.Thread", "start"));
    assertTrue(!profile.hasTypesUnder("java."));
  }

  /**
   * JEP 491 (JDK 24): a virtual thread that sleeps holding a monitor unmounts, so no pin is
   * recorded; on JDK 21-23 the same code records {@code jdk.VirtualThreadPinned} at the sleep.
   */
  @Test
  void sleepingInSynchronizedPinsOnlyBeforeJdk24() {
    assumeTrue(Runtime.version().feature() >= 21, "virtual threads");
    if (Runtime.version().feature() >= 24) {
      Place place = profile.methodsNamed(LOADS, "sleepInSynchronizedOnVirtualThread");
      assertEquals(0, place == null ? 0 : place.cost(Cost.PINNED).events);
    } else {
      assertAtItsLine("sleepInSynchronizedOnVirtualThread", Cost.PINNED, 1);
    }
  }

  /** jdk.FinalizerStatistics (JDK 18+): per class, at the end of each chunk; absent before. */
  @Test
  void finalizersRunAreCountedPerClass() {
    String type = ProfiledLoads.Finalizable.class.getName();
    if (Runtime.version().feature() >= 18) {
      assertTrue(profile.finalizersRun(type) > 0, "finalizers of " + type);
    } else {
      assertEquals(0, profile.finalizersRun(type));
    }
  }

  @Test
  void lambdaNamesMapToTheirHostMethod() {
    assertEquals("handle", Profile.lambdaHost("lambda$handle$0"));
    assertEquals("<init>", Profile.lambdaHost("lambda$new$3"));
    assertEquals("<clinit>", Profile.lambdaHost("lambda$static$1"));
    assertEquals("handle", Profile.lambdaHost("lambda$handle$a1b2c3$1"));
    assertNull(Profile.lambdaHost("handle"));
  }
}
