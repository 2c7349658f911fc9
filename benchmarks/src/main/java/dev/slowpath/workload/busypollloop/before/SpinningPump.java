package dev.slowpath.workload.busypollloop.before;

import java.util.concurrent.BlockingQueue;

/** A consumer that spins on the queue with a yield between polls: the latency-first form. */
public class SpinningPump implements Runnable {
  private final BlockingQueue<Runnable> events;
  private volatile boolean running = true;

  public SpinningPump(BlockingQueue<Runnable> events) {
    this.events = events;
  }

  public void stop() {
    running = false;
  }

  @Override
  public void run() {
    while (running) {
      Runnable event;
      while ((event = events.poll()) == null) {
        Thread.yield();
      }
      event.run();
    }
  }
}
