package dev.slowpath.benchmarks.report;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

/**
 * Wraps JMH's JSON output with the facts needed to read it later: CPU model, cores, memory, OS,
 * JDK, the JMH command line and the date. Usage: {@code RecordResults <jmh.json> <out.json>
 * <jmh-args>}.
 */
public final class RecordResults {
  private RecordResults() {}

  public static void main(String[] args) throws IOException {
    Path jmhOutput = Path.of(args[0]);
    Path recorded = Path.of(args[1]);
    String jmhArgs = args.length > 2 ? args[2] : "";

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

    JsonObject root = new JsonObject();
    root.add("machine", machine);
    root.add(
        "jmh",
        JsonParser.parseString(Files.readString(jmhOutput, StandardCharsets.UTF_8)).getAsJsonArray());
    Files.writeString(
        recorded,
        new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(root) + "\n",
        StandardCharsets.UTF_8);
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
