package dev.slowpath.benchmarks;

import dev.slowpath.workload.boxinginhotpath.after.Settlement;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * {@code BoxingInHotPath}: the workload's {@code before} code against the fix's output ({@code
 * after}), on a batch of 256 payments (amounts from 1,000 to 10,000,000 cents, outside the box
 * caches) and a 32-byte digest. The logger is the JDK's own {@code System.Logger} (backed by {@code
 * java.util.logging}, DEBUG off as by default), so the call goes wherever the JDK's logging takes it.
 *
 * <ul>
 *   <li>{@code before}/{@code after} (sets the severity): the example's shape — a batch settled with
 *       a running total and a debug line per payment, then its digest printed in hex.
 *   <li>{@code logBefore}/{@code logAfter}: only the debug lines, unguarded against guarded.
 *   <li>{@code slf4jBefore}/{@code slf4jAfter}: the same lines through SLF4J 2 and Logback 1.3
 *       (root level INFO), three arguments, so the varargs overload.
 *   <li>{@code sumBefore}/{@code sumAfter}: only the running total, {@code Long} against {@code long}.
 *   <li>{@code hexBefore}/{@code hexAfter}: only the digest, {@code String.format("%02x")} per byte
 *       against {@code HexFormat.toHexDigits}.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class BoxingInHotPathBenchmark {
  private final long[] amounts = new long[256];
  private final byte[] digest = new byte[32];

  @Setup
  public void setUp() {
    // Logback logs DEBUG when it finds no configuration; services run it at INFO.
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(ch.qos.logback.classic.Level.INFO);
    for (int i = 0; i < amounts.length; i++) {
      amounts[i] = 1_000 + (i * 38_917L) % 10_000_000;
    }
    for (int i = 0; i < digest.length; i++) {
      digest[i] = (byte) (i * 73 + 11);
    }
  }

  @Benchmark
  public long before() {
    return dev.slowpath.workload.boxinginhotpath.before.Settlement.settle(amounts)
        + dev.slowpath.workload.boxinginhotpath.before.Settlement.fingerprint(digest).hashCode();
  }

  @Benchmark
  public long after() {
    return Settlement.settle(amounts) + Settlement.fingerprint(digest).hashCode();
  }

  @Benchmark
  public int logBefore() {
    return dev.slowpath.workload.boxinginhotpath.before.Settlement.announce(amounts);
  }

  @Benchmark
  public int logAfter() {
    return Settlement.announce(amounts);
  }

  @Benchmark
  public int slf4jBefore() {
    return dev.slowpath.workload.boxinginhotpath.before.Settlement.announceThroughSlf4j(amounts);
  }

  @Benchmark
  public int slf4jAfter() {
    return Settlement.announceThroughSlf4j(amounts);
  }

  @Benchmark
  public long sumBefore() {
    return dev.slowpath.workload.boxinginhotpath.before.Settlement.total(amounts);
  }

  @Benchmark
  public long sumAfter() {
    return Settlement.total(amounts);
  }

  @Benchmark
  public String hexBefore() {
    return dev.slowpath.workload.boxinginhotpath.before.Settlement.fingerprint(digest);
  }

  @Benchmark
  public String hexAfter() {
    return Settlement.fingerprint(digest);
  }
}
