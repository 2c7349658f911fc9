import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The recall corpus ({@code recall.tsv}): real sites, pinned by Maven coordinates, path in the
 * sources jar and lines, that a check should report, and look-alikes beside them that it must
 * not. Every row was read by hand in a library the harness does not otherwise compile, so the
 * corpus measures what the checks find on code their rules were not written against.
 *
 * <p>Each site's file is compiled alone, against its library's own jar and compile dependencies
 * (so the rest of the library resolves as binaries): a site is found when its check reports a
 * line inside the row's range; a look-alike is falsely reported when it does. Every other
 * Slowpath finding in a corpus file is listed too, so nothing a check says there goes unread.
 */
final class RecallCorpus {
  private static final Pattern FINDING = Pattern.compile("^(.+):(\\d+): \\[(\\w+)\\] (.*)$");

  /** One row of recall.tsv. {@code silence} names the documented property that keeps a known miss silent. */
  record Row(String check, boolean site, String coordinates, String path, int from, int to, List<String> extras,
      String reason, String silence) {
    String where() {
      return coordinates + " " + path + ":" + (from == to ? Integer.toString(from) : from + "-" + to);
    }

    boolean covers(int line) {
      return line >= from && line <= to;
    }
  }

  private final Harness harness;

  RecallCorpus(Harness harness) {
    this.harness = harness;
  }

  static List<Row> read(Path tsv) throws IOException {
    List<Row> rows = new ArrayList<>();
    int number = 0;
    for (String line : Files.readAllLines(tsv, UTF_8)) {
      number++;
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\t", -1);
      if (f.length < 7 || !(f[1].equals("site") || f[1].equals("lookalike"))) {
        throw new IllegalArgumentException(tsv + ":" + number + ": expected check, site|lookalike, coordinates, path,"
            + " lines, extra-deps, reason [, silence]: " + line);
      }
      String[] lines = f[4].split("-");
      int from = Integer.parseInt(lines[0].trim());
      int to = lines.length > 1 ? Integer.parseInt(lines[1].trim()) : from;
      List<String> extras = f[5].equals("-") ? List.of() : Arrays.asList(f[5].split(","));
      rows.add(new Row(f[0], f[1].equals("site"), f[2], f[3], from, to, extras, f[6],
          f.length > 7 && !f[7].isBlank() ? f[7].trim() : null));
    }
    return rows;
  }

  /**
   * Compiles every corpus file, prints recall per check and the rows' outcomes, writes
   * benchmarks/results/realworld-recall-jdkN.json and compares the outcomes with
   * expected/recall-outcomes.txt.
   */
  List<String> run(boolean update, String onlyCheck, boolean quick) throws IOException, InterruptedException {
    List<Row> rows = read(harness.repo.resolve("benchmarks/realworld/recall.tsv"));
    if (onlyCheck != null) {
      Set<String> wanted = Set.of(onlyCheck.split(","));
      rows = rows.stream().filter(r -> wanted.contains(r.check())).collect(Collectors.toList());
    }
    if (quick) {
      rows = rows.stream().filter(r -> QUICK.contains(r.coordinates())).collect(Collectors.toList());
    }
    List<String> failures = new ArrayList<>();
    checkSilencesAreDocumented(rows, failures);
    Map<String, List<Row>> byLibrary = new TreeMap<>();
    rows.forEach(r -> byLibrary.computeIfAbsent(r.coordinates(), k -> new ArrayList<>()).add(r));

    // file key "coordinates path" -> that file's Slowpath findings ("line: [Check] message")
    Map<String, List<String>> findings = new TreeMap<>();
    for (Map.Entry<String, List<Row>> library : byLibrary.entrySet()) {
      compileLibrary(library.getKey(), library.getValue(), findings, failures);
    }

    Map<String, int[]> perCheck = new TreeMap<>(); // sites, found, look-alikes, reported
    List<String> outcomes = new ArrayList<>();
    Set<String> explained = new LinkedHashSet<>();
    for (Row row : rows) {
      List<String> inFile = findings.get(row.coordinates() + " " + row.path());
      if (inFile == null) {
        continue; // did not compile: a failure already
      }
      List<String> hits = inFile.stream().filter(f -> check(f).equals(row.check()) && linesOf(f).stream().anyMatch(row::covers))
          .collect(Collectors.toList());
      explained.addAll(hits);
      int[] counts = perCheck.computeIfAbsent(row.check(), k -> new int[4]);
      String verdict;
      if (row.site()) {
        counts[0]++;
        counts[1] += hits.isEmpty() ? 0 : 1;
        verdict = !hits.isEmpty() ? "found" : row.silence() != null ? "MISSED (documented: " + row.silence() + ")" : "MISSED";
      } else {
        counts[2]++;
        counts[3] += hits.isEmpty() ? 0 : 1;
        verdict = hits.isEmpty() ? "silent" : "FALSELY REPORTED";
      }
      outcomes.add(row.check() + " " + (row.site() ? "site" : "look-alike") + " " + row.where() + ": " + verdict
          + (hits.isEmpty() ? "" : hits.stream().map(h -> "\n    " + h).collect(Collectors.joining())));
    }
    List<String> unpinned = new ArrayList<>();
    findings.forEach((file, list) -> list.stream().filter(f -> !explained.contains(f))
        .forEach(f -> unpinned.add(file + ":" + f)));

    print(perCheck, outcomes, unpinned, rows);
    String expected = String.join("\n", outcomes) + "\n" + (unpinned.isEmpty() ? ""
        : "\nother findings in corpus files (not pinned by any row):\n" + String.join("\n", unpinned) + "\n");
    if (onlyCheck == null && !quick) {
      writeResults(perCheck, byLibrary.size());
      harness.compareOrUpdate("recall-outcomes.txt", expected, update, failures);
    } else if (quick) {
      compareWithTheFullRun(outcomes, failures);
    }
    return failures;
  }

  /**
   * The libraries of {@code --recall --quick} (what CI runs): small dependency trees, and between
   * them sites and look-alikes of most checks.
   */
  private static final Set<String> QUICK =
      Set.of(
          "log4j:log4j:1.2.17", "org.jgroups:jgroups:5.3.4.Final", "com.mysql:mysql-connector-j:8.3.0",
          "com.rabbitmq:amqp-client:5.16.0", "org.apache.poi:poi:5.2.5", "io.micrometer:micrometer-core:1.14.2",
          "org.mapdb:mapdb:1.0.9", "com.alibaba.csp:sentinel-core:1.8.7", "net.sourceforge.jtds:jtds:1.3.1");

  /** Each outcome of a quick run must read as it does in expected/recall-outcomes.txt. */
  private void compareWithTheFullRun(List<String> outcomes, List<String> failures) throws IOException {
    String full = Files.readString(harness.repo.resolve("benchmarks/realworld/expected/recall-outcomes.txt"), UTF_8);
    for (String outcome : outcomes) {
      if (!full.contains(outcome + "\n")) {
        failures.add("recall --quick: this outcome is not the one in expected/recall-outcomes.txt:\n" + outcome);
      }
    }
  }

  /** A known miss must be explained on the check's page by the property it names. */
  private void checkSilencesAreDocumented(List<Row> rows, List<String> failures) throws IOException {
    for (Row row : rows) {
      if (row.silence() == null) {
        continue;
      }
      Path page = harness.repo.resolve("docs/bugpattern/" + row.check() + ".md");
      if (!Files.exists(page) || !Files.readString(page, UTF_8).contains(row.silence())) {
        failures.add("recall.tsv: " + row.where() + " is a documented miss, but docs/bugpattern/" + row.check()
            + ".md does not say \"" + row.silence() + "\"");
      }
    }
  }

  private void compileLibrary(String coordinates, List<Row> rows, Map<String, List<String>> findings,
      List<String> failures) throws IOException, InterruptedException {
    Path dir = harness.work.resolve("recall").resolve(coordinates.replace(':', '_'));
    List<String> extras = rows.stream().flatMap(r -> r.extras().stream()).distinct().sorted().collect(Collectors.toList());
    String classpath;
    try {
      classpath = classpath(dir, coordinates, extras);
    } catch (IllegalStateException e) {
      failures.add("recall.tsv: " + coordinates + ": its classpath could not be resolved from Maven Central:\n"
          + e.getMessage().lines().filter(l -> l.contains("ERROR")).findFirst().orElse(e.getMessage()));
      return;
    }
    String sourcesJar = Arrays.stream(classpath.split(":")).filter(e -> e.endsWith("-sources.jar")).findFirst()
        .orElseThrow(() -> new IllegalStateException(coordinates + ": no sources jar resolved"));
    String compileClasspath =
        Arrays.stream(classpath.split(":")).filter(e -> !e.endsWith("-sources.jar")).collect(Collectors.joining(":"));
    Path root = dir.resolve("src");
    List<String> files = rows.stream().map(Row::path).distinct().sorted().collect(Collectors.toList());
    try (ZipFile zip = new ZipFile(sourcesJar)) {
      for (String file : files) {
        ZipEntry entry = zip.getEntry(file);
        if (entry == null) {
          failures.add("recall.tsv: " + coordinates + " has no " + file + " in its sources jar");
          continue;
        }
        Path target = root.resolve(file);
        Files.createDirectories(target.getParent());
        try (InputStream in = zip.getInputStream(entry)) {
          Files.write(target, in.readAllBytes());
        }
      }
    }
    files.removeIf(f -> !Files.exists(root.resolve(f)));
    System.out.printf(Locale.ROOT, "== %s: %d corpus files%n", coordinates, files.size());
    // One javac for the library's files; if that fails, each file alone, to name the one at fault.
    Harness.Compilation together = harness.javac(root, files, compileClasspath, harness.slowpathProcessorPath(), List.of());
    List<List<String>> batches = together.success() ? List.of(files) : files.stream().map(List::of).collect(Collectors.toList());
    for (List<String> batch : batches) {
      Harness.Compilation compilation = batch == files ? together
          : harness.javac(root, batch, compileClasspath, harness.slowpathProcessorPath(), List.of());
      if (!compilation.success() || compilation.output().contains("An unhandled exception was thrown by the Error Prone")) {
        failures.add("recall.tsv: " + coordinates + " " + batch + " did not compile:\n" + Harness.tail(compilation.output()));
        continue;
      }
      Map<String, List<String>> perFile = new TreeMap<>();
      for (String finding : harness.findings(compilation.output(), root)) {
        Matcher m = FINDING.matcher(finding);
        if (m.matches()) {
          perFile.computeIfAbsent(m.group(1), k -> new ArrayList<>())
              .add(m.group(2) + ": [" + m.group(3) + "] " + m.group(4));
        }
      }
      for (String file : batch) {
        findings.put(coordinates + " " + file, perFile.getOrDefault(file, List.of()));
      }
    }
  }

  /** The library's compile classpath with its sources jar on it, resolved once with Maven and kept. */
  private String classpath(Path dir, String coordinates, List<String> extras) throws IOException, InterruptedException {
    Path cached = dir.resolve("classpath.txt");
    String key = coordinates + " " + extras;
    Path marker = dir.resolve("coordinates.txt");
    if (Files.exists(cached) && Files.exists(marker) && Files.readString(marker).equals(key)) {
      return Files.readString(cached).trim();
    }
    List<String> dependencies = new ArrayList<>(List.of(coordinates, coordinates + ":sources"));
    dependencies.addAll(extras);
    String classpath = harness.resolveClasspath(dir, "recall", dependencies);
    Files.writeString(cached, classpath);
    Files.writeString(marker, key);
    return classpath;
  }

  /** "(and 2 more blocking calls in this section, lines 154, 160)": one finding for several calls. */
  private static final Pattern MORE_LINES = Pattern.compile("in this section, lines? ([0-9, ]+)\\)");

  /** The line a finding is reported on, and the lines of the other calls it names. */
  private static List<Integer> linesOf(String finding) {
    List<Integer> lines = new ArrayList<>(List.of(Integer.parseInt(finding.substring(0, finding.indexOf(':')))));
    Matcher more = MORE_LINES.matcher(finding);
    if (more.find()) {
      for (String line : more.group(1).split(",\\s*")) {
        lines.add(Integer.parseInt(line.trim()));
      }
    }
    return lines;
  }

  private static String check(String finding) {
    return finding.substring(finding.indexOf('[') + 1, finding.indexOf(']'));
  }

  private static void print(Map<String, int[]> perCheck, List<String> outcomes, List<String> unpinned, List<Row> rows) {
    System.out.println();
    outcomes.stream().filter(o -> o.contains("MISSED") || o.contains("FALSELY")).forEach(System.out::println);
    if (!unpinned.isEmpty()) {
      System.out.println("\nother findings in corpus files (not pinned by any row):");
      unpinned.forEach(u -> System.out.println("  " + u));
    }
    System.out.println("\nrecall on the corpus (" + rows.stream().map(Row::coordinates).distinct().count() + " libraries):");
    System.out.printf(Locale.ROOT, "  %-24s %11s %8s %20s%n", "check", "found/sites", "recall", "look-alikes reported");
    int sites = 0, found = 0, lookalikes = 0, reported = 0;
    for (Map.Entry<String, int[]> e : perCheck.entrySet()) {
      int[] c = e.getValue();
      sites += c[0];
      found += c[1];
      lookalikes += c[2];
      reported += c[3];
      System.out.printf(Locale.ROOT, "  %-24s %5d/%-5d %7.0f%% %14d/%d%n", e.getKey(), c[1], c[0], percent(c[1], c[0]), c[3], c[2]);
    }
    System.out.printf(Locale.ROOT, "  %-24s %5d/%-5d %7.0f%% %14d/%d%n", "all", found, sites, percent(found, sites), reported, lookalikes);
  }

  private static double percent(int part, int whole) {
    return whole == 0 ? 0 : 100.0 * part / whole;
  }

  private void writeResults(Map<String, int[]> perCheck, int libraries) throws IOException {
    Map<String, Object> report = harness.reportHeader("each corpus file compiled alone against its library's jar and"
        + " compile dependencies, with Error Prone's defaults and Slowpath; a site is found when its check reports a"
        + " line in the row's range; a look-alike is reported when it does");
    report.put("libraries", libraries);
    Map<String, Object> checks = new LinkedHashMap<>();
    perCheck.forEach((check, c) -> {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("sites", c[0]);
      row.put("found", c[1]);
      row.put("lookalikes", c[2]);
      row.put("lookalikesReported", c[3]);
      checks.put(check, row);
    });
    report.put("perCheck", checks);
    Path out = harness.repo.resolve("benchmarks/results/realworld-recall-jdk" + Runtime.version().feature() + ".json");
    Files.writeString(out, Harness.Json.write(report) + "\n", UTF_8);
    System.out.println("wrote " + harness.repo.relativize(out));
  }
}
