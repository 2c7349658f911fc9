package dev.slowpath.examples.orders;

import java.util.ArrayList;
import java.util.List;

/** Takes batches of orders, prices them and keeps the day's revenue. */
public final class OrderService {
  private final AuditTrail audit;
  private final PriceIndex prices;
  private long revenueCents;

  public OrderService(AuditTrail audit, PriceIndex prices) {
    this.audit = audit;
    this.prices = prices;
  }

  public long placeBatch(List<Order> batch) {
    List<Order> accepted = new ArrayList<>(batch.size());
    long batchTotal = 0;
    for (Order order : batch) {
      if (order.quantity() > 0) {
        accepted.add(order);
        batchTotal += order.totalCents();
      }
    }
    synchronized (this) {
      revenueCents += batchTotal;
    }
    audit.record(accepted.size() + " orders, " + batchTotal + " cents");

    // Free the batch's garbage right away so the heap stays small.
    System.gc();

    return batchTotal;
  }

  public double quote(double[] history) {
    prices.awaitLoaded();
    return prices.score(history);
  }

  public synchronized long revenueCents() {
    return revenueCents;
  }
}
