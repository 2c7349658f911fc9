package dev.slowpath.examples.orders;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

final class OrderServiceTest {
  private final AuditTrail audit = new AuditTrail();
  private final PriceIndex prices = new PriceIndex();
  private final OrderService service = new OrderService(audit, prices);

  @Test
  void placeBatchAddsAcceptedOrdersToRevenue() {
    long total =
        service.placeBatch(
            List.of(new Order("tea", 2, 350), new Order("cup", 0, 900), new Order("pot", 1, 2500)));

    assertEquals(3200, total);
    assertEquals(3200, service.revenueCents());
  }

  @Test
  void auditNamesTheOperationThatCalledIt() {
    service.placeBatch(List.of(new Order("tea", 1, 350)));

    assertEquals(List.of("placeBatch: 1 orders, 350 cents"), audit.entries());
  }

  @Test
  void quoteWaitsForTheIndexToLoad() throws InterruptedException {
    Thread loader = new Thread(prices::markLoaded);
    loader.start();

    double quote = service.quote(new double[] {0, 3, 8});
    loader.join();

    double expected = Math.sqrt(3) * Math.log1p(3) + Math.sqrt(8) * Math.log1p(8);
    assertEquals(expected, quote, 1e-9);
  }

  @Test
  void feedPlacesEveryOrderInBatches() {
    OrderFeed feed = new OrderFeed(service, 100);
    for (int i = 0; i < 2500; i++) {
      feed.onOrder(new Order("tea", 1, 350));
    }
    feed.flush();

    assertEquals(2500 * 350, service.revenueCents());
    assertEquals(25, audit.entries().size());
  }

  @Test
  void indexRemembersTheLatestPrice() {
    assertEquals(0, prices.lastRecorded(), 0);
    prices.record(new double[] {101.5, 99.25, 100.0});
    prices.record(new double[] {98.75});

    assertEquals(98.75, prices.lastRecorded(), 0);
  }

  @Test
  void reservationsRetryWhileTheWarehouseIsBusy() throws InterruptedException {
    AtomicInteger attempts = new AtomicInteger();
    StockReservations reservations = new StockReservations((product, quantity) -> attempts.incrementAndGet() % 2 == 0);

    assertEquals(true, reservations.reserve("tea", 3));
    assertEquals(2, attempts.get());
    assertEquals(3, reservations.reserved("tea"));

    StockReservations closed = new StockReservations((product, quantity) -> false);
    assertEquals(false, closed.reserve("tea", 1));
    assertEquals(0, closed.reserved("tea"));
  }

  @Test
  void reservationsFromManyThreadsAddUp() throws Exception {
    StockReservations reservations = new StockReservations((product, quantity) -> true);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 500; i++) {
                    reservations.reserve(i % 2 == 0 ? "tea" : "cup", 1);
                  }
                  return null;
                }));
      }
      for (Future<?> future : done) {
        future.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1000, reservations.reserved("tea"));
    assertEquals(1000, reservations.reserved("cup"));
  }

  @Test
  void dispatcherPlacesSubmittedOrdersAndStops() throws InterruptedException {
    OrderDispatcher dispatcher = new OrderDispatcher(service);
    Thread thread = new Thread(dispatcher, "dispatcher");
    thread.start();
    for (int i = 0; i < 50; i++) {
      dispatcher.submit(new Order("tea", 1, 350));
    }
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (service.revenueCents() < 50 * 350 && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    dispatcher.stop();
    thread.join(10_000);

    assertEquals(50 * 350, service.revenueCents());
    assertEquals(false, thread.isAlive(), "the dispatcher did not stop");
  }

  @Test
  void dispatcherEndsWhenInterruptedAndKeepsTheFlag() throws InterruptedException {
    OrderDispatcher dispatcher = new OrderDispatcher(service);
    java.util.concurrent.atomic.AtomicBoolean flagKept = new java.util.concurrent.atomic.AtomicBoolean();
    Thread thread =
        new Thread(
            () -> {
              dispatcher.run();
              flagKept.set(Thread.currentThread().isInterrupted());
            });
    thread.start();
    Thread.sleep(20);
    thread.interrupt();
    thread.join(10_000);

    assertEquals(false, thread.isAlive(), "the dispatcher did not end on interrupt");
    assertEquals(true, flagKept.get());
  }

  @Test
  void paymentsThatTakeTooLongAreAbandoned() {
    PaymentGateway quick = new PaymentGateway(order -> order.quantity() > 0, 5_000);
    PaymentGateway stuck =
        new PaymentGateway(
            order -> {
              Thread.sleep(10_000);
              return true;
            },
            50);

    for (int i = 0; i < 20; i++) {
      assertEquals(true, quick.charge(new Order("tea", 1, 350)));
    }
    assertEquals(false, quick.charge(new Order("tea", 0, 350)));
    long start = System.nanoTime();
    assertEquals(false, stuck.charge(new Order("tea", 1, 350)));
    assertEquals(true, System.nanoTime() - start < java.util.concurrent.TimeUnit.SECONDS.toNanos(5));
  }

  @Test
  void everyCarrierQuotesOnAThreadOfItsOwn() throws Exception {
    List<ShippingQuotes.Carrier> carriers = new ArrayList<>();
    java.util.Set<String> askedOn = java.util.concurrent.ConcurrentHashMap.newKeySet();
    for (String name : List.of("post", "courier", "freight")) {
      carriers.add(
          new ShippingQuotes.Carrier() {
            @Override
            public String name() {
              return name;
            }

            @Override
            public long quoteCents(Order order) {
              askedOn.add(Thread.currentThread().getName());
              return order.quantity() * (long) name.length() * 100;
            }
          });
    }
    ShippingQuotes shipping = new ShippingQuotes(carriers);
    ExecutorService callers = Executors.newFixedThreadPool(4);
    try {
      List<Future<java.util.Map<String, Long>>> asked = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        asked.add(callers.submit(() -> shipping.quotes(new Order("tea", 2, 350))));
      }
      for (Future<java.util.Map<String, Long>> quotes : asked) {
        assertEquals(java.util.Map.of("courier", 1400L, "freight", 1400L, "post", 800L), quotes.get());
      }
    } finally {
      callers.shutdownNow();
    }
    assertEquals(java.util.Set.of("quote post", "quote courier", "quote freight"), askedOn);
  }

  @Test
  void receiptsArePrintedInOrder() throws Exception {
    java.io.StringWriter log = new java.io.StringWriter();
    ReceiptSpool spool = new ReceiptSpool(log);
    spool.print(new Order("tea", 2, 350));
    spool.print(new Order("pot", 1, 2500));

    assertEquals("tea x2: 700 cents\npot x1: 2500 cents\n", log.toString());
  }

  @Test
  void invoicesAreArchivedWhole() throws Exception {
    byte[] big = new byte[20_000]; // longer than the copy buffer: a reused buffer holds its bytes
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i % 251);
    }
    byte[] small = "invoice 2: pot x1\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    java.io.ByteArrayOutputStream archive = new java.io.ByteArrayOutputStream();

    long written =
        new InvoiceArchive(archive)
            .append(List.of(new java.io.ByteArrayInputStream(big), new java.io.ByteArrayInputStream(small)));

    java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
    expected.write(big);
    expected.write(small);
    assertEquals(big.length + small.length, written);
    assertEquals(java.util.Arrays.toString(expected.toByteArray()), java.util.Arrays.toString(archive.toByteArray()));
  }

  @Test
  void dayIsSettledWithItsTakingsAndFingerprint() throws Exception {
    List<Order> orders = new java.util.ArrayList<>();
    for (int i = 0; i < 300; i++) {
      orders.add(new Order("item-" + i, 1 + i % 4, 150 + 37L * i));
    }
    long expected = orders.stream().mapToLong(Order::totalCents).sum();
    DailySettlement settlement = new DailySettlement();
    System.Logger.Level[] levels = {System.Logger.Level.INFO, System.Logger.Level.DEBUG};
    java.util.logging.Logger jul = java.util.logging.Logger.getLogger(DailySettlement.class.getName());
    try {
      for (System.Logger.Level level : levels) {
        jul.setLevel(level == System.Logger.Level.DEBUG ? java.util.logging.Level.FINE : null); // debug on, then off
        assertEquals(expected, settlement.takings(orders));
      }
    } finally {
      jul.setLevel(null);
    }
    StringBuilder hex = new StringBuilder();
    java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
    for (Order order : orders) {
      sha.update((order.product() + ' ' + order.quantity() + ' ' + order.unitPriceCents() + '\n').getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    for (byte b : sha.digest()) {
      hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
    }
    assertEquals(hex.toString(), settlement.fingerprint(orders));
    assertEquals(64, settlement.fingerprint(List.of()).length());
  }

  @Test
  void metricsCountLiveThreadsAndTheirStates() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    List<Thread> waiting = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Thread t = new Thread(() -> {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      t.start();
      waiting.add(t);
    }
    try {
      for (Thread t : waiting) {
        while (t.getState() != Thread.State.WAITING) {
          Thread.sleep(1);
        }
      }
      java.util.Map<String, Integer> metrics = new java.util.HashMap<>();
      for (String line : new OpsMetrics().scrape().split("\n")) {
        String[] nameAndValue = line.split(" ");
        metrics.put(nameAndValue[0], Integer.parseInt(nameAndValue[1]));
      }
      assertEquals(1 + Thread.State.values().length, metrics.size());
      org.junit.jupiter.api.Assertions.assertTrue(metrics.get("jvm_threads_live") >= 4, metrics.toString());
      org.junit.jupiter.api.Assertions.assertTrue(
          metrics.get("jvm_threads_state{state=\"WAITING\"}") >= 3, metrics.toString());
      org.junit.jupiter.api.Assertions.assertTrue(
          metrics.get("jvm_threads_state{state=\"RUNNABLE\"}") >= 1, metrics.toString());
    } finally {
      release.countDown();
      for (Thread t : waiting) {
        t.join();
      }
    }
  }
}
