package dev.slowpath.checks;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Users' switches work with Error Prone's default checks on, as in a real build. */
final class ErrorProneFlagsTest {
  private static final Path HANDLER =
      Javac.write(
          "com/acme/Handler.java",
          String.join(
              "\n",
              "package com.acme;",
              "class Handler {",
              "  void handle() {",
              "    System.gc();",
              "  }",
              "}",
              ""));

  @Test
  void warnsByDefault() {
    Javac.Result result = Javac.compile(List.of(HANDLER), List.of());
    assertTrue(result.success(), result.output());
    assertTrue(result.output().contains("warning: [ExplicitGc]"), result.output());
  }

  @Test
  void suppressWarningsSilencesIt() {
    Path suppressed =
        Javac.write(
            "com/acme/Handler.java",
            String.join(
                "\n",
                "package com.acme;",
                "class Handler {",
                "  @SuppressWarnings(\"ExplicitGc\") // heap must be compact before the snapshot",
                "  void beforeSnapshot() {",
                "    System.gc();",
                "  }",
                "}",
                ""));
    Javac.Result result = Javac.compile(List.of(suppressed), List.of());
    assertTrue(result.success(), result.output());
    assertFalse(result.output().contains("ExplicitGc"), result.output());
  }

  @Test
  void offSilencesIt() {
    Javac.Result result = Javac.compile(List.of(HANDLER), List.of("-Xep:ExplicitGc:OFF"));
    assertTrue(result.success(), result.output());
    assertFalse(result.output().contains("ExplicitGc"), result.output());
  }

  @Test
  void errorFailsTheBuild() {
    Javac.Result result = Javac.compile(List.of(HANDLER), List.of("-Xep:ExplicitGc:ERROR"));
    assertFalse(result.success(), result.output());
    assertTrue(result.output().contains("error: [ExplicitGc]"), result.output());
  }
}
