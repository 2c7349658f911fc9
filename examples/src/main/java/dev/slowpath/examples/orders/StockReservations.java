package dev.slowpath.examples.orders;

import java.util.HashMap;
import java.util.Map;

/** Reserves stock at the warehouse before an order is placed, retrying while the warehouse is busy. */
public final class StockReservations {
  /** The warehouse's answer to one reservation attempt. */
  public interface Warehouse {
    boolean tryReserve(String product, int quantity);
  }

  private static final int ATTEMPTS = 3;
  private static final long RETRY_PAUSE_MS = 2;

  private final Object lock = new Object();
  private final Map<String, Integer> reserved = new HashMap<>();
  private final Warehouse warehouse;

  public StockReservations(Warehouse warehouse) {
    this.warehouse = warehouse;
  }

  /** Reserves {@code quantity} of {@code product}; false when the warehouse stays busy. */
  public boolean reserve(String product, int quantity) throws InterruptedException {
    synchronized (lock) {
      for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
        if (warehouse.tryReserve(product, quantity)) {
          reserved.merge(product, quantity, Integer::sum);
          return true;
        }
        Thread.sleep(RETRY_PAUSE_MS);
      }
      return false;
    }
  }

  /** How much of {@code product} this service holds reserved. */
  public int reserved(String product) {
    synchronized (lock) {
      return reserved.getOrDefault(product, 0);
    }
  }
}
