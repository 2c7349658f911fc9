package dev.slowpath.workload.boxinginhotpath.before;

import java.lang.System.Logger.Level;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Settles a batch of payments: a running total, a debug line per payment, a hex fingerprint. */
public final class Settlement {
  private static final System.Logger LOG = System.getLogger("settlement");
  private static final Logger SLF4J = LoggerFactory.getLogger("settlement");

  private Settlement() {}

  /** The batch's total in cents, with a debug line per payment (debug is off by default). */
  public static long settle(long[] amountsCents) {
    Long total = 0L;
    for (int i = 0; i < amountsCents.length; i++) {
      total += amountsCents[i];
      LOG.log(Level.DEBUG, "payment {0} of {1}: {2} cents", i, amountsCents.length, amountsCents[i]);
    }
    return total;
  }

  /** Only the debug lines. */
  public static int announce(long[] amountsCents) {
    for (int i = 0; i < amountsCents.length; i++) {
      LOG.log(Level.DEBUG, "payment {0} of {1}: {2} cents", i, amountsCents.length, amountsCents[i]);
    }
    return amountsCents.length;
  }

  /** Only the debug lines, through SLF4J. */
  public static int announceThroughSlf4j(long[] amountsCents) {
    for (int i = 0; i < amountsCents.length; i++) {
      SLF4J.debug("payment {} of {}: {} cents", i, amountsCents.length, amountsCents[i]);
    }
    return amountsCents.length;
  }

  /** Only the running total. */
  public static long total(long[] amountsCents) {
    Long total = 0L;
    for (long amount : amountsCents) {
      total += amount;
    }
    return total;
  }

  /** The batch digest in lower-case hex. */
  public static String fingerprint(byte[] digest) {
    StringBuilder hex = new StringBuilder(digest.length * 2);
    for (byte b : digest) {
      hex.append(String.format("%02x", b));
    }
    return hex.toString();
  }
}
