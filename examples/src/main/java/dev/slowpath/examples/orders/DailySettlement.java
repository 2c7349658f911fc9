package dev.slowpath.examples.orders;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/** Closes the day: the takings, and a fingerprint of the orders for the bank's reconciliation. */
public final class DailySettlement {
  private static final System.Logger LOG = System.getLogger(DailySettlement.class.getName());

  /** The day's takings in cents. */
  public long takings(List<Order> orders) {
    Long takings = 0L;
    for (int i = 0; i < orders.size(); i++) {
      Order order = orders.get(i);
      takings += order.totalCents();
      LOG.log(Level.DEBUG, "order {0}: {1} x {2} cents", i, order.quantity(), order.unitPriceCents());
    }
    return takings;
  }

  /** SHA-256 of the orders' lines, in lower-case hex. */
  public String fingerprint(List<Order> orders) throws NoSuchAlgorithmException {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    for (Order order : orders) {
      sha.update((order.product() + ' ' + order.quantity() + ' ' + order.unitPriceCents() + '\n').getBytes(StandardCharsets.UTF_8));
    }
    StringBuilder hex = new StringBuilder();
    for (byte b : sha.digest()) {
      hex.append(String.format("%02x", b));
    }
    return hex.toString();
  }
}
