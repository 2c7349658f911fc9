package dev.slowpath.checks;

/** Where each check's page lives: the bug pattern annotation's link must be a compile-time constant. */
final class Docs {
  static final String BUGPATTERN = "https://github.com/slowpath-dev/slowpath/blob/main/docs/bugpattern/";

  private Docs() {}
}
