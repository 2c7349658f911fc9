package dev.slowpath.examples.orders;

import java.util.Timer;
import java.util.TimerTask;

/** Charges orders through the payment provider; a charge that takes too long is abandoned. */
public final class PaymentGateway {
  /** The provider's API: blocks until the charge is done; an interrupt abandons it. */
  public interface Provider {
    boolean charge(Order order) throws InterruptedException;
  }

  private final Provider provider;
  private final long timeoutMillis;

  public PaymentGateway(Provider provider, long timeoutMillis) {
    this.provider = provider;
    this.timeoutMillis = timeoutMillis;
  }

  /** Charges the order; false when the provider declined or did not answer in time. */
  public boolean charge(Order order) {
    Thread caller = Thread.currentThread();
    Timer timer = new Timer();
    TimerTask abandon = new TimerTask() {
      @Override
      public void run() {
        caller.interrupt();
      }
    };
    timer.schedule(abandon, timeoutMillis);
    try {
      return provider.charge(order);
    } catch (InterruptedException e) {
      return false;
    } finally {
      timer.cancel();
    }
  }
}
