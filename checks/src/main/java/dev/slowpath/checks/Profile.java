package dev.slowpath.checks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.EventStream;
import jdk.jfr.consumer.RecordedClass;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;

/**
 * What a Java Flight Recorder recording measured, indexed by the method of the application it
 * measured it in: CPU samples (inclusive and self), and per {@link Cost} the events, their time
 * and their bytes, per method and per line of that method.
 *
 * <p>An event is credited to every method of the application on its stack, once per method (a
 * recursive method is not counted twice), at the line that method's frame was executing. Frames
 * of the JDK ({@code java.*}, {@code jdk.*}, {@code sun.*}, {@code com.sun.*}) are never code
 * being compiled, so they are not indexed. A frame of a lambda body ({@code lambda$handle$0}) is
 * credited to the method the lambda was written in ({@code handle}); javac names lambdas in a
 * constructor or field initializer {@code lambda$new$N} and in a static initializer {@code
 * lambda$static$N}.
 */
final class Profile {

  /** The costs a check can point at in a recording, each measured by its own JFR event. */
  enum Cost {
    /** {@code jdk.JavaMonitorEnter}: a thread waited to enter a contended monitor. */
    MONITOR_ENTER,
    /** {@code jdk.ThreadPark} under {@code ReentrantLock} / {@code ReentrantReadWriteLock}: a lock wait. */
    LOCK_WAIT,
    /** {@code jdk.VirtualThreadPinned}: a virtual thread blocked while pinned to its carrier (JDK 21+). */
    PINNED,
    /** {@code jdk.ThreadStart}, on the stack of the thread that called {@code start()}. */
    THREAD_START,
    /** {@code jdk.ThreadSleep}. */
    SLEEP,
    /** {@code jdk.SystemGC}: a collection asked for by {@code System.gc()} / {@code Runtime.gc()}. */
    SYSTEM_GC,
    /** {@code jdk.ObjectAllocationSample} of a {@code byte[]}, {@code char[]} or {@code ByteBuffer}. */
    BUFFER_ALLOCATION,
    /** {@code jdk.ObjectAllocationSample} of a box ({@code Integer}, {@code Long}, ...) or a varargs {@code Object[]}. */
    BOX_ALLOCATION,
    /**
     * {@code jdk.ObjectAllocationSample} under a JDK method that takes stack traces ({@code
     * Throwable.getStackTrace}, {@code Thread.getStackTrace}, ...). Thread snapshots taken at a
     * safepoint ({@code Thread.getAllStackTraces}, {@code ThreadMXBean.getThreadInfo}) allocate in
     * the VM and are not sampled: they show as VM operations, see {@link #vmOperation}.
     */
    STACK_TRACE_ALLOCATION;

    /** Whether this cost is measured by allocation samples, which are weighed by bytes. */
    boolean isAllocation() {
      return this == BUFFER_ALLOCATION || this == BOX_ALLOCATION || this == STACK_TRACE_ALLOCATION;
    }
  }

  /** How many events, how long they lasted and how many bytes they weighed. */
  static final class Tally {
    long events;
    long nanos;
    long bytes;

    void add(long nanos, long bytes) {
      this.events++;
      this.nanos += nanos;
      this.bytes += bytes;
    }

    void addAll(Tally other) {
      this.events += other.events;
      this.nanos += other.nanos;
      this.bytes += other.bytes;
    }
  }

  /** A method of the application, as the recording saw it. */
  static final class Place {
    /** The last stack credited here: a stack is credited once per method, however deep its recursion. */
    private long lastStack = -1;
    long cpuSelf;
    long cpuInclusive;
    final Map<Cost, Tally> costs = new EnumMap<>(Cost.class);
    /** Line number to the costs recorded while this method's frame was at that line. */
    final Map<Integer, Map<Cost, Tally>> costsByLine = new HashMap<>();

    Tally cost(Cost cost) {
      return costs.getOrDefault(cost, EMPTY);
    }

    /** The costs recorded at lines {@code first} to {@code last} of this method. */
    Tally cost(Cost cost, int first, int last) {
      Tally sum = new Tally();
      costsByLine.forEach(
          (line, costs) -> {
            if (line >= first && line <= last && costs.containsKey(cost)) {
              sum.addAll(costs.get(cost));
            }
          });
      return sum;
    }
  }

  static final Tally EMPTY = new Tally();

  // RecordedClass names arrays as the JVM does: "[B" is byte[], "[Ljava.lang.Object;" Object[].
  private static final Set<String> BUFFER_CLASSES =
      Set.of("[B", "[C", "java.nio.HeapByteBuffer", "java.nio.DirectByteBuffer");

  private static final Set<String> BOX_CLASSES =
      Set.of(
          "java.lang.Integer", "java.lang.Long", "java.lang.Short", "java.lang.Byte", "java.lang.Character",
          "java.lang.Float", "java.lang.Double", "[Ljava.lang.Object;");

  /** JDK methods that walk thread stacks: {@code Thread}, {@code Throwable}, the thread MXBean, thread groups. */
  private static boolean takesStackTraces(String type, String name) {
    switch (type) {
      case "java.lang.Thread":
        return name.equals("getAllStackTraces") || name.equals("getStackTrace") || name.equals("dumpThreads");
      case "java.lang.Throwable":
        return name.equals("getStackTrace") || name.equals("getOurStackTrace") || name.equals("fillInStackTrace");
      case "java.lang.ThreadGroup":
        return name.equals("activeCount") || name.equals("enumerate");
      case "sun.management.ThreadImpl":
        return name.startsWith("getThreadInfo") || name.startsWith("dumpAllThreads") || name.startsWith("dumpThreads");
      default:
        return false;
    }
  }

  private final Map<MethodKey, Place> byDescriptor = new HashMap<>();
  private final Map<MethodKey, Place> byName = new HashMap<>();
  private final Map<String, Long> finalizersRun = new HashMap<>();
  private final Map<String, Tally> vmOperations = new HashMap<>();
  private final Map<String, Map<String, Long>> vmOperationCallers = new HashMap<>();
  private final Set<String> types = new HashSet<>();
  /** What each recorded method is: the parser hands out one RecordedMethod object per method. */
  private final Map<RecordedMethod, Frame> frames = new IdentityHashMap<>();
  private long cpuSamples;
  private long allocationBytes;

  /**
   * A recorded method as indexed: all methods of its name (and lambdas in them) and it exactly,
   * both null for the JDK's; and whether it is one of the JDK's lock or stack-trace methods.
   */
  private record Frame(Place byName, Place exact, boolean reentrantLock, boolean takesStackTraces) {}

  /** A native frame, or one without a method. */
  private static final Frame NOT_INDEXED = new Frame(null, null, false, false);

  /** A method by its class's binary name, its name and (for {@link #byDescriptor}) its JVM descriptor. */
  record MethodKey(String type, String name, String descriptor) {}

  private Profile() {}

  /** The events read; every other event type is skipped by the parser, unread. */
  private static final List<String> EVENTS =
      List.of(
          "jdk.ExecutionSample", "jdk.JavaMonitorEnter", "jdk.ThreadPark", "jdk.VirtualThreadPinned", "jdk.ThreadStart",
          "jdk.ThreadSleep", "jdk.SystemGC", "jdk.ObjectAllocationSample", "jdk.ExecuteVMOperation",
          "jdk.FinalizerStatistics");

  /** Every JFR file (each chunk) starts with these bytes. */
  private static final byte[] RECORDING_MAGIC = {'F', 'L', 'R', 0};

  /** Reads a recording; throws IOException for a file that is not one. */
  static Profile read(Path file) throws IOException {
    // The stream API reads a file that is not a recording as one with no events: check the magic.
    byte[] magic = new byte[4];
    try (InputStream in = Files.newInputStream(file)) {
      if (in.readNBytes(magic, 0, 4) != 4 || !Arrays.equals(magic, RECORDING_MAGIC)) {
        throw new IOException("no JFR file header");
      }
    }
    Profile profile = new Profile();
    try (EventStream events = EventStream.openFile(file)) {
      for (String event : EVENTS) {
        events.onEvent(event, profile::add);
      }
      events.start(); // reads the whole file in this thread
    }
    profile.creditStacks();
    profile.stacks.clear(); // the parser's objects are not needed once credited
    profile.frames.clear();
    return profile;
  }

  /** The method with this JVM descriptor, or null when the recording never saw it. */
  Place method(String type, String name, String descriptor) {
    return byDescriptor.get(new MethodKey(type, name, descriptor));
  }

  /** Every method of this name in the class, and the lambdas written in them; null when never seen. */
  Place methodsNamed(String type, String name) {
    return byName.get(new MethodKey(type, name, null));
  }

  long cpuSamples() {
    return cpuSamples;
  }

  /** The weight of every allocation sample: JFR's estimate of all bytes the application allocated. */
  long allocationBytes() {
    return allocationBytes;
  }

  /** How many finalizers of this class ran ({@code jdk.FinalizerStatistics}, JDK 18+), or 0. */
  long finalizersRun(String type) {
    return finalizersRun.getOrDefault(type, 0L);
  }

  /**
   * VM operations of this name ({@code ThreadDump}, {@code FindDeadlocks}, ...) in the whole
   * recording. {@code jdk.ExecuteVMOperation} has no stack trace: it names only the thread that
   * asked for the operation.
   */
  Tally vmOperation(String name) {
    return vmOperations.getOrDefault(name, EMPTY);
  }

  /** The threads that asked for VM operations of this name, and how often each did. */
  Map<String, Long> vmOperationCallers(String name) {
    return vmOperationCallers.getOrDefault(name, Map.of());
  }

  /** Whether any frame of the recording is in a class whose binary name starts with {@code prefix}. */
  boolean hasTypesUnder(String prefix) {
    return types.stream().anyMatch(t -> t.startsWith(prefix));
  }

  // ------------------------------------------------------------------------------------ reading

  /**
   * What the events on one stack add up to. The parser hands out one RecordedStackTrace object
   * per distinct stack of a chunk (H2 under load: 86,490 allocation samples on 3,583 stacks), so
   * events are summed per stack while reading and credited to the stack's methods once, at the end.
   */
  private static final class StackTotals {
    /** The stack's frames, innermost first, as indexed, and the line each was at. */
    final Frame[] frames;
    final int[] lines;
    final boolean reentrantLock;
    final boolean takesStackTraces;
    long cpuSamples;
    final Tally[] costs = new Tally[Cost.values().length];

    StackTotals(Frame[] frames, int[] lines) {
      this.frames = frames;
      this.lines = lines;
      this.reentrantLock = Arrays.stream(frames).anyMatch(Frame::reentrantLock);
      this.takesStackTraces = Arrays.stream(frames).anyMatch(Frame::takesStackTraces);
    }

    void add(Cost cost, long nanos, long bytes) {
      if (costs[cost.ordinal()] == null) {
        costs[cost.ordinal()] = new Tally();
      }
      costs[cost.ordinal()].add(nanos, bytes);
    }
  }

  private final Map<RecordedStackTrace, StackTotals> stacks = new IdentityHashMap<>();

  private StackTotals totals(RecordedStackTrace stack) {
    return stack == null ? null : stacks.computeIfAbsent(stack, this::walk);
  }

  /** One pass over a new stack: JFR's accessors look fields up by name, so each is called once. */
  private StackTotals walk(RecordedStackTrace stack) {
    List<RecordedFrame> recorded = stack.getFrames();
    Frame[] indexed = new Frame[recorded.size()];
    int[] lines = new int[recorded.size()];
    for (int i = 0; i < indexed.length; i++) {
      RecordedFrame frame = recorded.get(i);
      RecordedMethod method = frame.isJavaFrame() ? frame.getMethod() : null;
      indexed[i] = method == null ? NOT_INDEXED : frames.computeIfAbsent(method, this::index);
      lines[i] = frame.getLineNumber();
    }
    return new StackTotals(indexed, lines);
  }

  private void add(RecordedEvent event) {
    StackTotals stack = totals(event.getStackTrace());
    switch (event.getEventType().getName()) {
      case "jdk.ExecutionSample":
        cpuSamples++;
        if (stack != null) {
          stack.cpuSamples++;
        }
        break;
      case "jdk.JavaMonitorEnter":
        add(stack, Cost.MONITOR_ENTER, nanos(event), 0);
        break;
      case "jdk.ThreadPark":
        if (stack != null && stack.reentrantLock) {
          add(stack, Cost.LOCK_WAIT, nanos(event), 0);
        }
        break;
      case "jdk.VirtualThreadPinned":
        add(stack, Cost.PINNED, nanos(event), 0);
        break;
      case "jdk.ThreadStart":
        add(stack, Cost.THREAD_START, 0, 0);
        break;
      case "jdk.ThreadSleep":
        add(stack, Cost.SLEEP, nanos(event), 0);
        break;
      case "jdk.SystemGC":
        add(stack, Cost.SYSTEM_GC, nanos(event), 0);
        break;
      case "jdk.ObjectAllocationSample":
        addAllocation(event, stack);
        break;
      case "jdk.ExecuteVMOperation":
        String operation = event.getString("operation");
        vmOperations.computeIfAbsent(operation, k -> new Tally()).add(nanos(event), 0);
        RecordedThread caller = event.getThread("caller");
        if (caller != null && caller.getJavaName() != null) {
          vmOperationCallers.computeIfAbsent(operation, k -> new HashMap<>()).merge(caller.getJavaName(), 1L, Long::sum);
        }
        break;
      case "jdk.FinalizerStatistics":
        RecordedClass finalizable = event.getClass("finalizableClass");
        if (finalizable != null) {
          // Cumulative per class, emitted again at the end of every chunk: keep the last, largest.
          finalizersRun.merge(finalizable.getName(), event.getLong("totalFinalizersRun"), Math::max);
        }
        break;
      default:
        break;
    }
  }

  private static void add(StackTotals stack, Cost cost, long nanos, long bytes) {
    if (stack != null) {
      stack.add(cost, nanos, bytes);
    }
  }

  private void addAllocation(RecordedEvent event, StackTotals stack) {
    RecordedClass allocated = event.getClass("objectClass");
    long weight = event.getLong("weight");
    allocationBytes += weight;
    if (allocated == null || stack == null) {
      return;
    }
    String name = allocated.getName();
    if (stack.takesStackTraces) {
      stack.add(Cost.STACK_TRACE_ALLOCATION, 0, weight);
    } else if (BUFFER_CLASSES.contains(name)) {
      stack.add(Cost.BUFFER_ALLOCATION, 0, weight);
    } else if (BOX_CLASSES.contains(name)) {
      stack.add(Cost.BOX_ALLOCATION, 0, weight);
    }
  }

  private static long nanos(RecordedEvent event) {
    Duration duration = event.getDuration();
    return duration.isNegative() ? 0 : duration.toNanos();
  }

  /**
   * Credits each stack's totals to every method of the application on it: once per method, at
   * the line its innermost frame was at; CPU samples also to the top frame's method as self time.
   */
  private void creditStacks() {
    long stamp = 0;
    for (StackTotals stack : stacks.values()) {
      stamp++;
      for (int i = 0; i < stack.frames.length; i++) {
        creditOnce(stack.frames[i].byName(), stamp, stack, i == 0, stack.lines[i]);
        creditOnce(stack.frames[i].exact(), stamp, stack, i == 0, stack.lines[i]);
      }
    }
  }

  private static void creditOnce(Place place, long stamp, StackTotals totals, boolean top, int line) {
    if (place == null || place.lastStack == stamp) {
      return;
    }
    place.lastStack = stamp;
    place.cpuInclusive += totals.cpuSamples;
    if (top) {
      place.cpuSelf += totals.cpuSamples;
    }
    for (Cost cost : COSTS) {
      Tally tally = totals.costs[cost.ordinal()];
      if (tally != null) {
        place.costs.computeIfAbsent(cost, k -> new Tally()).addAll(tally);
        if (line > 0) {
          place.costsByLine
              .computeIfAbsent(line, k -> new EnumMap<>(Cost.class))
              .computeIfAbsent(cost, k -> new Tally())
              .addAll(tally);
        }
      }
    }
  }

  private static final Cost[] COSTS = Cost.values();

  private Frame index(RecordedMethod method) {
    if (method.getType() == null) {
      return NOT_INDEXED;
    }
    String type = method.getType().getName();
    String name = method.getName();
    if (isJdk(type)) {
      boolean lock =
          type.startsWith("java.util.concurrent.locks.ReentrantLock")
              || type.startsWith("java.util.concurrent.locks.ReentrantReadWriteLock");
      return new Frame(null, null, lock, takesStackTraces(type, name));
    }
    types.add(type);
    String lambdaHost = lambdaHost(name);
    Place byNamePlace = byName.computeIfAbsent(new MethodKey(type, lambdaHost != null ? lambdaHost : name, null), k -> new Place());
    Place exact =
        lambdaHost != null
            ? null
            : byDescriptor.computeIfAbsent(new MethodKey(type, name, method.getDescriptor()), k -> new Place());
    return new Frame(byNamePlace, exact, false, false);
  }

  /** The method a lambda body was written in, from javac's {@code lambda$<method>$<n>}; else null. */
  static String lambdaHost(String name) {
    if (!name.startsWith("lambda$")) {
      return null;
    }
    int end = name.indexOf('$', "lambda$".length());
    if (end < 0) {
      return null;
    }
    String host = name.substring("lambda$".length(), end);
    switch (host) {
      case "new":
        return "<init>";
      case "static":
        return "<clinit>";
      default:
        return host;
    }
  }

  private static boolean isJdk(String type) {
    return type.startsWith("java.") || type.startsWith("jdk.") || type.startsWith("sun.") || type.startsWith("com.sun.");
  }
}
