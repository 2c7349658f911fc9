package dev.slowpath.examples.orders;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Writer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A trading day of the order service in a few seconds, for a JFR recording: the web tier takes
 * orders (stock, shipping quotes, payment, receipt, dispatch), the exchange feed streams orders in
 * batches and the day's invoices are archived, the price feed updates the index while quotes read
 * it, and the monitoring agent scrapes /metrics. What a day does not do is close itself:
 * DailySettlement runs at day's end, outside this load.
 *
 * <p>{@code java -XX:StartFlightRecording=filename=orders.jfr,settings=profile ...OrderLoad 30}
 * records a day of 30 seconds; {@code ExamplesUnderProfileTest} (checks/) records one in-process.
 */
public final class OrderLoad {
  private OrderLoad() {}

  public static void main(String[] args) throws Exception {
    run(Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 10));
  }

  /** Runs the day for {@code length} on five threads, then stops them all. */
  public static void run(Duration length) throws Exception {
    long end = System.nanoTime() + length.toNanos();
    AuditTrail audit = new AuditTrail();
    PriceIndex prices = new PriceIndex();
    OrderService service = new OrderService(audit, prices);
    OrderDispatcher dispatcher = new OrderDispatcher(service);
    Thread dispatching = new Thread(dispatcher, "order-dispatcher");
    dispatching.start();
    Thread loader = new Thread(() -> sleepThen(20, prices::markLoaded), "price-loader");
    loader.start();

    List<Thread> day = new ArrayList<>();
    day.add(new Thread(() -> webTier(end, service, dispatcher), "web-tier"));
    day.add(new Thread(() -> exchangeFeed(end, service), "exchange-feed"));
    day.add(new Thread(() -> priceFeed(end, prices), "price-feed"));
    day.add(new Thread(() -> quotes(end, service, prices), "price-quotes"));
    day.add(new Thread(() -> monitoring(end, new OpsMetrics()), "metrics-scraper"));
    day.forEach(Thread::start);
    for (Thread thread : day) {
      thread.join();
    }
    dispatcher.stop();
    dispatching.join();
    loader.join();
  }

  private static void webTier(long end, OrderService service, OrderDispatcher dispatcher) {
    StockReservations stock = new StockReservations((product, quantity) -> ThreadLocalRandom.current().nextInt(4) > 0);
    ShippingQuotes shipping = new ShippingQuotes(List.of(carrier("post", 1), carrier("courier", 2), carrier("freight", 3)));
    PaymentGateway payments = new PaymentGateway(order -> true, 1_000);
    int n = 0;
    while (System.nanoTime() < end) {
      Order order = order(n++);
      try {
        if (stock.reserve(order.product(), order.quantity())) {
          shipping.quotes(order);
          payments.charge(order);
          new ReceiptSpool(Writer.nullWriter()).print(order);
          dispatcher.submit(order);
        }
        Thread.sleep(100); // every dispatched order ends in a System.gc(): keep the day from being all GC
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static void exchangeFeed(long end, OrderService service) {
    OrderFeed feed = new OrderFeed(service, 500);
    InvoiceArchive archive = new InvoiceArchive(OutputStream.nullOutputStream());
    int n = 0;
    while (System.nanoTime() < end) {
      for (int i = 0; i < 500; i++) {
        feed.onOrder(order(n++));
      }
      try {
        archive.append(invoices(20));
        Thread.sleep(200);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    feed.flush();
  }

  private static void priceFeed(long end, PriceIndex prices) {
    double[] latest = new double[1_000];
    while (System.nanoTime() < end) {
      for (int i = 0; i < latest.length; i++) {
        latest[i] = 100 + ThreadLocalRandom.current().nextDouble();
      }
      prices.record(latest);
    }
  }

  private static void quotes(long end, OrderService service, PriceIndex prices) {
    double[] history = new double[20_000];
    for (int i = 0; i < history.length; i++) {
      history[i] = 100 + i % 7;
    }
    while (System.nanoTime() < end) {
      service.quote(history);
      prices.lastRecorded();
    }
  }

  private static void monitoring(long end, OpsMetrics metrics) {
    while (System.nanoTime() < end) {
      metrics.scrape();
      sleepThen(250, () -> {});
    }
  }

  private static Order order(int n) {
    return new Order("sku-" + n % 50, 1 + n % 3, 199 + n % 1_000);
  }

  private static List<InputStream> invoices(int count) {
    List<InputStream> invoices = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      invoices.add(new ByteArrayInputStream(new byte[2_048 + i]));
    }
    return invoices;
  }

  private static ShippingQuotes.Carrier carrier(String name, long millis) {
    return new ShippingQuotes.Carrier() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public long quoteCents(Order order) {
        sleepThen(millis, () -> {});
        return 500 + order.quantity() * millis;
      }
    };
  }

  private static void sleepThen(long millis, Runnable then) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    then.run();
  }
}
