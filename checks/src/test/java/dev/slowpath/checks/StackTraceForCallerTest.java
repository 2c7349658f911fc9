package dev.slowpath.checks;

import static com.google.errorprone.BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH;
import static java.util.stream.Collectors.toList;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.errorprone.BugCheckerRefactoringTestHelper;
import com.google.errorprone.CompilationTestHelper;
import java.net.URLClassLoader;
import java.util.List;
import org.junit.jupiter.api.Test;

final class StackTraceForCallerTest {
  private final CompilationTestHelper compilationHelper =
      CompilationTestHelper.newInstance(StackTraceForCaller.class, getClass());
  private final BugCheckerRefactoringTestHelper refactoringHelper =
      BugCheckerRefactoringTestHelper.newInstance(StackTraceForCaller.class, getClass());

  /**
   * A caller found by printing a fresh throwable and searching the text (reduced from LogKit's
   * StackIntrospector and from application loggers): reported, without a fix.
   */
  @Test
  void identificationPrintedTraceSearchedForTheCaller() {
    compilationHelper
        .addSourceLines(
            "Callers.java",
            "import java.io.BufferedReader;",
            "import java.io.ByteArrayOutputStream;",
            "import java.io.IOException;",
            "import java.io.PrintStream;",
            "import java.io.PrintWriter;",
            "import java.io.StringReader;",
            "import java.io.StringWriter;",
            "class Callers {",
            "  static String callingClass(String logger) {",
            "    StringWriter sw = new StringWriter();",
            "    PrintWriter pw = new PrintWriter(sw);",
            "    // BUG: Diagnostic contains: formats every frame of the stack as text",
            "    new Throwable().printStackTrace(pw);",
            "    String stack = sw.toString();",
            "    int begin = stack.lastIndexOf(logger);",
            "    return begin < 0 ? null : stack.substring(begin);",
            "  }",
            "  static String callerMethod(Class<?> type) {",
            "    StringWriter sw = new StringWriter();",
            "    Throwable throwable = new Throwable();",
            "    // BUG: Diagnostic contains: StackWalker.getInstance().walk",
            "    throwable.printStackTrace(new PrintWriter(sw, true));",
            "    StringBuffer buffer = sw.getBuffer();",
            "    StringBuilder line = new StringBuilder();",
            "    for (int i = 0; i < buffer.length(); i++) {",
            "      char ch = buffer.charAt(i);",
            "      if (ch == '\\n') break;",
            "      line.append(ch);",
            "    }",
            "    return line.toString();",
            "  }",
            "  static String secondLine() throws IOException {",
            "    ByteArrayOutputStream bytes = new ByteArrayOutputStream();",
            "    // BUG: Diagnostic contains: StackTraceForCaller",
            "    new Exception().printStackTrace(new PrintStream(bytes));",
            "    BufferedReader reader = new BufferedReader(new StringReader(bytes.toString()));",
            "    reader.readLine();",
            "    return reader.readLine();",
            "  }",
            "}")
        .doTest();
  }

  /** Dumps, real exceptions and throwables made elsewhere: nothing a caller lookup would fix. */
  @Test
  void identificationSilentOnPrintedDumps() {
    compilationHelper
        .addSourceLines(
            "Dumps.java",
            "import java.io.PrintWriter;",
            "import java.io.StringWriter;",
            "class Dumps {",
            "  static String whereAmI() {",
            "    StringWriter sw = new StringWriter();",
            "    new Throwable().printStackTrace(new PrintWriter(sw));",
            "    return sw.toString();",
            "  }",
            "  static void debug() {",
            "    new Throwable(\"called from\").printStackTrace(System.err);",
            "  }",
            "  static String failure(Runnable task) {",
            "    try {",
            "      task.run();",
            "      return null;",
            "    } catch (RuntimeException e) {",
            "      StringWriter sw = new StringWriter();",
            "      new Throwable().printStackTrace(new PrintWriter(sw));",
            "      String text = sw.toString();",
            "      return text.substring(0, text.indexOf('\\n'));",
            "    }",
            "  }",
            "  // LogKit's PatternFormatter and Log4j 1's LocationInfo take the throwable as a parameter:",
            "  // the check follows no values through parameters.",
            "  static String location(Throwable t, String logger) {",
            "    StringWriter sw = new StringWriter();",
            "    t.printStackTrace(new PrintWriter(sw));",
            "    String s = sw.toString();",
            "    return s.substring(s.lastIndexOf(logger));",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void identification() {
    compilationHelper
        .addSourceLines(
            "AuditLog.java",
            "import java.util.logging.Logger;",
            "class AuditLog {",
            "  String caller() {",
            "    // BUG: Diagnostic contains: StackWalker",
            "    return Thread.currentThread().getStackTrace()[2].getMethodName();",
            "  }",
            "  String creator() {",
            "    // BUG: Diagnostic contains: StackWalker",
            "    return new Throwable().getStackTrace()[1].getClassName();",
            "  }",
            "  StackTraceElement whole() {",
            "    // BUG: Diagnostic contains: frames.skip(n)",
            "    return new Exception(\"where\").getStackTrace()[1];",
            "  }",
            "  String handWrittenSearch() {",
            "    // BUG: Diagnostic contains: frames.skip(n)",
            "    StackTraceElement[] trace = Thread.currentThread().getStackTrace();",
            "    for (StackTraceElement frame : trace) {",
            "      if (!frame.getClassName().equals(AuditLog.class.getName())) {",
            "        return frame.getClassName();",
            "      }",
            "    }",
            "    return null;",
            "  }",
            "  String indexedLocal() {",
            "    // BUG: Diagnostic contains: frames.skip(n)",
            "    StackTraceElement[] trace = new RuntimeException().getStackTrace();",
            "    return trace[1].toString();",
            "  }",
            "  // Reduced from commons-logging's Jdk14Logger and HSQLDB's FrameworkLogger.",
            "  String viaLocalThrowable() {",
            "    Throwable marker = new Throwable();",
            "    // BUG: Diagnostic contains: frames.skip(n)",
            "    StackTraceElement[] locations = marker.getStackTrace();",
            "    return locations.length > 2 ? locations[2].getMethodName() : \"unknown\";",
            "  }",
            "  String viaLocalThrowableIndexed() {",
            "    Throwable marker = new Throwable();",
            "    // BUG: Diagnostic contains: frames.skip(n)",
            "    return marker.getStackTrace()[1].getMethodName();",
            "  }",
            "  String frameZeroIsGetStackTraceItself() {",
            "    // BUG: Diagnostic contains: frames.skip(n)",
            "    return Thread.currentThread().getStackTrace()[0].getMethodName();",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void identificationSilentOnRealTracesAndDumps() {
    compilationHelper
        .addSourceLines(
            "Diagnostics.java",
            "import java.util.Arrays;",
            "class Diagnostics {",
            "  String onFailure(Runnable task) {",
            "    try {",
            "      task.run();",
            "      return null;",
            "    } catch (RuntimeException e) {",
            "      // The seed's When NOT: a trace taken once, while handling a real failure.",
            "      return Thread.currentThread().getStackTrace()[2].getMethodName()",
            "          + e.getStackTrace()[0].getMethodName();",
            "    }",
            "  }",
            "  String dump() {",
            "    StackTraceElement[] trace = Thread.currentThread().getStackTrace();",
            "    return Arrays.toString(trace);",
            "  }",
            "  String otherThread(Thread thread) {",
            "    return thread.getStackTrace()[0].getMethodName();",
            "  }",
            "  String parameterThrowable(Throwable failure) {",
            "    StackTraceElement[] trace = failure.getStackTrace();",
            "    return trace[0].getMethodName();",
            "  }",
            "  String capturedThrowable() {",
            "    Throwable marker = new Throwable();",
            "    java.util.function.Supplier<String> later = () -> {",
            "      StackTraceElement[] trace = marker.getStackTrace();",
            "      return trace[1].getMethodName();",
            "    };",
            "    return later.get();",
            "  }",
            "  String ownThrowable() {",
            "    return new IllegalStateException().getStackTrace()[1].getMethodName();",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void identificationSilentInTestSourceSet() {
    compilationHelper
        .addSourceLines(
            "src/test/java/com/acme/TraceFixture.java",
            "package com.acme;",
            "class TraceFixture {",
            "  String testName() {",
            "    return Thread.currentThread().getStackTrace()[2].getMethodName();",
            "  }",
            "}")
        .doTest();
  }

  /**
   * Reduced from a JDBC driver outside the tuning set (issue 21's recall corpus): a static final
   * logging context named after the class by its own frame, once per class load. An instance
   * field's initializer runs per object: still reported.
   */
  @Test
  void identificationSilentInStaticInitializers() {
    compilationHelper
        .addSourceLines(
            "Certificates.java",
            "class Certificates {",
            "  private static final String CONTEXT = Thread.currentThread().getStackTrace()[1].getClassName();",
            "  private static final String METHOD;",
            "  static {",
            "    METHOD = new Throwable().getStackTrace()[0].getMethodName();",
            "  }",
            "  // BUG: Diagnostic contains: StackTraceForCaller",
            "  private final String owner = Thread.currentThread().getStackTrace()[2].getClassName();",
            "  static Runnable later() {",
            "    // BUG: Diagnostic contains: StackTraceForCaller",
            "    return () -> System.out.println(Thread.currentThread().getStackTrace()[1].getMethodName());",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void identificationSilentBeforeJava9() {
    compilationHelper
        .setArgs("-source", "8", "-target", "8")
        .addSourceLines(
            "Old.java",
            "class Old {",
            "  String caller() {",
            "    return Thread.currentThread().getStackTrace()[2].getMethodName();",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void replacementOnJava9UsesGet() {
    refactoringHelper
        .setArgs("-source", "9", "-target", "9")
        .addInputLines(
            "Nine.java",
            "class Nine {",
            "  String caller() {",
            "    return Thread.currentThread().getStackTrace()[2].getMethodName();",
            "  }",
            "}")
        .addOutputLines(
            "Nine.java",
            "class Nine {",
            "  String caller() {",
            "    return StackWalker.getInstance(StackWalker.Option.SHOW_REFLECT_FRAMES)",
            "        .walk(frames -> frames.skip(1).findFirst())",
            "        .get()",
            "        .getMethodName();",
            "  }",
            "}")
        .doTest(TEXT_MATCH);
  }

  @Test
  void replacement() {
    refactoringHelper
        .addInputLines(
            "AuditLog.java",
            "class AuditLog {",
            "  private static final int CALLER = 2;",
            "",
            "  String method() {",
            "    return Thread.currentThread().getStackTrace()[2].getMethodName();",
            "  }",
            "",
            "  String self() {",
            "    return Thread.currentThread().getStackTrace()[1].getMethodName();",
            "  }",
            "",
            "  String type() {",
            "    return Thread.currentThread().getStackTrace()[CALLER].getClassName();",
            "  }",
            "",
            "  int line() {",
            "    return new Throwable().getStackTrace()[1].getLineNumber();",
            "  }",
            "",
            "  String file() {",
            "    return new Exception().getStackTrace()[0].getFileName();",
            "  }",
            "",
            "  String shadowed(String frames) {",
            "    return frames + new RuntimeException().getStackTrace()[3].getMethodName();",
            "  }",
            "}")
        .addOutputLines(
            "AuditLog.java",
            "class AuditLog {",
            "  private static final int CALLER = 2;",
            "",
            "  String method() {",
            "    return StackWalker.getInstance(StackWalker.Option.SHOW_REFLECT_FRAMES)",
            "        .walk(frames -> frames.skip(1).findFirst())",
            "        .orElseThrow()",
            "        .getMethodName();",
            "  }",
            "",
            "  String self() {",
            "    return StackWalker.getInstance(StackWalker.Option.SHOW_REFLECT_FRAMES)",
            "        .walk(frames -> frames.findFirst())",
            "        .orElseThrow()",
            "        .getMethodName();",
            "  }",
            "",
            "  String type() {",
            "    return StackWalker.getInstance(StackWalker.Option.SHOW_REFLECT_FRAMES)",
            "        .walk(frames -> frames.skip(1).findFirst())",
            "        .orElseThrow()",
            "        .getClassName();",
            "  }",
            "",
            "  int line() {",
            "    return StackWalker.getInstance(StackWalker.Option.SHOW_REFLECT_FRAMES)",
            "        .walk(frames -> frames.skip(1).findFirst())",
            "        .orElseThrow()",
            "        .getLineNumber();",
            "  }",
            "",
            "  String file() {",
            "    return StackWalker.getInstance(StackWalker.Option.SHOW_REFLECT_FRAMES)",
            "        .walk(frames -> frames.findFirst())",
            "        .orElseThrow()",
            "        .getFileName();",
            "  }",
            "",
            "  String shadowed(String frames) {",
            "    return frames",
            "        + StackWalker.getInstance(StackWalker.Option.SHOW_REFLECT_FRAMES)",
            "            .walk(frames2 -> frames2.skip(3).findFirst())",
            "            .orElseThrow()",
            "            .getMethodName();",
            "  }",
            "}")
        .doTest(TEXT_MATCH);
  }

  /**
   * The fix must find the same frame at run time: compile the original and the patched class,
   * run both, compare what each reports through plain calls, nested calls, lambdas, a method
   * reference and reflection.
   */
  @Test
  void replacementFindsTheSameCallerAtRunTime() throws Exception {
    String original = String.join("\n", CALLERS) + "\n";
    String patched = PatchMode.patchConverged("StackTraceForCaller", "probe/Callers.java", original);
    assertFalse(patched.contains("getStackTrace"), patched);
    assertTrue(patched.contains("StackWalker"), patched);

    List<String> before = run(original);
    List<String> after = run(patched);

    // javac numbers lambda bodies per class, and the fix adds lambdas: lambda$report$0 may
    // become lambda$report$6. The frame is the same one; only the synthetic suffix moves.
    assertEquals(withoutLambdaNumbers(before), withoutLambdaNumbers(after));
    assertEquals("report", before.get(0));
    assertEquals("lambda$report$0", before.get(2));
    assertEquals("helper", before.get(4));
    assertEquals("probe.Callers", before.get(10));
  }

  private static final String[] CALLERS = {
    "package probe;",
    "",
    "import java.util.ArrayList;",
    "import java.util.List;",
    "import java.util.function.Supplier;",
    "",
    "public class Callers {",
    "  static String whoCalledMe() {",
    "    return Thread.currentThread().getStackTrace()[2].getMethodName();",
    "  }",
    "",
    "  static String whoCalledMeToo() {",
    "    return new Throwable().getStackTrace()[1].getMethodName();",
    "  }",
    "",
    "  static String classTwoUp() {",
    "    return new Exception().getStackTrace()[2].getClassName();",
    "  }",
    "",
    "  static int lineOfCaller() {",
    "    return Thread.currentThread().getStackTrace()[2].getLineNumber();",
    "  }",
    "",
    "  static String ownFile() {",
    "    return new RuntimeException().getStackTrace()[0].getFileName();",
    "  }",
    "",
    "  static String self() {",
    "    return Thread.currentThread().getStackTrace()[1].getMethodName();",
    "  }",
    "",
    "  static String nested() {",
    "    return helper();",
    "  }",
    "",
    "  static String helper() {",
    "    return whoCalledMeToo();",
    "  }",
    "",
    "  public static List<String> report() throws Exception {",
    "    List<String> out = new ArrayList<>();",
    "    out.add(whoCalledMe());",
    "    out.add(whoCalledMeToo());",
    "    Supplier<String> viaLambda = () -> whoCalledMe();",
    "    out.add(viaLambda.get());",
    "    Supplier<String> viaReference = Callers::whoCalledMe;",
    "    out.add(viaReference.get());",
    "    out.add(nested());",
    "    out.add(String.valueOf(lineOfCaller()));",
    "    out.add(ownFile());",
    "    out.add(self());",
    "    out.add((String) Callers.class.getDeclaredMethod(\"whoCalledMe\").invoke(null));",
    "    out.add(classTwoUp());",
    "    Runnable inLambda = () -> out.add(classTwoUp());",
    "    inLambda.run();",
    "    Thread other = new Thread(() -> out.add(whoCalledMeToo()));",
    "    other.start();",
    "    other.join();",
    "    return out;",
    "  }",
    "}",
  };

  private static List<String> withoutLambdaNumbers(List<String> callers) {
    return callers.stream().map(c -> c.replaceAll("^(lambda\\$.*\\$)\\d+$", "$1N")).collect(toList());
  }

  @SuppressWarnings("unchecked")
  private static List<String> run(String source) throws Exception {
    try (URLClassLoader loader = Probe.compile("probe/Callers.java", source)) {
      return (List<String>) loader.loadClass("probe.Callers").getMethod("report").invoke(null);
    }
  }
}
