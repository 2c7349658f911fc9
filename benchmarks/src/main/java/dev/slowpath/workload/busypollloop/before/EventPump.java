package dev.slowpath.workload.busypollloop.before;

import java.util.concurrent.BlockingQueue;

/** A consumer thread's loop, the real form: poll, and nap a millisecond when there is nothing. */
public class EventPump implements Runnable {
  private final BlockingQueue<Runnable> events;
  private volatile boolean running = true;

  public EventPump(BlockingQueue<Runnable> events) {
    this.events = events;
  }

  public void stop() {
    running = false;
  }

  @Override
  public void run() {
    while (running) {
      Runnable event = events.poll();
      if (event == null) {
        try {
          Thread.sleep(1);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        continue;
      }
      event.run();
    }
  }
}
