package dev.slowpath.examples.orders;

import java.io.IOException;
import java.io.Writer;

/** Prints a receipt line per order to the shop's receipt log, which the spool owns. */
public final class ReceiptSpool {
  private final Writer log;

  public ReceiptSpool(Writer log) {
    this.log = log;
  }

  public void print(Order order) throws IOException {
    log.write(order.product() + " x" + order.quantity() + ": " + order.totalCents() + " cents\n");
    log.flush();
  }

  /** The log is closed when the spool is no longer used. */
  @Override
  protected void finalize() throws Throwable {
    try {
      log.close();
    } finally {
      super.finalize();
    }
  }
}
