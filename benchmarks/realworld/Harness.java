import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Runs Slowpath over real libraries from Maven Central (see libraries.tsv and README.md here).
 * A small program of its own ({@code Harness} and the modes beside it, {@code RecallCorpus}): the
 * {@code run} script beside it builds the checks jar, compiles the harness and passes the options on.
 * {@code Precision} reads the verdicts on findings in the unseen libraries.
 *
 * <p>For each library: take its sources jar and resolve its compile classpath with Maven; compile
 * everything with javac + Error Prone's default checks + Slowpath and record Slowpath's findings;
 * patch a copy with every Slowpath check; recompile the patched copy; patch it again (must change
 * nothing); compare findings and changes with expected/. With {@code --overhead} it instead times
 * compilations with and without Slowpath, interleaved.
 */
public class Harness {
  private static final Pattern DIAGNOSTIC =
      Pattern.compile("^(.+\\.java):(\\d+): (?:warning|error|Note|note): \\[(\\w+)\\] (.*)$");
  private static final String CRASH = "An unhandled exception was thrown by the Error Prone";

  /**
   * The language level every library is compiled at, on JDK 17 and 25 alike: all of them target
   * 17 or older, and some fixes depend on it (BlockingInSynchronized's lock rewrite is for code
   * that may run on JDK 21-23), so both legs must see the same findings.
   */
  private static final String SOURCE = "17";

  /** {@code unseen}: added after the rules were written, to measure them on code they never saw (Precision). */
  record Library(String name, String coordinates, boolean quick, boolean unseen, String encoding, List<String> extras,
      List<String> excluded, String why) {}

  record Compilation(boolean success, String output, double wallSeconds, double cpuSeconds) {}

  final Path repo;
  private final Path checksJar;
  final Path work;
  private final String errorProneVersion;
  final String checks;
  private final List<String> javacVmFlags;
  private String errorProneClasspath;

  Harness(Path repo, Path checksJar, String errorProneVersion) throws IOException {
    this.repo = repo;
    this.checksJar = checksJar;
    this.work = repo.resolve("benchmarks/target/realworld");
    this.errorProneVersion = errorProneVersion;
    Matcher property =
        Pattern.compile("<slowpath.checks>([^<]*)</slowpath.checks>").matcher(Files.readString(repo.resolve("pom.xml")));
    if (!property.find()) {
      throw new IllegalStateException("pom.xml has no slowpath.checks property");
    }
    this.checks = property.group(1).trim();
    this.javacVmFlags =
        Files.readAllLines(repo.resolve(".mvn/jvm.config")).stream()
            .map(String::trim)
            .filter(l -> !l.isEmpty())
            .map(l -> "-J" + l)
            .collect(Collectors.toList());
  }

  public static void main(String[] args) throws Exception {
    Path repo = Path.of(args[0]).toAbsolutePath().normalize();
    Path jar = Path.of(args[1]).toAbsolutePath();
    Set<String> options = new TreeSet<>(Arrays.asList(args).subList(2, args.length));
    String only = option(args, "--only=");
    String version = option(args, "--errorprone=");
    Harness harness = new Harness(repo, jar, version == null ? "2.42.0" : version);
    List<Library> libraries = harness.libraries();
    if (options.contains("--quick")) {
      libraries = libraries.stream().filter(Library::quick).collect(Collectors.toList());
    }
    if (only != null) {
      Set<String> names = Set.of(only.split(","));
      libraries = libraries.stream().filter(l -> names.contains(l.name())).collect(Collectors.toList());
    }
    String timings = option(args, "--timings=");
    if (timings != null) {
      harness.timings(libraries, Integer.parseInt(timings));
      return;
    }
    String readCost = option(args, "--read-cost=");
    if (readCost != null) {
      String reps = option(args, "--repetitions=");
      harness.readCost(readCost.split(","), reps == null ? 5 : Integer.parseInt(reps));
      return;
    }
    String profiled = option(args, "--profiled=");
    if (profiled != null) {
      String reps = option(args, "--repetitions=");
      harness.profiled(libraries, Integer.parseInt(profiled), reps == null ? 5 : Integer.parseInt(reps));
      return;
    }
    String overhead = option(args, "--overhead=");
    if (overhead != null) {
      harness.overhead(libraries, Integer.parseInt(overhead));
      return;
    }
    boolean update = options.contains("--update");
    if (options.contains("--recall")) {
      report(new RecallCorpus(harness).run(update, option(args, "--check="), options.contains("--quick")), "recall corpus");
      return;
    }
    if (options.contains("--precision")) {
      report(new Precision(harness).run(harness.libraries()), "precision on unseen libraries");
      return;
    }
    List<String> failures = new ArrayList<>();
    for (Library library : libraries) {
      failures.addAll(harness.review(library, update));
    }
    if (libraries.stream().anyMatch(Library::unseen)) {
      failures.addAll(new Precision(harness).run(libraries));
    }
    report(failures, libraries.size() + " libraries");
  }

  private static void report(List<String> failures, String what) {
    System.out.println();
    if (failures.isEmpty()) {
      System.out.println("realworld: OK, " + what);
    } else {
      failures.forEach(f -> System.out.println("FAILED: " + f));
      System.exit(1);
    }
  }

  private static String option(String[] args, String prefix) {
    return Arrays.stream(args).filter(a -> a.startsWith(prefix)).map(a -> a.substring(prefix.length())).findFirst().orElse(null);
  }

  List<Library> libraries() throws IOException {
    List<Library> libraries = new ArrayList<>();
    for (String line : Files.readAllLines(repo.resolve("benchmarks/realworld/libraries.tsv"))) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\t");
      List<String> options = list(f[2]);
      String encoding =
          options.stream().filter(o -> o.startsWith("encoding=")).map(o -> o.substring(9)).findFirst().orElse("UTF-8");
      libraries.add(
          new Library(f[0], f[1], options.contains("quick"), options.contains("unseen"), encoding, list(f[3]), list(f[4]),
              f.length > 5 ? f[5] : ""));
    }
    return libraries;
  }

  private static List<String> list(String field) {
    return field.equals("-") ? List.of() : Arrays.asList(field.split(","));
  }

  // ---------------------------------------------------------------- review one library

  List<String> review(Library library, boolean update) throws IOException, InterruptedException {
    System.out.println("== " + library.name() + " (" + library.coordinates() + ")");
    List<String> failures = new ArrayList<>();
    Path dir = work.resolve(library.name());
    Path original = dir.resolve("original");
    String classpath = prepare(library, dir, original);
    List<String> sources = sources(original, library);

    List<String> encoding = List.of("-encoding", library.encoding());
    Compilation plain = javac(original, sources, classpath, slowpathProcessorPath(), encoding);
    checkCompiled(library, "original", plain, failures);
    List<String> findings = findings(plain.output(), original);
    System.out.printf(Locale.ROOT, "   %d files, %d Slowpath findings, %.0f s%n", sources.size(), findings.size(), plain.wallSeconds());

    Path patched = dir.resolve("patched");
    copy(original, patched);
    List<String> patch = new ArrayList<>(encoding);
    patch.addAll(List.of("-XepPatchChecks:" + checks, "-XepPatchLocation:IN_PLACE"));
    Compilation first = javac(patched, sources, classpath, slowpathProcessorPath(), patch);
    checkCompiled(library, "first patch run", first, failures);
    String changes = diff(dir, "original", "patched");

    Compilation recompiled = javac(patched, sources, classpath, slowpathProcessorPath(), encoding);
    checkCompiled(library, "patched sources", recompiled, failures);

    Path again = dir.resolve("patched-again");
    copy(patched, again);
    Compilation second = javac(again, sources, classpath, slowpathProcessorPath(), patch);
    checkCompiled(library, "second patch run", second, failures);
    String secondChanges = diff(dir, "patched", "patched-again");
    if (!secondChanges.isEmpty()) {
      failures.add(library.name() + ": a second patch run changed the sources:\n" + secondChanges);
    }

    compareOrUpdate(library, "findings.txt", String.join("\n", findings) + (findings.isEmpty() ? "" : "\n"), update, failures);
    compareOrUpdate(library, "changes.patch", changes, update, failures);
    return failures;
  }

  private void checkCompiled(Library library, String what, Compilation compilation, List<String> failures) {
    String output = compilation.output();
    if (output.contains(CRASH)) {
      String crash = output.substring(output.indexOf(CRASH));
      String where = crash.lines().limit(12).collect(Collectors.joining("\n"));
      failures.add(library.name() + ": " + what + ": a check threw:\n" + where);
    }
    // Error Prone refuses fixes whose replacements overlap with an exception naming them.
    boolean overlap =
        output.lines()
            .map(l -> l.toLowerCase(Locale.ROOT))
            .anyMatch(l -> l.contains("overlap") && (l.contains("replacement") || l.contains("exception")));
    if (overlap) {
      failures.add(library.name() + ": " + what + ": overlapping replacements:\n" + tail(output));
    }
    if (!compilation.success()) {
      failures.add(library.name() + ": " + what + " did not compile:\n" + tail(output));
    }
  }

  static String tail(String output) {
    List<String> lines = output.lines().filter(l -> l.contains("error") || l.contains("Exception")).collect(Collectors.toList());
    return String.join("\n", lines.subList(0, Math.min(lines.size(), 30)));
  }

  List<String> findings(String output, Path root) {
    Set<String> ours = Set.of(checks.split(","));
    List<String> findings = new ArrayList<>();
    String prefix = root.toString() + "/";
    for (String line : output.lines().collect(Collectors.toList())) {
      Matcher m = DIAGNOSTIC.matcher(line);
      if (m.matches() && ours.contains(m.group(3))) {
        String file = m.group(1).startsWith(prefix) ? m.group(1).substring(prefix.length()) : m.group(1);
        findings.add(file + ":" + m.group(2) + ": [" + m.group(3) + "] " + m.group(4));
      }
    }
    Collections.sort(findings);
    return findings;
  }

  private void compareOrUpdate(Library library, String kind, String actual, boolean update, List<String> failures)
      throws IOException {
    compareOrUpdate(library.name() + "-" + kind, actual, update, failures);
  }

  /** Compares {@code actual} with expected/{@code name}, or writes it there with --update. */
  void compareOrUpdate(String name, String actual, boolean update, List<String> failures) throws IOException {
    Path expected = repo.resolve("benchmarks/realworld/expected/" + name);
    if (update) {
      Files.writeString(expected, actual, UTF_8);
      return;
    }
    String committed = Files.exists(expected) ? Files.readString(expected, UTF_8) : "";
    if (!committed.equals(actual)) {
      Path got = work.resolve("actual-" + name);
      Files.createDirectories(work);
      Files.writeString(got, actual, UTF_8);
      failures.add(name + " differs from " + repo.relativize(expected) + " (got " + got + "; run with --update to accept)");
    }
  }

  // ---------------------------------------------------------------- compile-time overhead

  void overhead(List<Library> libraries, int repetitions) throws IOException, InterruptedException {
    Map<String, Object> report = reportHeader("javac processes; each repetition compiles the library once with Error Prone's"
        + " defaults and once with the defaults plus Slowpath, in random order; CPU = user + sys of"
        + " the javac process; ratio = median over repetitions of (with ÷ without)");
    List<Map<String, Object>> rows = new ArrayList<>();
    Random random = new Random(42);
    for (Library library : libraries) {
      Path dir = work.resolve(library.name());
      Path original = dir.resolve("original");
      String classpath = prepare(library, dir, original);
      List<String> sources = sources(original, library);
      // One untimed compile of each to warm the file cache.
      List<String> encoding = List.of("-encoding", library.encoding());
      javac(original, sources, classpath, errorProneClasspath(), encoding);
      javac(original, sources, classpath, slowpathProcessorPath(), encoding);
      List<Double> wallWithout = new ArrayList<>(), wallWith = new ArrayList<>();
      List<Double> cpuWithout = new ArrayList<>(), cpuWith = new ArrayList<>();
      for (int i = 0; i < repetitions; i++) {
        boolean slowpathFirst = random.nextBoolean();
        for (int side = 0; side < 2; side++) {
          boolean withSlowpath = (side == 0) == slowpathFirst;
          Compilation c =
              javac(original, sources, classpath, withSlowpath ? slowpathProcessorPath() : errorProneClasspath(),
                  List.of("-encoding", library.encoding()));
          if (!c.success()) {
            throw new IllegalStateException(library.name() + " did not compile:\n" + tail(c.output()));
          }
          (withSlowpath ? wallWith : wallWithout).add(c.wallSeconds());
          (withSlowpath ? cpuWith : cpuWithout).add(c.cpuSeconds());
        }
        System.out.printf(Locale.ROOT, "   %s rep %d: wall %.2f / %.2f s, cpu %.2f / %.2f s (without / with)%n",
            library.name(), i + 1, last(wallWithout), last(wallWith), last(cpuWithout), last(cpuWith));
      }
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("library", library.coordinates());
      row.put("files", sources.size());
      row.put("repetitions", repetitions);
      row.put("wall", summary(wallWithout, wallWith));
      row.put("cpu", summary(cpuWithout, cpuWith));
      rows.add(row);
    }
    report.put("results", rows);
    // One file per set of libraries, so a reading of one library does not replace another's.
    String names = libraries.stream().map(Library::name).sorted().collect(Collectors.joining("-"));
    Path out = repo.resolve(
        "benchmarks/results/realworld-overhead-jdk" + Runtime.version().feature() + "-" + names + ".json");
    Files.writeString(out, Json.write(report) + "\n", UTF_8);
    System.out.println("wrote " + repo.relativize(out));
  }

  /** When, where and how a measurement was taken: the top of each results file. */
  Map<String, Object> reportHeader(String method) throws IOException {
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("date", java.time.LocalDate.now().toString());
    report.put("jdk", System.getProperty("java.runtime.version"));
    report.put("errorprone", errorProneVersion);
    report.put("cores", Runtime.getRuntime().availableProcessors());
    report.put("cpu", cpuModel());
    report.put("method", method);
    return report;
  }

  private static double last(List<Double> values) {
    return values.get(values.size() - 1);
  }

  private static Map<String, Object> summary(List<Double> without, List<Double> with) {
    List<Double> ratios = new ArrayList<>();
    for (int i = 0; i < without.size(); i++) {
      ratios.add(with.get(i) / without.get(i));
    }
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("withoutSeconds", quartiles(without));
    s.put("withSeconds", quartiles(with));
    s.put("ratio", quartiles(ratios));
    s.put("raw", Map.of("without", without, "with", with));
    return s;
  }

  private static Map<String, Double> quartiles(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    Map<String, Double> q = new LinkedHashMap<>();
    q.put("min", sorted.get(0));
    q.put("q1", percentile(sorted, 0.25));
    q.put("median", percentile(sorted, 0.5));
    q.put("q3", percentile(sorted, 0.75));
    q.put("max", sorted.get(sorted.size() - 1));
    return q;
  }

  private static double percentile(List<Double> sorted, double p) {
    double index = p * (sorted.size() - 1);
    int low = (int) Math.floor(index);
    int high = (int) Math.ceil(index);
    return sorted.get(low) + (sorted.get(high) - sorted.get(low)) * (index - low);
  }

  private static String cpuModel() throws IOException {
    Path cpuinfo = Path.of("/proc/cpuinfo");
    if (Files.isReadable(cpuinfo)) {
      for (String line : Files.readAllLines(cpuinfo)) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    }
    return System.getProperty("os.arch");
  }

  // ---------------------------------------------------------------- time per check, in-process

  private static final Pattern TIMING = Pattern.compile("\"([^\"]+)\": ([0-9.]+)");

  /**
   * Error Prone's own clock per checker ({@code ErrorProneTimings}), read after an in-process
   * compilation with every default check and every Slowpath check: {@code repetitions} fresh JVMs
   * per library (Timings.java), medians recorded in benchmarks/results/realworld-timings-jdkN.json.
   * Unlike whole-compile ratios, this attributes the cost to each check, below the machine's noise.
   */
  void timings(List<Library> libraries, int repetitions) throws IOException, InterruptedException {
    Map<String, Object> report = reportHeader(TIMINGS_METHOD);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Library library : libraries) {
      rows.add(timeChecks(library, repetitions, ""));
    }
    report.put("results", rows);
    Path out = repo.resolve("benchmarks/results/realworld-timings-jdk" + Runtime.version().feature() + ".json");
    Files.writeString(out, Json.write(report) + "\n", UTF_8);
    System.out.println("wrote " + repo.relativize(out));
  }

  private static final String TIMINGS_METHOD =
      "one javac + Error Prone compilation per fresh JVM, in-process; ErrorProneTimings"
          + " (check_api) gives the time spent in each checker's matchers; medians over the repetitions."
          + " allCheckersMillis sums every checker, Error Prone's defaults and Slowpath's";

  /** Error Prone's clock over {@code repetitions} compilations of the library, with more Error Prone flags. */
  private Map<String, Object> timeChecks(Library library, int repetitions, String errorProneFlags)
      throws IOException, InterruptedException {
    Set<String> ours = Set.of(checks.split(","));
    Path dir = work.resolve(library.name());
    Path original = dir.resolve("original");
    String classpath = prepare(library, dir, original);
    List<String> sources = sources(original, library);
    Path classes = dir.resolve("timings-classes");
    Files.createDirectories(classes);
    List<String> options = new ArrayList<>(List.of("-d", classes.toString(), "-classpath", classpath,
        "-processorpath", slowpathProcessorPath(), "-proc:none", "-source", SOURCE, "-encoding", library.encoding(),
        "-Xmaxwarns", "100000", "-XDcompilePolicy=simple", "--should-stop=ifError=FLOW",
        ("-Xplugin:ErrorProne -XepAllErrorsAsWarnings -XepDisableWarningsInGeneratedCode " + errorProneFlags).trim()));
    Path optionsFile = dir.resolve("timings.options");
    Path sourcesFile = dir.resolve("timings.sources");
    Files.write(optionsFile, options);
    Files.write(sourcesFile, sources.stream().map(s -> original.resolve(s).toString()).collect(Collectors.toList()));
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    javacVmFlags.forEach(f -> command.add(f.substring(2))); // the same exports, without -J
    command.addAll(List.of("-cp", slowpathProcessorPath(), repo.resolve("benchmarks/realworld/Timings.java").toString(),
        optionsFile.toString(), sourcesFile.toString()));
    Map<String, List<Double>> perCheck = new TreeMap<>();
    List<Double> wall = new ArrayList<>(), slowpath = new ArrayList<>(), all = new ArrayList<>();
    List<Double> typicalDefault = new ArrayList<>();
    int defaultChecks = 0;
    for (int i = 0; i < repetitions; i++) {
      Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      String output = new String(process.getInputStream().readAllBytes(), UTF_8);
      if (process.waitFor() != 0 || !output.contains("\"ok\": true")) {
        throw new IllegalStateException(library.name() + ": timed compilation failed:\n" + output);
      }
      String line = output.lines().filter(l -> l.startsWith("{\"ok\"")).findFirst().orElseThrow();
      Matcher wallMatch = Pattern.compile("\"wallMillis\": ([0-9.]+)").matcher(line);
      wallMatch.find();
      wall.add(Double.parseDouble(wallMatch.group(1)));
      Matcher m = TIMING.matcher(line.substring(line.indexOf("\"checkerMillis\"")));
      double sumOurs = 0, sumAll = 0;
      List<Double> theirs = new ArrayList<>();
      while (m.find()) {
        double millis = Double.parseDouble(m.group(2));
        sumAll += millis;
        if (ours.contains(m.group(1))) {
          sumOurs += millis;
          perCheck.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(millis);
        } else {
          theirs.add(millis);
        }
      }
      slowpath.add(sumOurs);
      all.add(sumAll);
      defaultChecks = theirs.size();
      typicalDefault.add(percentile(sorted(theirs), 0.5));
      System.out.printf(Locale.ROOT, "   %s rep %d: compile %.0f ms, all checkers %.0f ms, Slowpath %.1f ms%n",
          library.name(), i + 1, last(wall), sumAll, sumOurs);
    }
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("library", library.coordinates());
    row.put("files", sources.size());
    row.put("repetitions", repetitions);
    row.put("compileMillis", quartiles(wall));
    row.put("allCheckersMillis", quartiles(all));
    row.put("slowpathMillis", quartiles(slowpath));
    row.put("slowpathShareOfCompile", percentile(sorted(slowpath), 0.5) / percentile(sorted(wall), 0.5));
    row.put("errorProneChecksTimed", defaultChecks);
    row.put("medianErrorProneCheckMillis", quartiles(typicalDefault));
    Map<String, Object> checks = new LinkedHashMap<>();
    perCheck.forEach((check, millis) -> checks.put(check, quartiles(millis)));
    row.put("perCheckMillis", checks);
    return row;
  }

  // ---------------------------------------------------------------- with a recording of the library at work

  /**
   * For each library with a load ({@code loads/<name>.load}: a program in loads/ and its
   * arguments): runs it for {@code seconds}
   * under {@code -XX:StartFlightRecording=settings=profile}, times reading the recording the way
   * the checks do ({@code Profile.read}, cold and warm), compiles the library with {@code
   * -XepOpt:Slowpath:Profile} and records the findings, and times the checks with and without
   * the profile on Error Prone's clock. Results: benchmarks/results/realworld-profile-jdkN.json
   * and realworld-profile-<name>-findings.txt beside it (the numbers in them are this run's).
   */
  void profiled(List<Library> libraries, int seconds, int repetitions) throws Exception {
    Map<String, Object> report = reportHeader("the load runs under -XX:StartFlightRecording=settings=profile; readMillis:"
        + " Profile.read of the recording in this JVM, the first (cold) and the median of the next ones (warm);"
        + " timings: " + TIMINGS_METHOD + ", without and with -XepOpt:Slowpath:Profile");
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Library library : libraries) {
      // loads/<name>.load: a load program in loads/ and its arguments, to which the seconds are added.
      Path loadFile = repo.resolve("benchmarks/realworld/loads/" + library.name() + ".load");
      if (!Files.exists(loadFile)) {
        System.out.println("== " + library.name() + ": no " + repo.relativize(loadFile) + ", skipped");
        continue;
      }
      List<String> load = new ArrayList<>(List.of(Files.readString(loadFile, UTF_8).trim().split("\\s+")));
      load.set(0, loadFile.resolveSibling(load.get(0)).toString());
      System.out.println("== " + library.name() + ": " + seconds + " s of " + String.join(" ", load) + " under JFR");
      Path dir = work.resolve(library.name());
      Path original = dir.resolve("original");
      String classpath = prepare(library, dir, original);
      List<String> sources = sources(original, library);
      // A recording of this length is made once and kept (delete it to record again).
      Path recording = dir.resolve("load-" + seconds + "s.jfr");
      if (Files.exists(recording)) {
        System.out.println("   reusing " + recording);
      } else {
        record(library, load, classpath, dir, recording, seconds);
      }
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("library", library.coordinates());
      row.put("loadSeconds", seconds);
      row.put("recordingBytes", Files.size(recording));
      row.put("readMillis", readTimes(recording, repetitions));
      System.out.printf(Locale.ROOT, "   recording %.1f MB, read %s%n", Files.size(recording) / 1e6, row.get("readMillis"));

      Compilation plain = javac(original, sources, classpath, slowpathProcessorPath(), List.of("-encoding", library.encoding()));
      Compilation withProfile = javac(original, sources, classpath, slowpathProcessorPath(),
          List.of("-encoding", library.encoding(), "-XepOpt:Slowpath:Profile=" + recording));
      if (!plain.success() || !withProfile.success()) {
        throw new IllegalStateException(library.name() + " did not compile:\n" + tail(withProfile.output()));
      }
      List<String> before = findings(plain.output(), original);
      List<String> after = findings(withProfile.output(), original);
      String warnings = withProfile.output().lines().filter(l -> l.startsWith("warning: [Slowpath]"))
          .collect(Collectors.joining("\n"));
      row.put("findingsWithoutProfile", before.size());
      row.put("findingsWithProfile", after.size());
      row.put("profileWarnings", warnings);
      Path findingsFile = repo.resolve("benchmarks/results/realworld-profile-" + library.name() + "-findings.txt");
      Files.writeString(findingsFile, String.join("\n", after) + "\n", UTF_8);
      System.out.printf(Locale.ROOT, "   findings: %d without the profile, %d with it%s%n", before.size(), after.size(),
          warnings.isEmpty() ? "" : "\n   " + warnings);

      row.put("timingsWithoutProfile", timeChecks(library, repetitions, ""));
      row.put("timingsWithProfile", timeChecks(library, repetitions, "-XepOpt:Slowpath:Profile=" + recording));
      rows.add(row);
    }
    report.put("results", rows);
    Path out = repo.resolve("benchmarks/results/realworld-profile-jdk" + Runtime.version().feature() + ".json");
    Files.writeString(out, Json.write(report) + "\n", UTF_8);
    System.out.println("wrote " + repo.relativize(out));
  }

  /**
   * The cost of reading a recording of realistic size: the given recordings (those --profiled
   * made) joined into one file of several chunks, as a long recording is, and read with
   * Profile.read in this JVM; results in benchmarks/results/realworld-profile-read-jdkN.json.
   */
  void readCost(String[] recordings, int repetitions) throws Exception {
    Path joined = work.resolve("joined-recording.jfr");
    Files.deleteIfExists(joined);
    for (String recording : recordings) {
      Files.write(joined, Files.readAllBytes(Path.of(recording)), java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
    }
    Map<String, Object> report = reportHeader("the recordings, joined chunk after chunk into one file, read with"
        + " Profile.read of the checks jar: the first read in this JVM (cold) and the median of the next ones (warm)");
    report.put("recordings", List.of(recordings));
    report.put("bytes", Files.size(joined));
    report.put("readMillis", readTimes(joined, repetitions));
    System.out.printf(Locale.ROOT, "   %.1f MB read %s%n", Files.size(joined) / 1e6, report.get("readMillis"));
    Path out = repo.resolve("benchmarks/results/realworld-profile-read-jdk" + Runtime.version().feature() + ".json");
    Files.writeString(out, Json.write(report) + "\n", UTF_8);
    System.out.println("wrote " + repo.relativize(out));
  }

  /** Runs the library's load for {@code seconds} under -XX:StartFlightRecording=settings=profile. */
  private void record(Library library, List<String> load, String classpath, Path dir, Path recording, int seconds)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:StartFlightRecording=filename=" + recording + ",settings=profile", "-cp", classpath));
    command.addAll(load);
    command.add(Integer.toString(seconds));
    Process process = new ProcessBuilder(command).directory(dir.toFile()).inheritIO().start();
    if (process.waitFor() != 0) {
      Files.deleteIfExists(recording);
      throw new IllegalStateException(library.name() + ": the load failed");
    }
  }

  /** Profile.read of the checks jar, here: the first read, and the median of {@code warm} more. */
  private Map<String, Object> readTimes(Path recording, int warm) throws Exception {
    try (URLClassLoader loader = new URLClassLoader(new URL[] {checksJar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
      Method read = loader.loadClass("dev.slowpath.checks.Profile").getDeclaredMethod("read", Path.class);
      read.setAccessible(true);
      List<Double> times = new ArrayList<>();
      for (int i = 0; i <= warm; i++) {
        long start = System.nanoTime();
        read.invoke(null, recording);
        times.add((System.nanoTime() - start) / 1e6);
      }
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("cold", times.get(0));
      result.put("warm", percentile(sorted(times.subList(1, times.size())), 0.5));
      return result;
    }
  }

  private static List<Double> sorted(List<Double> values) {
    List<Double> copy = new ArrayList<>(values);
    Collections.sort(copy);
    return copy;
  }

  // ---------------------------------------------------------------- Maven and javac

  /** Unpacks the sources jar into {@code original} and returns the compile classpath. */
  private String prepare(Library library, Path dir, Path original) throws IOException, InterruptedException {
    Path classpathFile = dir.resolve("classpath.txt");
    Path marker = dir.resolve("coordinates.txt");
    String key = library.coordinates() + " " + library.extras();
    if (Files.exists(marker) && Files.readString(marker).equals(key) && Files.exists(classpathFile)) {
      return Files.readString(classpathFile).trim();
    }
    deleteRecursively(dir);
    Files.createDirectories(dir);
    List<String> dependencies = new ArrayList<>();
    dependencies.add(library.coordinates());
    dependencies.addAll(library.extras());
    String classpath = resolveClasspath(dir, "resolve-" + library.name(), dependencies);
    maven(dir, "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:unpack",
        "-Dartifact=" + library.coordinates() + ":jar:sources", "-DoutputDirectory=" + original);
    Files.writeString(classpathFile, classpath);
    Files.writeString(marker, key);
    return classpath;
  }

  String resolveClasspath(Path dir, String artifactId, List<String> coordinates) throws IOException, InterruptedException {
    StringBuilder deps = new StringBuilder();
    for (String c : coordinates) {
      String[] gav = c.split(":");
      deps.append("<dependency><groupId>").append(gav[0]).append("</groupId><artifactId>").append(gav[1])
          .append("</artifactId><version>").append(gav[2]).append("</version>")
          .append(gav.length > 3 ? "<classifier>" + gav[3] + "</classifier>" : "").append("</dependency>\n");
    }
    Path pom = dir.resolve(artifactId + ".pom.xml");
    Files.createDirectories(dir);
    Files.writeString(pom, "<project xmlns=\"http://maven.apache.org/POM/4.0.0\"><modelVersion>4.0.0</modelVersion>"
        + "<groupId>dev.slowpath.realworld</groupId><artifactId>" + artifactId + "</artifactId><version>1</version>"
        + "<dependencies>" + deps + "</dependencies></project>\n");
    Path out = dir.resolve(artifactId + ".classpath");
    maven(dir, "-f", pom.toString(), "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath",
        "-Dmdep.outputFile=" + out);
    return Files.readString(out).trim();
  }

  private void maven(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("mvn", "-B", "-q"));
    command.addAll(Arrays.asList(args));
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), UTF_8);
    if (process.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
    }
  }

  private String errorProneClasspath() throws IOException, InterruptedException {
    if (errorProneClasspath == null) {
      errorProneClasspath =
          resolveClasspath(work.resolve("_errorprone-" + errorProneVersion), "errorprone",
              List.of("com.google.errorprone:error_prone_core:" + errorProneVersion));
    }
    return errorProneClasspath;
  }

  String slowpathProcessorPath() throws IOException, InterruptedException {
    return errorProneClasspath() + ":" + checksJar;
  }

  private List<String> sources(Path root, Library library) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .filter(f -> f.toString().endsWith(".java"))
          .map(f -> root.relativize(f).toString())
          .filter(f -> !f.endsWith("module-info.java"))
          .filter(f -> library.excluded().stream().noneMatch(f::startsWith))
          .sorted()
          .collect(Collectors.toList());
    }
  }

  /**
   * Compiles {@code sources}; {@code flags} are Error Prone flags ({@code -Xep…}), except {@code
   * -encoding X}, which goes to javac.
   */
  Compilation javac(Path root, List<String> sources, String classpath, String processorPath, List<String> flags)
      throws IOException, InterruptedException {
    String encoding = "UTF-8";
    List<String> errorProneFlags = new ArrayList<>();
    for (int i = 0; i < flags.size(); i++) {
      if (flags.get(i).equals("-encoding")) {
        encoding = flags.get(++i);
      } else {
        errorProneFlags.add(flags.get(i));
      }
    }
    Path classes = root.resolveSibling(root.getFileName() + "-classes");
    deleteRecursively(classes);
    Files.createDirectories(classes);
    Path argfile = root.resolveSibling(root.getFileName() + "-javac.args");
    List<String> args = new ArrayList<>();
    args.addAll(List.of("-d", classes.toString(), "-classpath", classpath, "-processorpath", processorPath,
        "-proc:none", "-source", SOURCE, "-encoding", encoding, "-Xmaxwarns", "100000", "-Xmaxerrs", "1000",
        "-XDcompilePolicy=simple", "--should-stop=ifError=FLOW"));
    List<String> errorProne = new ArrayList<>(List.of("-Xplugin:ErrorProne", "-XepAllErrorsAsWarnings",
        "-XepDisableWarningsInGeneratedCode"));
    errorProne.addAll(errorProneFlags);
    args.add(String.join(" ", errorProne));
    for (String source : sources) {
      args.add(root.resolve(source).toString());
    }
    Files.write(argfile, args.stream().map(Harness::quote).collect(Collectors.toList()));
    String javac = Path.of(System.getProperty("java.home"), "bin", "javac").toString();
    Process process = new ProcessBuilder("bash", "-c",
        "TIMEFORMAT='%3R %3U %3S'; { time " + quote(javac) + " "
            + javacVmFlags.stream().map(Harness::quote).collect(Collectors.joining(" "))
            + " @" + quote(argfile.toString()) + " > " + quote(argfile + ".out") + " 2>&1 ; echo $? > "
            + quote(argfile + ".rc") + " ; } 2> " + quote(argfile + ".time"))
        .inheritIO().start();
    process.waitFor();
    String output = Files.readString(Path.of(argfile + ".out"), UTF_8);
    int rc = Integer.parseInt(Files.readString(Path.of(argfile + ".rc")).trim());
    String[] time = Files.readString(Path.of(argfile + ".time")).trim().split("\\s+");
    double wall = Double.parseDouble(time[time.length - 3]);
    double cpu = Double.parseDouble(time[time.length - 2]) + Double.parseDouble(time[time.length - 1]);
    return new Compilation(rc == 0, output, wall, cpu);
  }

  private static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  private static String diff(Path dir, String from, String to) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder("git", "diff", "--no-index", "--no-prefix", "--", from, to)
            .directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), UTF_8);
    int rc = process.waitFor();
    if (rc > 1) {
      throw new IllegalStateException("git diff failed: " + output);
    }
    return output;
  }

  private static void copy(Path from, Path to) throws IOException {
    deleteRecursively(to);
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : files.collect(Collectors.toList())) {
        Path target = to.resolve(from.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target);
        }
      }
    }
  }

  static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> files = Files.walk(path)) {
      for (Path file : files.sorted(Collections.reverseOrder()).collect(Collectors.toList())) {
        Files.delete(file);
      }
    }
  }

  /** Just enough JSON for the overhead report: maps, lists, strings and numbers. */
  static final class Json {
    static String write(Object value) {
      StringBuilder out = new StringBuilder();
      write(value, out, "");
      return out.toString();
    }

    private static void write(Object value, StringBuilder out, String indent) {
      if (value instanceof Map<?, ?> map) {
        out.append("{\n");
        int i = 0;
        for (Map.Entry<?, ?> e : map.entrySet()) {
          out.append(indent).append("  \"").append(e.getKey()).append("\": ");
          write(e.getValue(), out, indent + "  ");
          out.append(++i < map.size() ? ",\n" : "\n");
        }
        out.append(indent).append("}");
      } else if (value instanceof List<?> list) {
        out.append("[");
        for (int i = 0; i < list.size(); i++) {
          write(list.get(i), out, indent);
          if (i + 1 < list.size()) {
            out.append(", ");
          }
        }
        out.append("]");
      } else if (value instanceof Double d) {
        out.append(String.format(Locale.ROOT, "%.4f", d));
      } else if (value instanceof Number n) {
        out.append(n);
      } else {
        out.append('"').append(String.valueOf(value).replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")).append('"');
      }
    }
  }
}
