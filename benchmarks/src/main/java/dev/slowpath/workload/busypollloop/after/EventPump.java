package dev.slowpath.workload.busypollloop.after;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

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
      Runnable event;
      try {
        event = events.poll(1, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (event == null) {
        continue;
      }
      event.run();
    }
  }
}
