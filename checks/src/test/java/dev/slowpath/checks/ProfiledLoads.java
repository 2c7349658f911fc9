package dev.slowpath.checks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Small loads that each make the JVM record one kind of event, from a method of their own: what
 * {@link ProfileTest} reads back. Each returns the line of the call whose event it expects.
 */
final class ProfiledLoads {
  static volatile Object sink;

  private ProfiledLoads() {}

  static int startThreads(int count) throws InterruptedException {
    List<Thread> threads = new ArrayList<>();
    int line = 0;
    for (int i = 0; i < count; i++) {
      Thread thread = new Thread(() -> {});
      line = here() + 1;
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join();
    }
    return line;
  }

  static int enterContendedMonitor() throws InterruptedException {
    Object monitor = new Object();
    Thread holder = holdWhileSleeping(monitor);
    int line = here() + 1;
    synchronized (monitor) {
      sink = monitor;
    }
    holder.join();
    return line;
  }

  static int waitForReentrantLock() throws InterruptedException {
    ReentrantLock lock = new ReentrantLock();
    Thread holder =
        new Thread(
            () -> {
              lock.lock();
              try {
                Thread.sleep(100);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } finally {
                lock.unlock();
              }
            });
    holder.start();
    while (!lock.isLocked()) {
      Thread.onSpinWait();
    }
    int line = here() + 1;
    lock.lock();
    lock.unlock();
    holder.join();
    return line;
  }

  static int sleep() throws InterruptedException {
    int line = here() + 1;
    Thread.sleep(30);
    return line;
  }

  static int collect() {
    int line = here() + 1;
    System.gc();
    return line;
  }

  static int allocateBuffers() {
    int line = here() + 2;
    for (int i = 0; i < 20_000; i++) {
      sink = new byte[64 * 1024];
    }
    return line;
  }

  static int box() {
    int line = here() + 3;
    Long total = 0L;
    for (long i = 0; i < 20_000_000L; i++) {
      total += i; // every += makes a new Long
      sink = total;
    }
    return line;
  }

  static int countThreadsBySnapshot() {
    int line = here() + 2;
    for (int i = 0; i < 300; i++) {
      sink = Thread.getAllStackTraces().size();
    }
    return line;
  }

  static void searchForDeadlocks() {
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    for (int i = 0; i < 20; i++) {
      sink = threads.findDeadlockedThreads();
    }
  }

  static int findCallerByStackTrace() {
    int line = here() + 2;
    for (int i = 0; i < 50_000; i++) {
      sink = new Throwable().getStackTrace()[1].getMethodName();
    }
    return line;
  }

  /** A class that releases a resource in finalize(): what FinalizerAsClose flags. */
  static final class Finalizable {
    static final java.util.concurrent.atomic.AtomicInteger RELEASED = new java.util.concurrent.atomic.AtomicInteger();

    @Override
    @SuppressWarnings({"deprecation", "removal"})
    protected void finalize() {
      RELEASED.incrementAndGet();
    }
  }

  @SuppressWarnings({"deprecation", "removal"})
  static void finalizeSome() {
    for (int i = 0; i < 1_000; i++) {
      sink = new Finalizable();
    }
    sink = null;
    for (int i = 0; i < 20 && Finalizable.RELEASED.get() == 0; i++) {
      System.gc();
      System.runFinalization();
    }
  }

  /** Burns CPU in a lambda run by another thread: its samples belong to this method. */
  static void spinInLambda() throws InterruptedException {
    Thread worker =
        new Thread(
            () -> {
              // Java code only: a thread inside a native method (System.nanoTime() before the JIT
              // makes it an intrinsic) is not in jdk.ExecutionSample but in jdk.NativeMethodSample.
              long deadline = System.nanoTime() + 500_000_000L;
              long x = 1;
              do {
                for (int i = 0; i < 1_000_000; i++) {
                  x = x * 6364136223846793005L + 1442695040888963407L;
                }
              } while (System.nanoTime() < deadline);
              sink = x;
            });
    worker.start();
    worker.join();
  }

  static int sleepInSynchronizedOnVirtualThread() throws Exception {
    Object monitor = new Object();
    int[] line = new int[1];
    Runnable pinned =
        () -> {
          synchronized (monitor) {
            line[0] = here() + 2;
            try {
              Thread.sleep(50);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        };
    Thread thread = (Thread) Thread.class.getMethod("startVirtualThread", Runnable.class).invoke(null, pinned);
    thread.join();
    return line[0];
  }

  private static Thread holdWhileSleeping(Object monitor) throws InterruptedException {
    Object[] entered = new Object[1];
    Thread holder =
        new Thread(
            () -> {
              synchronized (monitor) {
                entered[0] = monitor;
                try {
                  Thread.sleep(100);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
            });
    holder.start();
    while (holder.getState() != Thread.State.TIMED_WAITING) {
      Thread.onSpinWait();
    }
    return holder;
  }

  /** The line this is called from. */
  static int here() {
    return StackWalker.getInstance().walk(frames -> frames.skip(1).findFirst()).orElseThrow().getLineNumber();
  }
}
