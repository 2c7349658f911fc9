package dev.slowpath.examples.orders;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** Asks every carrier for a shipping quote at once; an order ships with the cheapest. */
public final class ShippingQuotes {
  /** A carrier's quoting API: a remote call that takes a while. */
  public interface Carrier {
    String name();

    long quoteCents(Order order);
  }

  private final List<Carrier> carriers;

  public ShippingQuotes(List<Carrier> carriers) {
    this.carriers = List.copyOf(carriers);
  }

  /** Every carrier's quote for the order, by carrier name; each is asked on a thread of its own. */
  public Map<String, Long> quotes(Order order) throws InterruptedException {
    Map<String, Long> quotes = new ConcurrentHashMap<>();
    List<Thread> asks = new ArrayList<>();
    for (Carrier carrier : carriers) {
      Thread ask = new Thread(() -> quotes.put(carrier.name(), carrier.quoteCents(order)), "quote " + carrier.name());
      asks.add(ask);
      ask.start();
    }
    for (Thread ask : asks) {
      ask.join();
    }
    return new TreeMap<>(quotes);
  }
}
