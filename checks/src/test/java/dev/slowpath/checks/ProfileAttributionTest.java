package dev.slowpath.checks;

import static com.google.errorprone.BugPattern.SeverityLevel.WARNING;

import com.google.errorprone.BugPattern;
import com.google.errorprone.CompilationTestHelper;
import com.google.errorprone.ErrorProneFlags;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import com.google.errorprone.bugpatterns.BugChecker.MethodInvocationTreeMatcher;
import com.google.errorprone.matchers.Description;
import com.sun.source.tree.MethodInvocationTree;
import dev.slowpath.checks.Profile.Cost;
import dev.slowpath.checks.ProfiledFindings.Tier;
import java.net.URLClassLoader;
import java.nio.file.Path;
import javax.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Which method of the source a recorded frame is: overloads by JVM descriptor, constructors of
 * inner classes (whose descriptor starts with the outer instance), anonymous classes, lambdas
 * (credited to the method they are written in) and static initializers. Every {@code start()}
 * call is reported by a probe check with the thread starts the recording credits to its line.
 */
final class ProfileAttributionTest {
  /** Reports every {@code start()} call, with its evidence. */
  @BugPattern(summary = "start() call", severity = WARNING)
  public static final class StartProbe extends BugChecker implements MethodInvocationTreeMatcher {
    private static final long serialVersionUID = 1L;
    private final ProfiledFindings profiled;

    @Inject
    StartProbe(ErrorProneFlags flags) {
      this.profiled = ProfiledFindings.of(this, flags, Tier.ALWAYS, Cost.THREAD_START);
    }

    @Override
    public Description matchMethodInvocation(MethodInvocationTree tree, VisitorState state) {
      return MethodNames.isNoArgCallNamed(tree, "start") ? profiled.report(describeMatch(tree), state) : Description.NO_MATCH;
    }
  }

  private static final String[] SOURCE = {
    "package com.acme.place;",
    "public class Places {",
    "  static {",
    "    // BUG: Diagnostic contains: 1 thread start here",
    "    new Thread(() -> {}).start();",
    "  }",
    "  static void startOne() {",
    "    Thread t = new Thread(() -> {});",
    "    // BUG: Diagnostic contains: 6 thread starts here",
    "    t.start();",
    "  }",
    "  static void send(String to) {",
    "    Thread t = new Thread(() -> {});",
    "    // BUG: Diagnostic contains: 1 thread start here",
    "    t.start();",
    "  }",
    "  static void send(String to, int times) {",
    "    for (int i = 0; i < times; i++) {",
    "      Thread t = new Thread(() -> {});",
    "      // BUG: Diagnostic contains: 2 thread starts here",
    "      t.start();",
    "    }",
    "  }",
    "  static void send(int never) {",
    "    Thread t = new Thread(() -> {});",
    "    // BUG: Diagnostic matches: NEVER",
    "    t.start();",
    "  }",
    "  static Runnable task() {",
    "    return new Runnable() {",
    "      @Override public void run() {",
    "        Thread t = new Thread(() -> {});",
    "        // BUG: Diagnostic contains: 3 thread starts here",
    "        t.start();",
    "      }",
    "    };",
    "  }",
    "  static Runnable lambdaTask() {",
    "    return () -> {",
    "      Thread t = new Thread(() -> {});",
    "      // BUG: Diagnostic contains: 4 thread starts here",
    "      t.start();",
    "    };",
    "  }",
    "  class Inner {",
    "    Inner(int n) {",
    "      for (int i = 0; i < n; i++) {",
    "        // BUG: Diagnostic contains: 5 thread starts here",
    "        new Thread(() -> {}).start();",
    "      }",
    "      // BUG: Diagnostic contains: 6 thread starts here",
    "      for (int i = 0; i < n + 1; i++) { new Thread(() -> {}).start(); }",
    "    }",
    "    Inner(String never) {",
    "      // BUG: Diagnostic matches: NEVER",
    "      new Thread(() -> {}).start();",
    "    }",
    "  }",
    "  public static void load() {",
    "    send(\"a\");",
    "    send(\"b\", 2);",
    "    for (int i = 0; i < 3; i++) task().run();",
    "    for (int i = 0; i < 4; i++) lambdaTask().run();",
    "    new Places().new Inner(5);",
    "    for (int i = 0; i < 6; i++) startOne();",
    "  }",
    "}",
  };

  private static Path recording;

  @BeforeAll
  static void runTheLoad() throws Exception {
    try (URLClassLoader app = Probe.compile("com/acme/place/Places.java", String.join("\n", SOURCE))) {
      Class<?> places = app.loadClass("com.acme.place.Places");
      recording =
          Recordings.record(
              () -> {
                try {
                  places.getMethod("load").invoke(null); // the static initializer runs first
                } catch (ReflectiveOperationException e) {
                  throw new IllegalStateException(e);
                }
              });
    }
  }

  @Test
  void eachFrameIsCreditedToTheMethodItRanIn() {
    CompilationTestHelper.newInstance(StartProbe.class, getClass())
        .setArgs("-XepOpt:Slowpath:Profile=" + recording)
        .expectErrorMessage("NEVER", message -> message.contains("start() call") && !message.contains("thread start"))
        .addSourceLines("com/acme/place/Places.java", SOURCE)
        .doTest();
  }
}
