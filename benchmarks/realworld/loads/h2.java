import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A shop's database on H2 (file-backed MVStore) for {@code seconds}: four clients insert orders in
 * transactions, look up customers' orders, total them, update and delete; a reporting client runs
 * aggregates. Run by the harness under a JFR recording: {@code java -cp <h2> h2.java <seconds>}.
 */
public class H2Load {
  public static void main(String[] args) throws Exception {
    long end = System.nanoTime() + Long.parseLong(args[0]) * 1_000_000_000L;
    Path dir = Files.createTempDirectory("h2-load");
    String url = "jdbc:h2:file:" + dir.resolve("shop") + ";DB_CLOSE_DELAY=-1";
    org.h2.Driver driver = org.h2.Driver.load();
    Properties user = new Properties();
    user.setProperty("user", "sa");
    user.setProperty("password", "");
    try (Connection c = driver.connect(url, user); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE orders(id BIGINT AUTO_INCREMENT PRIMARY KEY, customer INT, amount DECIMAL(12,2),"
          + " status VARCHAR(16), note VARCHAR(200))");
      s.execute("CREATE INDEX orders_customer ON orders(customer)");
    }
    List<Thread> clients = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      clients.add(new Thread(() -> client(driver, url, user, end), "client-" + i));
    }
    clients.add(new Thread(() -> reports(driver, url, user, end), "reports"));
    clients.forEach(Thread::start);
    for (Thread client : clients) {
      client.join();
    }
    try (Connection c = driver.connect(url, user); Statement s = c.createStatement()) {
      s.execute("SHUTDOWN COMPACT");
    }
  }

  private static void client(org.h2.Driver driver, String url, Properties user, long end) {
    try (Connection c = driver.connect(url, user);
        PreparedStatement insert = c.prepareStatement("INSERT INTO orders(customer, amount, status, note) VALUES (?, ?, 'NEW', ?)");
        PreparedStatement byCustomer = c.prepareStatement("SELECT id, amount FROM orders WHERE customer = ?");
        PreparedStatement ship = c.prepareStatement("UPDATE orders SET status = 'SHIPPED' WHERE customer = ? AND status = 'NEW'");
        PreparedStatement purge = c.prepareStatement("DELETE FROM orders WHERE customer = ? AND status = 'SHIPPED'")) {
      c.setAutoCommit(false);
      ThreadLocalRandom random = ThreadLocalRandom.current();
      while (System.nanoTime() < end) {
        int customer = random.nextInt(2_000);
        for (int i = 0; i < 20; i++) {
          insert.setInt(1, customer);
          insert.setBigDecimal(2, java.math.BigDecimal.valueOf(random.nextInt(100_000), 2));
          insert.setString(3, "order note " + random.nextLong());
          insert.addBatch();
        }
        insert.executeBatch();
        c.commit();
        byCustomer.setInt(1, random.nextInt(2_000));
        try (ResultSet rs = byCustomer.executeQuery()) {
          while (rs.next()) {
            rs.getBigDecimal(2);
          }
        }
        ship.setInt(1, random.nextInt(2_000));
        ship.executeUpdate();
        if (random.nextInt(10) == 0) {
          purge.setInt(1, random.nextInt(2_000));
          purge.executeUpdate();
        }
        c.commit();
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void reports(org.h2.Driver driver, String url, Properties user, long end) {
    try (Connection c = driver.connect(url, user); Statement s = c.createStatement()) {
      while (System.nanoTime() < end) {
        try (ResultSet rs = s.executeQuery(
            "SELECT customer, COUNT(*), SUM(amount) FROM orders GROUP BY customer ORDER BY 3 DESC LIMIT 10")) {
          while (rs.next()) {
            rs.getLong(2);
          }
        }
        Thread.sleep(200);
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
