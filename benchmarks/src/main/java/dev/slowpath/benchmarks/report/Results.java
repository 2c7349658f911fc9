package dev.slowpath.benchmarks.report;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A recorded results file, {@code benchmarks/results/<jdk>.json}: the machine and JMH settings,
 * and JMH's own JSON under {@code "jmh"}.
 */
public record Results(String jdk, JsonObject machine, List<Comparison> comparisons) {
  private static final String BENCHMARK_PACKAGE = "dev.slowpath.benchmarks.";

  /** All JMH results files ({@code jdk<N>.json}) in {@code directory}, by JDK name. */
  public static Map<String, Results> readAll(Path directory) throws IOException {
    Map<String, Results> all = new TreeMap<>();
    try (Stream<Path> files = Files.list(directory)) {
      // jdk17.json, jdk25.json: JMH runs. Other JSON here (realworld-overhead-*.json) is not JMH's.
      for (Path file :
          files.filter(f -> f.getFileName().toString().matches("jdk\\d+\\.json")).sorted().toList()) {
        Results results = read(file);
        all.put(results.jdk(), results);
      }
    }
    return all;
  }

  public static Results read(Path file) throws IOException {
    JsonObject root =
        JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
    String jdk = file.getFileName().toString().replaceFirst("\\.json$", "");
    // check -> variant (with its JMH parameters) -> side -> measurement
    Map<String, Map<String, Map<String, Measurement>>> byCheck = new TreeMap<>();
    for (JsonElement element : root.getAsJsonArray("jmh")) {
      JsonObject result = element.getAsJsonObject();
      Measurement measurement = measurement(result);
      String name = measurement.benchmark().substring(BENCHMARK_PACKAGE.length());
      String check = name.substring(0, name.indexOf("Benchmark."));
      String method = name.substring(name.lastIndexOf('.') + 1);
      String side = method.endsWith("efore") ? "before" : method.endsWith("fter") ? "after" : null;
      if (side == null) {
        continue;
      }
      String variant = method.substring(0, method.length() - side.length());
      if (!variant.isEmpty()) {
        variant += parameters(result);
      }
      byCheck
          .computeIfAbsent(check, k -> new TreeMap<>())
          .computeIfAbsent(variant, k -> new HashMap<>())
          .put(side, measurement);
    }
    List<Comparison> comparisons = new ArrayList<>();
    byCheck.forEach(
        (check, variants) ->
            variants.forEach(
                (variant, sides) -> {
                  if (sides.containsKey("before") && sides.containsKey("after")) {
                    comparisons.add(new Comparison(check, variant, jdk, sides.get("before"), sides.get("after")));
                  }
                }));
    return new Results(jdk, root.getAsJsonObject("machine"), comparisons);
  }

  /** JMH's parameters of one result, as {@code " (waiters=3)"}; empty without any. */
  private static String parameters(JsonObject result) {
    JsonObject params = result.getAsJsonObject("params");
    if (params == null || params.size() == 0) {
      return "";
    }
    List<String> pairs = new ArrayList<>();
    new TreeMap<>(params.asMap()).forEach((k, v) -> pairs.add(k + "=" + v.getAsString()));
    return " (" + String.join(", ", pairs) + ")";
  }

  private static Measurement measurement(JsonObject result) {
    JsonObject primary = result.getAsJsonObject("primaryMetric");
    double median = primary.getAsJsonObject("scorePercentiles").get("50.0").getAsDouble();
    JsonElement error = primary.get("scoreError");
    // JMH writes "NaN" (a string) when it had too few iterations to compute an error.
    double scoreError =
        error.isJsonPrimitive() && error.getAsJsonPrimitive().isNumber() ? error.getAsDouble() : Double.NaN;
    double bytes = Double.NaN;
    double waiterCpu = Double.NaN;
    double safepointPause = Double.NaN;
    JsonObject secondary = result.getAsJsonObject("secondaryMetrics");
    if (secondary != null) {
      for (Map.Entry<String, JsonElement> metric : secondary.entrySet()) {
        if (metric.getKey().endsWith("gc.alloc.rate.norm")) {
          bytes = metric.getValue().getAsJsonObject().get("score").getAsDouble();
        }
        if (metric.getKey().endsWith("waiter.cpu.norm")) {
          waiterCpu = metric.getValue().getAsJsonObject().get("score").getAsDouble();
        }
        if (metric.getKey().endsWith("safepoint.pause.norm")) {
          safepointPause = metric.getValue().getAsJsonObject().get("score").getAsDouble();
        }
      }
    }
    return new Measurement(
        result.get("benchmark").getAsString(),
        primary.get("scoreUnit").getAsString(),
        median,
        scoreError,
        bytes,
        waiterCpu,
        safepointPause);
  }

  /** The main comparison for {@code check} (its {@code before}/{@code after}), if this JDK measured it. */
  public Comparison comparison(String check) {
    return comparisons.stream().filter(c -> c.check().equals(check) && c.isMain()).findFirst().orElse(null);
  }

  /** The comparisons that set severities: one per check. */
  public List<Comparison> mainComparisons() {
    return comparisons.stream().filter(Comparison::isMain).toList();
  }

  /** The other shapes measured beside the checks' fixes. */
  public List<Comparison> variants() {
    return comparisons.stream().filter(c -> !c.isMain()).toList();
  }
}
