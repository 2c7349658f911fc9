package dev.slowpath.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * JMH state: 200 threads that wait, as a server's pool threads do between requests, each a few
 * frames deep in {@code CountDownLatch.await}, so a stack walk has real frames to visit. A
 * benchmark that takes it as a parameter runs with them alive.
 */
@State(Scope.Benchmark)
public class ParkedThreads {
  static final int SERVER_THREADS = 200;

  private final List<Thread> threads = new ArrayList<>();
  private CountDownLatch release;

  @Setup(Level.Trial)
  public void start() throws InterruptedException {
    start(SERVER_THREADS);
  }

  void start(int count) throws InterruptedException {
    release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(count);
    for (int i = 0; i < count; i++) {
      Thread thread = new Thread(() -> waitNested(started, 6), "parked-" + i);
      thread.setDaemon(true);
      thread.start();
      threads.add(thread);
    }
    started.await();
  }

  @TearDown(Level.Trial)
  public void stop() throws InterruptedException {
    release.countDown();
    for (Thread thread : threads) {
      thread.join();
    }
    threads.clear();
  }

  private void waitNested(CountDownLatch started, int depth) {
    if (depth > 0) {
      waitNested(started, depth - 1);
      return;
    }
    started.countDown();
    try {
      release.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
