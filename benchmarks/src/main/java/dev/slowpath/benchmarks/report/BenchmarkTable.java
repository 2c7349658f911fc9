package dev.slowpath.benchmarks.report;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Renders {@code docs/benchmarks.md} from {@code benchmarks/results/*.json}. Usage: {@code
 * BenchmarkTable <results-dir> <out.md>}; without {@code <out.md>} it prints the page.
 */
public final class BenchmarkTable {
  private BenchmarkTable() {}

  public static void main(String[] args) throws IOException {
    String page = render(Results.readAll(Path.of(args[0])));
    if (args.length > 1) {
      Files.writeString(Path.of(args[1]), page, StandardCharsets.UTF_8);
    } else {
      System.out.print(page);
    }
  }

  public static String render(Map<String, Results> byJdk) {
    StringBuilder page = new StringBuilder();
    page.append("# Benchmarks\n\n")
        .append("Generated from `benchmarks/results/*.json` by `benchmarks/run --table`; do not edit.\n")
        .append("Each row is one JMH run of a check's `before` and `after` side by side. Times are\n")
        .append("medians of the measured iterations with JMH's 99.9% error; R = before ÷ after time,\n")
        .append("A = before ÷ after bytes allocated per operation (`-prof gc`). The severity column\n")
        .append("applies DESIGN.md's policy to that row; a check ships at the weakest severity over\n")
        .append("all JDKs (last table).\n\n");
    for (Results results : byJdk.values()) {
      page.append("## ").append(results.jdk()).append("\n\n");
      JsonObject machine = results.machine();
      if (machine != null) {
        for (String key : List.of("cpu", "cores", "memory", "os", "jdk", "jmh", "date")) {
          if (machine.has(key)) {
            page.append("- ").append(key).append(": ").append(machine.get(key).getAsString()).append('\n');
          }
        }
        if (machine.has("partialRuns")) {
          for (var run : machine.getAsJsonArray("partialRuns")) {
            JsonObject partial = run.getAsJsonObject();
            page.append("- re-measured ")
                .append(partial.get("date").getAsString())
                .append(": ")
                .append(partial.get("benchmarks").getAsString())
                .append(partial.has("jmh") ? " (" + partial.get("jmh").getAsString() + ")" : "")
                .append('\n');
          }
        }
        page.append('\n');
      }
      page.append("| Check | before | after | R | bytes/op before | bytes/op after | A | severity |\n")
          .append("|---|---|---|---|---|---|---|---|\n");
      for (Comparison c : results.mainComparisons()) {
        page.append(
            String.format(
                Locale.ROOT,
                "| %s | %s | %s | %.2f ± %.2f | %s | %s | %s | %s |%n",
                c.check(),
                time(c.before()),
                time(c.after()),
                c.timeRatio(),
                c.timeRatioError(),
                bytes(c.before().bytesPerOp()),
                bytes(c.after().bytesPerOp()),
                ratio(c.allocationRatio()),
                SeverityPolicy.verdict(c)));
      }
      page.append('\n');
      if (!results.variants().isEmpty()) {
        page.append("Other shapes the checks meet, measured in the same run (they inform each check's\n")
            .append("page and whether it offers a fix; they do not set its severity):\n\n")
            .append("| Check | shape | before | after | R | bytes/op before | bytes/op after | A |\n")
            .append("|---|---|---|---|---|---|---|---|\n");
        for (Comparison c : results.variants()) {
          page.append(
              String.format(
                  Locale.ROOT,
                  "| %s | %s | %s | %s | %s ± %s | %s | %s | %s |%n",
                  c.check(),
                  c.variant(),
                  time(c.before()),
                  time(c.after()),
                  smallRatio(c.timeRatio()),
                  smallRatio(c.timeRatioError()),
                  bytes(c.before().bytesPerOp()),
                  bytes(c.after().bytesPerOp()),
                  ratio(c.allocationRatio())));
        }
        page.append('\n');
      }
    }
    appendWaiterCpu(page, byJdk);
    appendSafepointPause(page, byJdk);
    page.append("## Severity over all JDKs\n\n| Check | severity |\n|---|---|\n");
    TreeSet<String> checks = new TreeSet<>();
    byJdk.values().forEach(r -> r.mainComparisons().forEach(c -> checks.add(c.check())));
    for (String check : checks) {
      List<Comparison> all = new ArrayList<>();
      for (Results results : byJdk.values()) {
        if (results.comparison(check) != null) {
          all.add(results.comparison(check));
        }
      }
      page.append("| ").append(check).append(" | ").append(SeverityPolicy.verdict(all)).append(" |\n");
    }
    return page.toString();
  }

  /**
   * The CPU time that the waiting thread (a consumer) used per operation, where a benchmark
   * records it: for a polling loop that is the seed's cost, which time per operation — the
   * hand-off latency — does not show. It informs the pages; R above still sets the severity.
   */
  private static void appendWaiterCpu(StringBuilder page, Map<String, Results> byJdk) {
    List<String> rows = new ArrayList<>();
    for (Results results : byJdk.values()) {
      for (Comparison c : results.comparisons()) {
        if (c.hasWaiterCpu()) {
          rows.add(
              String.format(
                  Locale.ROOT,
                  "| %s | %s | %s | %s ns | %s ns | %s |%n",
                  results.jdk(),
                  c.check(),
                  c.isMain() ? "main" : c.variant(),
                  number(c.before().waiterCpuPerOp()),
                  number(c.after().waiterCpuPerOp()),
                  ratio(c.waiterCpuRatio())));
        }
      }
    }
    if (rows.isEmpty()) {
      return;
    }
    page.append("## CPU of the waiting thread\n\n")
        .append("Recorded with `-prof dev.slowpath.benchmarks.WaiterCpuProfiler` (the thread's CPU time\n")
        .append("from `ThreadMXBean`, per operation, mean of the measured iterations) for benchmarks\n")
        .append("whose cost is CPU burnt while waiting. It informs the check's page; the severity\n")
        .append("still comes from R above.\n\n")
        .append("| JDK | Check | shape | CPU/op before | CPU/op after | before ÷ after |\n")
        .append("|---|---|---|---|---|---|\n");
    rows.forEach(page::append);
    page.append('\n');
  }

  /**
   * The time every thread stood at safepoints per operation, where a benchmark records it: for a
   * stop-the-world snapshot that pause is paid by all the threads that did not ask for it, which
   * the caller's time per operation does not show. It informs the pages; R still sets severity.
   */
  private static void appendSafepointPause(StringBuilder page, Map<String, Results> byJdk) {
    List<String> rows = new ArrayList<>();
    for (Results results : byJdk.values()) {
      for (Comparison c : results.comparisons()) {
        if (c.hasSafepointPause()) {
          rows.add(
              String.format(
                  Locale.ROOT,
                  "| %s | %s | %s | %s ns | %s ns |%n",
                  results.jdk(),
                  c.check(),
                  c.isMain() ? "main" : c.variant(),
                  number(c.before().safepointPausePerOp()),
                  number(c.after().safepointPausePerOp())));
        }
      }
    }
    if (rows.isEmpty()) {
      return;
    }
    page.append("## Safepoint pause per operation\n\n")
        .append("Recorded with `-prof dev.slowpath.benchmarks.SafepointProfiler` (HotSpot's safepoint\n")
        .append("sync + operation time, `sun.management.HotspotRuntimeMBean`, per operation, mean of the\n")
        .append("measured iterations; it counts every safepoint of the fork, GC ones included) for\n")
        .append("benchmarks whose cost is a stop-the-world pause. Every other thread of the process\n")
        .append("stands still for that long. It informs the check's page; R still sets the severity.\n\n")
        .append("| JDK | Check | shape | pause/op before | pause/op after |\n")
        .append("|---|---|---|---|---|\n");
    rows.forEach(page::append);
    page.append('\n');
  }

  private static String time(Measurement m) {
    return String.format(Locale.ROOT, "%s ± %s %s", number(m.median()), number(m.error()), m.unit());
  }

  private static String number(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    return value >= 100 ? String.format(Locale.ROOT, "%,.0f", value) : String.format(Locale.ROOT, "%.2f", value);
  }

  /** A ratio that may be far below 1 (the "after" lost): three significant digits there. */
  private static String smallRatio(double value) {
    return value < 1 ? String.format(Locale.ROOT, "%.3g", value) : number(value);
  }

  private static String bytes(double value) {
    return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%,.0f", value);
  }

  private static String ratio(double value) {
    return value >= 100 ? String.format(Locale.ROOT, "%,.0f", value) : String.format(Locale.ROOT, "%.1f", value);
  }
}
