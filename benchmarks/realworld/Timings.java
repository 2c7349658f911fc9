import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.errorprone.ErrorProneOptions;
import com.google.errorprone.ErrorProneTimings;
import com.sun.source.util.JavacTask;
import com.sun.tools.javac.api.BasicJavacTask;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * One in-process javac + Error Prone compilation, then Error Prone's own per-checker clock
 * ({@code ErrorProneTimings}: the time spent in each checker's matchers over the compilation)
 * printed as one JSON line. Run by Harness {@code --timings} in a fresh JVM per repetition, with
 * Error Prone and the Slowpath jar on the class path:
 * {@code java <exports> -cp <errorprone>:<slowpath.jar> Timings.java <options-file> <sources-file>}.
 */
public class Timings {
  public static void main(String[] args) throws Exception {
    List<String> options = new ArrayList<>(Files.readAllLines(Path.of(args[0]), UTF_8));
    if (recordsTimingsOnlyWhenAsked()) {
      options.replaceAll(o -> o.startsWith("-Xplugin:ErrorProne") ? o + " -XepRecordTimings" : o);
    }
    List<String> sources = Files.readAllLines(Path.of(args[1]), UTF_8);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter diagnostics = new StringWriter();
    try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, UTF_8)) {
      JavacTask task =
          (JavacTask) javac.getTask(diagnostics, files, null, options, null, files.getJavaFileObjectsFromStrings(sources));
      // The task drops its context when the compilation ends: take Error Prone's clock first (it
      // lives in the context, and Error Prone finds the same one there).
      ErrorProneTimings timings = ErrorProneTimings.instance(((BasicJavacTask) task).getContext());
      long start = System.nanoTime();
      boolean ok = task.call();
      long wallNanos = System.nanoTime() - start;
      Map<String, Duration> byChecker = new TreeMap<>(timings.timings());
      String checks =
          byChecker.entrySet().stream()
              .map(e -> String.format(Locale.ROOT, "\"%s\": %.3f", e.getKey(), e.getValue().toNanos() / 1e6))
              .collect(Collectors.joining(", "));
      System.out.printf(
          Locale.ROOT,
          "{\"ok\": %b, \"wallMillis\": %.3f, \"initMillis\": %.3f, \"checkerMillis\": {%s}}%n",
          ok,
          wallNanos / 1e6,
          timings.initializationTime().toNanos() / 1e6,
          checks);
      if (!ok) {
        System.err.println(diagnostics);
      }
    }
  }

  /**
   * Newer Error Prone releases (2.52.0 here) keep the per-checker clock only with {@code
   * -XepRecordTimings}, a flag 2.42.0 rejects: ask for it where Error Prone knows it.
   */
  private static boolean recordsTimingsOnlyWhenAsked() {
    try {
      ErrorProneOptions.class.getDeclaredField("RECORD_TIMINGS");
      return true;
    } catch (NoSuchFieldException e) {
      return false;
    }
  }
}
