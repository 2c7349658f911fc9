package dev.slowpath.examples.orders;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** Places the orders that the web tier submits, one at a time, on a thread of its own. */
public final class OrderDispatcher implements Runnable {
  private final OrderService service;
  private final BlockingQueue<Order> inbox = new LinkedBlockingQueue<>();
  private volatile boolean running = true;

  public OrderDispatcher(OrderService service) {
    this.service = service;
  }

  public void submit(Order order) {
    inbox.add(order);
  }

  public void stop() {
    running = false;
  }

  @Override
  public void run() {
    while (running) {
      Order order = inbox.poll();
      if (order == null) {
        // Nothing to do: look again shortly.
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        continue;
      }
      service.placeBatch(List.of(order));
    }
  }
}
