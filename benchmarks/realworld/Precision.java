import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Precision on libraries that were not used to write the rules (option {@code unseen} in
 * libraries.tsv): every finding the harness recorded for them in expected/ has a verdict in
 * verdicts.tsv, read by hand — {@code right} (the anti-pattern, on a routine path), {@code cold}
 * (true as written, on a rarely run path), {@code false} (the claim is wrong, or the fix changes
 * behaviour) or {@code doubtful}. Precision counts right and cold against all findings.
 */
final class Precision {
  static final List<String> VERDICTS = List.of("right", "cold", "false", "doubtful");

  record Verdict(String library, String site, String check, String verdict, String note) {
    String key() {
      return library + " " + site + " [" + check + "]";
    }
  }

  private final Harness harness;

  Precision(Harness harness) {
    this.harness = harness;
  }

  static Map<String, Verdict> read(Path tsv) throws IOException {
    Map<String, Verdict> verdicts = new LinkedHashMap<>();
    int number = 0;
    for (String line : Files.readAllLines(tsv, UTF_8)) {
      number++;
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\t", -1);
      if (f.length < 5 || !VERDICTS.contains(f[3])) {
        throw new IllegalArgumentException(tsv + ":" + number + ": expected library, path:line, check, "
            + String.join("|", VERDICTS) + ", note: " + line);
      }
      Verdict v = new Verdict(f[0], f[1], f[2], f[3], f[4]);
      verdicts.put(v.key(), v);
    }
    return verdicts;
  }

  /** Prints precision per check over the unseen libraries' recorded findings; unreviewed ones are failures. */
  List<String> run(List<Harness.Library> libraries) throws IOException {
    Map<String, Verdict> verdicts = read(harness.repo.resolve("benchmarks/realworld/verdicts.tsv"));
    List<String> failures = new ArrayList<>();
    Map<String, Map<String, Integer>> perCheck = new TreeMap<>();
    Set<String> seen = new java.util.HashSet<>();
    List<String> unseenNames = new ArrayList<>();
    for (Harness.Library library : libraries) {
      if (!library.unseen()) {
        continue;
      }
      unseenNames.add(library.name());
      Path findings = harness.repo.resolve("benchmarks/realworld/expected/" + library.name() + "-findings.txt");
      if (!Files.exists(findings)) {
        failures.add(library.name() + ": no recorded findings (run the harness on it first)");
        continue;
      }
      for (String finding : Files.readAllLines(findings, UTF_8)) {
        if (finding.isBlank()) {
          continue;
        }
        int bracket = finding.indexOf(": [");
        String site = finding.substring(0, bracket);
        String check = finding.substring(bracket + 3, finding.indexOf(']', bracket));
        Verdict v = verdicts.get(library.name() + " " + site + " [" + check + "]");
        if (v == null) {
          failures.add("verdicts.tsv has no verdict for " + library.name() + " " + site + " [" + check + "]: read it and add one");
          continue;
        }
        seen.add(v.key());
        perCheck.computeIfAbsent(check, k -> new TreeMap<>()).merge(v.verdict(), 1, Integer::sum);
      }
    }
    System.out.println("\nprecision on " + unseenNames.size() + " libraries the rules were not written against ("
        + String.join(", ", unseenNames) + "):");
    System.out.printf(Locale.ROOT, "  %-24s %8s %6s %5s %6s %9s %10s%n", "check", "findings", "right", "cold", "false",
        "doubtful", "precision");
    Map<String, Integer> all = new TreeMap<>();
    Map<String, Object> json = new LinkedHashMap<>();
    perCheck.forEach((check, counts) -> {
      print(check, counts);
      counts.forEach((k, n) -> all.merge(k, n, Integer::sum));
      json.put(check, counts);
    });
    print("all", all);
    List<String> gone = new ArrayList<>();
    verdicts.values().stream().filter(v -> unseenNames.contains(v.library()) && !seen.contains(v.key()))
        .forEach(v -> gone.add(v.key() + " (" + v.verdict() + ")"));
    if (!gone.isEmpty()) {
      System.out.println("  reviewed once, no longer reported:");
      gone.forEach(g -> System.out.println("    " + g));
    }
    Map<String, Object> report = harness.reportHeader("every finding recorded in expected/ for the libraries marked"
        + " unseen, with its verdict from verdicts.tsv; precision = (right + cold) / findings");
    report.put("libraries", unseenNames);
    report.put("perCheck", json);
    report.put("all", all);
    report.put("precision", precision(all));
    Path out = harness.repo.resolve("benchmarks/results/realworld-precision.json");
    Files.writeString(out, Harness.Json.write(report) + "\n", UTF_8);
    return failures;
  }

  private static void print(String check, Map<String, Integer> counts) {
    int total = counts.values().stream().mapToInt(Integer::intValue).sum();
    System.out.printf(Locale.ROOT, "  %-24s %8d %6d %5d %6d %9d %9.0f%%%n", check, total, counts.getOrDefault("right", 0),
        counts.getOrDefault("cold", 0), counts.getOrDefault("false", 0), counts.getOrDefault("doubtful", 0),
        100 * precision(counts));
  }

  static double precision(Map<String, Integer> counts) {
    int total = counts.values().stream().mapToInt(Integer::intValue).sum();
    return total == 0 ? 1 : (counts.getOrDefault("right", 0) + counts.getOrDefault("cold", 0)) / (double) total;
  }
}
