package dev.slowpath.examples.orders;

/** One order line: a product, a quantity and a unit price in cents. */
public record Order(String product, int quantity, long unitPriceCents) {
  public long totalCents() {
    return quantity * unitPriceCents;
  }
}
