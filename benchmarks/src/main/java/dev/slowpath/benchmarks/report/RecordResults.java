package dev.slowpath.benchmarks.report;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Wraps JMH's JSON output with the facts needed to read it later: CPU model, cores, memory, OS,
 * JDK, the JMH command line and the date. Usage: {@code RecordResults <jmh.json> <out.json>
 * <jmh-args> [--merge <which>]}. With {@code --merge}, the run measured only some benchmarks
 * ({@code which}, e.g. {@code CounterUnderLock}): their results replace the same benchmarks' in
 * {@code out.json}, the others are kept, and {@code machine.partialRuns} says what was measured
 * when. A before/after pair always comes from one run.
 */
public final class RecordResults {
  private RecordResults() {}

  public static void main(String[] args) throws IOException {
    Path jmhOutput = Path.of(args[0]);
    Path recorded = Path.of(args[1]);
    String jmhArgs = args.length > 2 ? args[2] : "";
    String merged = args.length > 4 && args[3].equals("--merge") ? args[4] : null;

    JsonObject machine = new JsonObject();
    machine.addProperty("cpu", cpuModel());
    machine.addProperty("cores", Runtime.getRuntime().availableProcessors());
    machine.addProperty(
        "memory",
        ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize()
            / (1 << 20)
            + " MiB");
    machine.addProperty("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    machine.addProperty("jdk", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"));
    machine.addProperty("jmh", jmhArgs);
    machine.addProperty("date", LocalDate.now().toString());
    machine.addProperty(
        "note",
        "2 shared, noisy cores: compare before/after of one run, never absolute times across runs");

    JsonArray measured =
        JsonParser.parseString(Files.readString(jmhOutput, StandardCharsets.UTF_8)).getAsJsonArray();
    JsonObject root = new JsonObject();
    if (merged != null && Files.exists(recorded)) {
      root = merge(JsonParser.parseString(Files.readString(recorded, StandardCharsets.UTF_8)).getAsJsonObject(), measured, merged, jmhArgs);
    } else {
      root.add("machine", machine);
      root.add("jmh", measured);
    }
    Files.writeString(
        recorded,
        new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(root) + "\n",
        StandardCharsets.UTF_8);
  }

  /**
   * The recorded file with {@code measured} in place of the same benchmarks (name and parameters),
   * and a note of the partial run. The machine must be the one that recorded the rest.
   */
  private static JsonObject merge(JsonObject recorded, JsonArray measured, String which, String jmhArgs)
      throws IOException {
    JsonObject machine = recorded.getAsJsonObject("machine");
    if (!machine.get("cpu").getAsString().equals(cpuModel())
        || machine.get("cores").getAsInt() != Runtime.getRuntime().availableProcessors()) {
      throw new IllegalStateException(
          "benchmarks/results was recorded on another machine (" + machine.get("cpu").getAsString()
              + "): re-run every benchmark, not only " + which);
    }
    Set<String> replaced = new HashSet<>();
    measured.forEach(e -> replaced.add(key(e.getAsJsonObject())));
    JsonArray kept = new JsonArray();
    recorded.getAsJsonArray("jmh").forEach(e -> {
      if (!replaced.contains(key(e.getAsJsonObject()))) {
        kept.add(e);
      }
    });
    kept.addAll(measured);
    JsonObject partial = new JsonObject();
    partial.addProperty("date", LocalDate.now().toString());
    partial.addProperty("benchmarks", which);
    partial.addProperty("jmh", jmhArgs);
    partial.addProperty("jdk", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"));
    JsonArray partialRuns = machine.has("partialRuns") ? machine.getAsJsonArray("partialRuns") : new JsonArray();
    partialRuns.add(partial);
    machine.add("partialRuns", partialRuns);
    JsonObject root = new JsonObject();
    root.add("machine", machine);
    root.add("jmh", kept);
    return root;
  }

  private static String key(JsonObject result) {
    return result.get("benchmark").getAsString() + " " + result.get("params");
  }

  private static String cpuModel() throws IOException {
    Path cpuinfo = Path.of("/proc/cpuinfo");
    if (Files.isReadable(cpuinfo)) {
      List<String> lines = Files.readAllLines(cpuinfo, StandardCharsets.UTF_8);
      for (String line : lines) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    }
    return System.getProperty("os.arch");
  }
}
