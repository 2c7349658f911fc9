package dev.slowpath.examples.orders;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
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
}
