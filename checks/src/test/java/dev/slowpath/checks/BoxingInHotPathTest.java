package dev.slowpath.checks;

import static com.google.errorprone.BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.errorprone.BugCheckerRefactoringTestHelper;
import com.google.errorprone.CompilationTestHelper;
import java.lang.reflect.Method;
import java.net.URLClassLoader;
import java.util.List;
import org.junit.jupiter.api.Test;

final class BoxingInHotPathTest {
  private final CompilationTestHelper compilationHelper =
      CompilationTestHelper.newInstance(BoxingInHotPath.class, getClass());
  private final BugCheckerRefactoringTestHelper refactoringHelper =
      BugCheckerRefactoringTestHelper.newInstance(BoxingInHotPath.class, getClass());

  /** The SLF4J, Log4j 2 and commons-logging methods these tests call, as the libraries declare them. */
  private static final String[] SLF4J_MARKER = {
    "package org.slf4j;", "public interface Marker {}",
  };

  private static final String[] SLF4J = {
    "package org.slf4j;",
    "public interface Logger {",
    "  boolean isTraceEnabled();",
    "  boolean isDebugEnabled();",
    "  boolean isDebugEnabled(Marker marker);",
    "  boolean isInfoEnabled();",
    "  void trace(String format, Object arg);",
    "  void debug(String msg);",
    "  void debug(String format, Object arg);",
    "  void debug(String format, Object arg1, Object arg2);",
    "  void debug(String format, Object... arguments);",
    "  void debug(Marker marker, String format, Object arg);",
    "  void info(String format, Object arg);",
    "  void warn(String format, Object arg);",
    "}",
  };

  private static final String[] LOG4J = {
    "package org.apache.logging.log4j;",
    "public interface Logger {",
    "  boolean isTraceEnabled();",
    "  boolean isEnabled(Level level);",
    "  void trace(String message, Object p0, Object p1);",
    "  void log(Level level, String message, Object... params);",
    "}",
  };

  private static final String[] LOG4J_LEVEL = {
    "package org.apache.logging.log4j;",
    "public final class Level {",
    "  public static final Level DEBUG = new Level();",
    "  public static final Level INFO = new Level();",
    "}",
  };

  private static final String[] COMMONS_LOGGING = {
    "package org.apache.commons.logging;",
    "public interface Log {",
    "  boolean isDebugEnabled();",
    "  void debug(Object message);",
    "}",
  };

  private CompilationTestHelper withLoggers() {
    return compilationHelper
        .addSourceLines("org/slf4j/Marker.java", SLF4J_MARKER)
        .addSourceLines("org/slf4j/Logger.java", SLF4J)
        .addSourceLines("org/apache/logging/log4j/Logger.java", LOG4J)
        .addSourceLines("org/apache/logging/log4j/Level.java", LOG4J_LEVEL)
        .addSourceLines("org/apache/commons/logging/Log.java", COMMONS_LOGGING);
  }

  @Test
  void identification() {
    withLoggers()
        .addSourceLines(
            "Ledger.java",
            "import java.util.List;",
            "import java.util.logging.Level;",
            "class Ledger {",
            "  private static final org.slf4j.Logger LOG = null;",
            "  private final org.apache.logging.log4j.Logger log4j = null;",
            "  private final org.apache.commons.logging.Log commons = null;",
            "  private final java.util.logging.Logger jul = java.util.logging.Logger.getLogger(\"l\");",
            "  private final System.Logger system = System.getLogger(\"l\");",
            "  long post(long[] amounts, double[] rates, org.slf4j.Marker audit) {",
            "    long total = 0;",
            "    for (int i = 0; i < amounts.length; i++) {",
            "      total += amounts[i];",
            "      // BUG: Diagnostic contains: This debug call boxes its 2 primitive arguments on every pass",
            "      LOG.debug(\"entry {} total {}\", i, total);",
            "      // BUG: Diagnostic contains: This trace call boxes its double argument",
            "      LOG.trace(\"rate {}\", rates[i]);",
            "      // BUG: Diagnostic contains: fills a new varargs array",
            "      LOG.debug(\"{} {} {}\", \"a\", \"b\", total);",
            "      // BUG: Diagnostic contains: Guard it with LOG.isDebugEnabled(audit)",
            "      LOG.debug(audit, \"{}\", total);",
            "      // BUG: Diagnostic contains: This trace call",
            "      log4j.trace(\"{} {}\", i, total);",
            "      // BUG: Diagnostic contains: Guard it with log4j.isEnabled(org.apache.logging.log4j.Level.DEBUG)",
            "      log4j.log(org.apache.logging.log4j.Level.DEBUG, \"{}\", total);",
            "      // BUG: Diagnostic contains: Guard it with commons.isDebugEnabled()",
            "      commons.debug(total);",
            "      // BUG: Diagnostic contains: Guard it with jul.isLoggable(Level.FINE)",
            "      jul.log(Level.FINE, \"total {0}\", total);",
            "      // BUG: Diagnostic contains: This FINER call boxes its 2 primitive arguments",
            "      jul.log(Level.FINER, \"{0} {1}\", new Object[] {i, total});",
            "      // BUG: Diagnostic contains: Guard it with system.isLoggable(System.Logger.Level.DEBUG)",
            "      system.log(System.Logger.Level.DEBUG, \"total {0}\", total);",
            "    }",
            "    return total;",
            "  }",
            "  String hex(byte[] digest) {",
            "    StringBuilder sb = new StringBuilder();",
            "    for (byte b : digest) {",
            "      // BUG: Diagnostic contains: This String.format(\"%02x\", byte) runs on every pass",
            "      sb.append(String.format(\"%02x\", b));",
            "    }",
            "    for (int i = 0; i < digest.length; i++) {",
            "      // BUG: Diagnostic contains: Print the hex digits directly",
            "      sb.append(String.format(\"%02X\", digest[i] & 0xff));",
            "      // BUG: Diagnostic contains: Print it directly",
            "      sb.append(String.format(java.util.Locale.ROOT, \"%4d\", i));",
            "      // BUG: Diagnostic contains: String.format(\"[%x]\", int)",
            "      sb.append(\"[%x]\".formatted(i));",
            "    }",
            "    return sb.toString();",
            "  }",
            "  long sum(List<Long> values) {",
            "    // BUG: Diagnostic contains: 'total' is a Long updated in a loop",
            "    Long total = 0L;",
            "    for (long v : values) {",
            "      total += v;",
            "    }",
            "    return total;",
            "  }",
            "  // BUG: Diagnostic contains: 'count' is an Integer updated in a loop",
            "  private Integer count = 0;",
            "  void countAll(List<String> items) {",
            "    for (String item : items) {",
            "      count++;",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  /** Reduced from a spreadsheet formula's aggregator: boxed fields of an anonymous class, bumped per matching cell. */
  /**
   * Reduced from an admin client's send loop: the inner loop sends one request and breaks, but the
   * loop around it runs once per node, so the logged pass is one per node, not one per call.
   */
  @Test
  void identificationOfALastPassThatAnOuterLoopRepeats() {
    withLoggers()
        .addSourceLines(
            "Sender.java",
            "import java.util.Deque;",
            "import java.util.List;",
            "class Sender {",
            "  private static final org.slf4j.Logger LOG = null;",
            "  void send(List<Deque<Integer>> perNode, long timeoutMs) {",
            "    for (Deque<Integer> calls : perNode) {",
            "      while (!calls.isEmpty()) {",
            "        int correlationId = calls.poll();",
            "        // BUG: Diagnostic contains: BoxingInHotPath",
            "        LOG.debug(\"sending {} with timeout {}\", correlationId, timeoutMs);",
            "        break;",
            "      }",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void identificationBoxedFieldsOfAnAnonymousClass() {
    compilationHelper
        .addSourceLines(
            "AverageIf.java",
            "class AverageIf {",
            "  interface Aggregator { void addValue(double v); double result(); }",
            "  double aggregate(double[][] cells) {",
            "    Aggregator aggregator = create();",
            "    for (double[] row : cells) {",
            "      for (double cell : row) {",
            "        aggregator.addValue(cell);",
            "      }",
            "    }",
            "    return aggregator.result();",
            "  }",
            "  Aggregator create() {",
            "    return new Aggregator() {",
            "      // BUG: Diagnostic contains: 'sum' is a Double updated in a loop",
            "      Double sum = 0.0;",
            "      // BUG: Diagnostic contains: 'count' is an Integer updated in a loop",
            "      Integer count = 0;",
            "      Integer calls = 0;", // bumped, but no loop of this file calls the method it is bumped in
            "      @Override public void addValue(double v) { sum += v; count++; }",
            "      @Override public double result() { calls++; return count == 0 ? 0 : sum / count; }",
            "    };",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void identificationNegatives() {
    withLoggers()
        .addSourceLines(
            "Quiet.java",
            "import java.util.List;",
            "import java.util.Map;",
            "import java.util.logging.Level;",
            "class Quiet {",
            "  private static final org.slf4j.Logger LOG = null;",
            "  private final java.util.logging.Logger jul = null;",
            "  private final boolean debug = LOG.isDebugEnabled();",
            "  void guarded(long[] amounts) {",
            "    for (long a : amounts) {",
            "      if (LOG.isDebugEnabled()) {",
            "        LOG.debug(\"amount {}\", a);",
            "      }",
            "      if (jul.isLoggable(Level.FINE)) jul.log(Level.FINE, \"{0}\", a);",
            "      if (debug) LOG.debug(\"amount {}\", a);", // a cached level check
            "      boolean shown = LOG.isTraceEnabled() && log(a);",
            "    }",
            "  }",
            "  boolean log(long a) { LOG.trace(\"{}\", a); return true; }",
            "  void earlyExit(long[] amounts) {",
            "    for (long a : amounts) {",
            "      if (!LOG.isDebugEnabled()) {",
            "        continue;",
            "      }",
            "      LOG.debug(\"amount {}\", a);",
            "    }",
            "    if (!LOG.isDebugEnabled()) return;",
            "    for (long a : amounts) LOG.debug(\"amount {}\", a);",
            "  }",
            "  void notBoxing(List<Long> boxed, boolean[] flags, byte[] bytes, String[] names) {",
            "    for (Long b : boxed) LOG.debug(\"{}\", b);", // already boxed
            "    for (String n : names) LOG.debug(\"{}\", n);", // an object
            "    for (boolean f : flags) LOG.debug(\"{}\", f);", // Boolean.valueOf never allocates
            "    for (byte b : bytes) LOG.debug(\"{}\", b);", // Byte.valueOf never allocates
            "    for (String n : names) LOG.debug(\"{}\", 42);", // a constant: cached
            "    for (String n : names) LOG.debug(\"name \" + n);", // a message built: another check's finding
            "  }",
            "  void onByDefault(long[] amounts) {",
            "    for (long a : amounts) {",
            "      LOG.info(\"{}\", a);",
            "      LOG.warn(\"{}\", a);",
            "      jul.log(Level.INFO, \"{0}\", a);",
            "      jul.log(Level.WARNING, \"{0}\", a);",
            "    }",
            "  }",
            "  void outsideLoops(long a) {",
            "    LOG.debug(\"{}\", a);",
            "    String s = String.format(\"%02x\", a);",
            "  }",
            "  void start(long[] intervals) {",
            "    for (long i : intervals) LOG.debug(\"scan every {} ms\", i);", // start-up: once
            "    Long sum = 0L;",
            "    for (long i : intervals) sum += i;",
            "  }",
            "  void retries(long a) {",
            "    for (int attempt = 0; attempt < 3; attempt++) {",
            "      LOG.debug(\"attempt {} of {}\", attempt, a);",
            "    }",
            "  }",
            "  void reconnect(long[] delays) throws InterruptedException {",
            "    for (int i = 0; i < delays.length; i++) {",
            "      LOG.debug(\"waiting {} ms\", delays[i]);",
            "      Thread.sleep(delays[i]);",
            "    }",
            "    for (int i = 0; ; i++) {",
            "      LOG.debug(\"Attempting {}th connect\", i);",
            "      if (connect()) break;",
            "    }",
            "  }",
            "  boolean connect() { return true; }",
            "  // Reduced from a JDBC driver's authentication: the logged pass is the last one (it throws).",
            "  void authenticate(int[] requests) {",
            "    for (int request : requests) {",
            "      if (request > 12) {",
            "        LOG.debug(\"unsupported request {}\", request);",
            "        throw new IllegalStateException();",
            "      }",
            "    }",
            "  }",
            "  void authenticateSwitch(int[] requests) {",
            "    authloop:",
            "    for (int request : requests) {",
            "      switch (request) {",
            "        case 0:",
            "          LOG.debug(\"ok {}\", request);",
            "          break authloop;", // leaves the loop: its last pass
            "        default:",
            "          LOG.debug(\"unsupported {}\", request);",
            "          throw new IllegalStateException();",
            "      }",
            "    }",
            "  }",
            "  void firstMatch(long[] ids, long wanted) {",
            "    for (long id : ids) {",
            "      if (id == wanted) {",
            "        LOG.debug(\"found {}\", id);",
            "        break;",
            "      }",
            "    }",
            "  }",
            "  // Reduced from a producer's append: a retry loop, another pass only through continue.",
            "  int append(long[] sizes, java.util.function.LongPredicate raced) {",
            "    while (true) {",
            "      if (raced.test(sizes[0])) continue;",
            "      LOG.trace(\"allocating {} bytes\", sizes[0]);",
            "      return 1;",
            "    }",
            "  }",
            "  @Override public String toString() {",
            "    StringBuilder sb = new StringBuilder();",
            "    for (int i = 0; i < 8; i++) sb.append(String.format(\"%3x \", i * 1000));", // for a reader
            "    return sb.toString();",
            "  }",
            "  int check(int[] amounts) {",
            "    int sum = 0;",
            "    for (int a : amounts) {",
            "      if (a < 0) throw new IllegalArgumentException(String.format(\"%d\", a));", // the last pass
            "      if (LOG.isTraceEnabled()) LOG.trace(\"{}\", String.format(\"%02x\", a & 0xff));", // guarded
            "      System.out.println(String.format(\"integer overflow: %d\", a));", // a message
            "      LOG.debug(\"{}\", String.format(\"%02x\", a & 0xff));", // part of a log line
            "      sum += a;",
            "    }",
            "    return sum;",
            "  }",
            "  String rows(List<String> names, int[] counts) {",
            "    StringBuilder sb = new StringBuilder();",
            "    for (int i = 0; i < counts.length; i++) {",
            "      sb.append(String.format(\"%-20s %5d%n\", names.get(i), counts[i]));", // a report line: two values
            "      sb.append(String.format(\"%s\", names.get(i)));", // an object
            "      sb.append(String.format(\"%d\", 7));", // a constant
            "    }",
            "    return sb.toString();",
            "  }",
            "  int counts(List<String> words, Map<String, Integer> counts) {",
            "    for (String w : words) {",
            "      Integer n = counts.get(w);", // Map.get: may be null, compared below
            "      if (n == null) n = 0;",
            "      n++;",
            "      counts.put(w, n);",
            "    }",
            "    Long once = 0L;",
            "    once += 1;", // not in a loop
            "    Integer maybe = null;",
            "    for (String w : words) maybe = maybe == null ? 1 : maybe + 1;",
            "    Boolean seen = false;",
            "    for (String w : words) seen = !seen;",
            "    return n(once) + maybe;",
            "  }",
            "  private int n(Long l) { return l.intValue(); }",
            "}")
        .addSourceLines(
            "QuietTest.java",
            "class QuietTest {",
            "  private static final org.slf4j.Logger LOG = null;",
            "  @org.junit.jupiter.api.Test void logs() {",
            "    for (int i = 1000; i < 2000; i++) LOG.debug(\"{}\", i);",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void identificationWithoutLoggingLibraries() {
    compilationHelper
        .addSourceLines(
            "Plain.java",
            "class Plain {",
            "  interface Logger { void debug(String f, Object a); void trace(String f, Object a); }",
            "  void run(Logger log, long[] xs) {",
            "    for (long x : xs) { log.debug(\"{}\", x); log.trace(\"{}\", x); }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void identificationWithoutFix() {
    withLoggers()
        .addSourceLines(
            "Hard.java",
            "import java.util.List;",
            "import java.util.Map;",
            "class Hard {",
            "  private static org.slf4j.Logger logger() { return null; }",
            "  private static final org.slf4j.Logger LOG = null;",
            "  boolean sum(long[] xs, List<Long> out, Map<String, Long> totals) {",
            "    for (long x : xs) {",
            "      // BUG: Diagnostic contains: no fix is offered here: the logger or marker is not a plain",
            "      logger().debug(\"{}\", x);",
            "    }",
            "    for (long x : xs) {",
            "      if (x > 0)",
            "        // BUG: Diagnostic contains: no fix is offered here: it is not a statement of its own in a block",
            "        LOG.debug(\"{}\", x);",
            "      else",
            "        LOG.info(\"{}\", x);",
            "    }",
            "    // BUG: Diagnostic contains: no fix is offered: it is used as an object",
            "    Long total = 0L;",
            "    for (long x : xs) total += x;",
            "    out.remove(total);", // List.remove(Object), not remove(int): the box matters
            "    // BUG: Diagnostic contains: no fix is offered: it may hold null (a box from elsewhere)",
            "    Long fromMap = totals.get(\"a\");", // may be null: unboxing at the declaration would throw earlier
            "    for (long x : xs) fromMap += x;",
            "    StringBuilder sb = new StringBuilder();",
            "    for (int i = 0; i < xs.length; i++) {",
            "      // BUG: Diagnostic contains: below 17 no fix is offered for this form, or for a value not read alike twice",
            "      sb.append(String.format(\"%02x\", next(xs) & 0xff));",
            "    }",
            "    return total.equals(fromMap);",
            "  }",
            "  private static long next(long[] xs) { return xs[0]; }",
            "}")
        .setArgs(List.of("--release", "11"))
        .doTest();
  }

  @Test
  void replacementGuardsTheLogCall() {
    refactoringHelper
        .addInputLines("org/slf4j/Marker.java", SLF4J_MARKER)
        .expectUnchanged()
        .addInputLines("org/slf4j/Logger.java", SLF4J)
        .expectUnchanged()
        .addInputLines(
            "Ledger.java",
            "import java.util.logging.Level;",
            "class Ledger {",
            "  private static final org.slf4j.Logger LOG = null;",
            "  private final java.util.logging.Logger jul = null;",
            "  long post(long[] amounts) {",
            "    long total = 0;",
            "    for (int i = 0; i < amounts.length; i++) {",
            "      total += amounts[i];",
            "      LOG.debug(\"entry {} total {}\",",
            "          i, total);",
            "      jul.log(Level.FINE, \"total {0}\", total); // per entry",
            "    }",
            "    return total;",
            "  }",
            "}")
        .addOutputLines(
            "Ledger.java",
            "import java.util.logging.Level;",
            "class Ledger {",
            "  private static final org.slf4j.Logger LOG = null;",
            "  private final java.util.logging.Logger jul = null;",
            "  long post(long[] amounts) {",
            "    long total = 0;",
            "    for (int i = 0; i < amounts.length; i++) {",
            "      total += amounts[i];",
            "      if (LOG.isDebugEnabled()) {",
            "        LOG.debug(\"entry {} total {}\",",
            "            i, total);",
            "      }",
            "      if (jul.isLoggable(Level.FINE)) {",
            "        jul.log(Level.FINE, \"total {0}\", total);",
            "      } // per entry",
            "    }",
            "    return total;",
            "  }",
            "}")
        .doTest(TEXT_MATCH);
  }

  @Test
  void replacementKeepsTheFilesIndentation() {
    refactoringHelper
        .addInputLines("org/slf4j/Marker.java", SLF4J_MARKER)
        .expectUnchanged()
        .addInputLines("org/slf4j/Logger.java", SLF4J)
        .expectUnchanged()
        .addInputLines(
            "Peers.java",
            "class Peers {",
            "    private static final org.slf4j.Logger LOG = null;",
            "    void ack(long[] sids) {",
            "        for (long sid : sids) {",
            "            LOG.debug(\"ack from {}\", sid);",
            "        }",
            "    }",
            "}")
        .addOutputLines(
            "Peers.java",
            "class Peers {",
            "    private static final org.slf4j.Logger LOG = null;",
            "    void ack(long[] sids) {",
            "        for (long sid : sids) {",
            "            if (LOG.isDebugEnabled()) {",
            "                LOG.debug(\"ack from {}\", sid);",
            "            }",
            "        }",
            "    }",
            "}")
        .doTest(TEXT_MATCH);
  }

  @Test
  void replacementPrintsHexDigitsWithHexFormat() {
    refactoringHelper
        .addInputLines(
            "p/Digest.java",
            "package p;",
            "class Digest {",
            "  static String hex(byte[] digest) {",
            "    StringBuilder sb = new StringBuilder();",
            "    for (int i = 0; i < digest.length; i++) {",
            "      sb.append(String.format(\"%02x\", digest[i]));",
            "      sb.append(String.format(\"%02X\", (digest[i] & 0xff)));",
            "    }",
            "    return sb.toString();",
            "  }",
            "}")
        .addOutputLines(
            "p/Digest.java",
            "package p;",
            "import java.util.HexFormat;",
            "class Digest {",
            "  static String hex(byte[] digest) {",
            "    StringBuilder sb = new StringBuilder();",
            "    for (int i = 0; i < digest.length; i++) {",
            "      sb.append(HexFormat.of().toHexDigits(digest[i]));",
            "      sb.append(HexFormat.of().withUpperCase().toHexDigits(digest[i]));",
            "    }",
            "    return sb.toString();",
            "  }",
            "}")
        .setArgs("--release", "17")
        .doTest(TEXT_MATCH);
  }

  @Test
  void replacementPrintsFourHexDigitsOfACharWithTheirPrefix() {
    refactoringHelper
        .addInputLines(
            "p/Escapes.java",
            "package p;",
            "class Escapes {",
            "  static String escape(String text) {",
            "    StringBuilder sb = new StringBuilder();",
            "    for (char c : text.toCharArray()) {",
            "      sb.append(String.format(\"\\\\u%04x\", (int) c));",
            "      String quoted = String.format(\"'%04X'\", c);",
            "      int n = String.format(\"<%04x>\", c).length();",
            "      sb.append(String.format(\"%04x\", c + 1));", // an int: may need more digits
            "    }",
            "    return sb.toString();",
            "  }",
            "}")
        .addOutputLines(
            "p/Escapes.java",
            "package p;",
            "import java.util.HexFormat;",
            "class Escapes {",
            "  static String escape(String text) {",
            "    StringBuilder sb = new StringBuilder();",
            "    for (char c : text.toCharArray()) {",
            "      sb.append(\"\\\\u\" + HexFormat.of().toHexDigits(c));",
            "      String quoted = \"'\" + HexFormat.of().withUpperCase().toHexDigits(c) + \"'\";",
            "      int n = (\"<\" + HexFormat.of().toHexDigits(c) + \">\").length();",
            "      sb.append(String.format(\"%04x\", c + 1));",
            "    }",
            "    return sb.toString();",
            "  }",
            "}")
        .setArgs("--release", "17")
        .doTest(TEXT_MATCH);
  }

  @Test
  void replacementPrintsHexDigitsWithForDigitBelowJava17() {
    refactoringHelper
        .addInputLines(
            "Digest.java",
            "class Digest {",
            "  static String hex(int[] words) {",
            "    StringBuilder sb = new StringBuilder();",
            "    for (int w : words) {",
            "      sb.append(String.format(\"%02X\", w & 0xFF));",
            "    }",
            "    return sb.toString();",
            "  }",
            "}")
        .addOutputLines(
            "Digest.java",
            "class Digest {",
            "  static String hex(int[] words) {",
            "    StringBuilder sb = new StringBuilder();",
            "    for (int w : words) {",
            "      sb.append(new String(new char[] {Character.toUpperCase(Character.forDigit((w >> 4) & 0xf, 16)),"
                + " Character.toUpperCase(Character.forDigit(w & 0xf, 16))}));",
            "    }",
            "    return sb.toString();",
            "  }",
            "}")
        .setArgs("--release", "11")
        .doTest(TEXT_MATCH);
  }

  @Test
  void replacementMakesTheAccumulatorPrimitive() {
    refactoringHelper
        .addInputLines(
            "Totals.java",
            "import java.util.List;",
            "class Totals {",
            "  private Double weight = 0.0;",
            "  Long sum(List<Integer> values) {",
            "    Long total = 0L;",
            "    for (int v : values) {",
            "      total += v;",
            "      weight = weight + v * 0.5;",
            "    }",
            "    System.out.println(\"total \" + total + \" weight \" + weight);",
            "    return total > 100 ? total : -total;",
            "  }",
            "}")
        .addOutputLines(
            "Totals.java",
            "import java.util.List;",
            "class Totals {",
            "  private double weight = 0.0;",
            "  Long sum(List<Integer> values) {",
            "    long total = 0L;",
            "    for (int v : values) {",
            "      total += v;",
            "      weight = weight + v * 0.5;",
            "    }",
            "    System.out.println(\"total \" + total + \" weight \" + weight);",
            "    return total > 100 ? total : -total;",
            "  }",
            "}")
        .doTest(TEXT_MATCH);
  }

  /** Original and patched code run over the same inputs print and return the same things. */
  @Test
  void patchedCodeComputesWhatTheOriginalDid() throws Exception {
    String original =
        String.join(
            "\n",
            "package probe;",
            "import java.util.logging.Level;",
            "import java.util.logging.Logger;",
            "public class Probe {",
            "  private static final Logger LOG = Logger.getLogger(\"probe\");",
            "  private Long calls = 0L;",
            "  public String run(byte[] data, int[] words) {",
            "    StringBuilder sb = new StringBuilder();",
            "    Long total = 0L;",
            "    Double mean = 0.0;",
            "    for (int i = 0; i < data.length; i++) {",
            "      total += data[i];",
            "      mean += data[i] / (double) data.length;",
            "      calls++;",
            "      LOG.log(Level.FINE, \"byte {0} total {1}\", new Object[] {i, total});",
            "      sb.append(String.format(\"%02x\", data[i]));",
            "      sb.append(String.format(\"%02X\", data[i] & 0xff));",
            "    }",
            "    for (int w : words) {",
            "      sb.append(String.format(\"%02x\", w & 0xff));",
            "      sb.append(String.format(\"\\\\u%04X;\", (int) (char) w));",
            "    }",
            "    return sb + \"|\" + total + \"|\" + mean + \"|\" + calls;",
            "  }",
            "}",
            "");
    String patched = PatchMode.patchConverged("BoxingInHotPath", "probe/Probe.java", original, "--release", "17");
    assertTrue(patched.contains("HexFormat.of().toHexDigits(data[i])"), patched);
    assertTrue(patched.contains("\"\\\\u\" + HexFormat.of().withUpperCase().toHexDigits((char) w) + \";\""), patched);
    assertTrue(patched.contains("if (LOG.isLoggable(Level.FINE)) {"), patched);
    assertTrue(patched.contains("long total = 0L;") && patched.contains("private long calls = 0L;"), patched);
    byte[] data = new byte[300];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 37 - 128);
    }
    int[] words = {0, 15, 16, 255, 256, -1, Integer.MIN_VALUE, 0x7f3a};
    java.util.logging.Logger logger = java.util.logging.Logger.getLogger("probe");
    List<String> records = new java.util.ArrayList<>();
    java.util.logging.Handler capture =
        new java.util.logging.Handler() {
          @Override
          public void publish(java.util.logging.LogRecord record) {
            records.add(record.getLevel() + " " + record.getMessage() + " " + java.util.Arrays.toString(record.getParameters()));
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    logger.addHandler(capture);
    try {
      for (java.util.logging.Level level : List.of(java.util.logging.Level.FINEST, java.util.logging.Level.INFO)) {
        logger.setLevel(level); // logging on, then off as by default
        for (byte[] input : List.of(data, new byte[0], new byte[] {-1, 0, 127, -128})) {
          records.clear();
          String before = run(original, input, words);
          List<String> loggedBefore = List.copyOf(records);
          records.clear();
          assertEquals(before, run(patched, input, words));
          assertEquals(loggedBefore, records);
          assertEquals(level == java.util.logging.Level.INFO ? 0 : 2 * input.length, loggedBefore.size());
        }
      }
    } finally {
      logger.removeHandler(capture);
      logger.setLevel(null);
    }
  }

  /**
   * Error Prone's UnnecessaryBoxedVariable (off by default) rewrites boxed locals too. Patching with
   * both must compile, converge, and give what each gives alone.
   */
  @Test
  void replacementAgreesWithUnnecessaryBoxedVariable() {
    String source =
        String.join(
            "\n",
            "package p;",
            "import java.util.List;",
            "class Totals {",
            "  long sum(List<Integer> values) {",
            "    Long total = 0L;",
            "    Integer count = 0;",
            "    for (int v : values) {",
            "      total += v;",
            "      count++;",
            "    }",
            "    return total + count.longValue();",
            "  }",
            "}",
            "");
    String theirs =
        PatchMode.patchConverged("UnnecessaryBoxedVariable -Xep:UnnecessaryBoxedVariable:WARN", "p/Totals.java", source);
    // (the -Xep flag joins the -XepPatchChecks one on the -Xplugin:ErrorProne line)
    String both =
        PatchMode.patchConverged(
            "BoxingInHotPath,UnnecessaryBoxedVariable -Xep:UnnecessaryBoxedVariable:WARN", "p/Totals.java", source);
    assertTrue(both.contains("    long total = 0L;\n"), both);
    String ours = PatchMode.patchConverged("BoxingInHotPath", "p/Totals.java", source);
    assertTrue(ours.contains("    long total = 0L;\n") && ours.contains("    Integer count = 0;\n"), ours);
    // Both retype 'total' with the same replacement, which patch mode applies once; neither fixes
    // 'count' (a method is called on it).
    assertEquals(theirs, both);
    assertEquals(ours, both);
  }

  /**
   * A boxed field bumped under a lock is CounterUnderLock's to rewrite (as an atomic) once it is
   * primitive: retyping it here would make patch mode take two runs. Reported, not fixed.
   */
  @Test
  void replacementLeavesALockedCounterToCounterUnderLock() {
    String source =
        String.join(
            "\n",
            "package p;",
            "class Hits {",
            "  private Long count = 0L;",
            "  synchronized void hit() {",
            "    count++;",
            "  }",
            "  void hitAll(int[] xs) {",
            "    for (int x : xs) {",
            "      count += x;",
            "    }",
            "  }",
            "  long get() {",
            "    return count;",
            "  }",
            "}",
            "");
    assertEquals(source, PatchMode.patchConverged("BoxingInHotPath,CounterUnderLock", "p/Hits.java", source));
  }

  private static String run(String source, byte[] data, int[] words) throws Exception {
    try (URLClassLoader loader = Probe.compile("probe/Probe.java", source)) {
      Class<?> probe = loader.loadClass("probe.Probe");
      Object instance = probe.getConstructor().newInstance();
      Method run = probe.getMethod("run", byte[].class, int[].class);
      run.invoke(instance, data, words);
      return (String) run.invoke(instance, data, words); // twice: the field carries over
    }
  }
}
