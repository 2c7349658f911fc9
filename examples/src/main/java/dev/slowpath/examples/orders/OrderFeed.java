package dev.slowpath.examples.orders;

import java.util.ArrayList;
import java.util.List;

/** Receives orders from the exchange feed one at a time and places them in batches. */
public final class OrderFeed {
  private final OrderService service;
  private final int batchSize;
  private final List<Order> pending = new ArrayList<>();
  private int received;

  public OrderFeed(OrderService service, int batchSize) {
    this.service = service;
    this.batchSize = batchSize;
  }

  public void onOrder(Order order) {
    pending.add(order);
    if (pending.size() == batchSize) {
      flush();
    }

    // Give the request threads a chance now and then.
    if (++received % 1000 == 0) {
      Thread.yield();
    }
  }

  public void flush() {
    if (!pending.isEmpty()) {
      service.placeBatch(List.copyOf(pending));
      pending.clear();
    }
  }
}
