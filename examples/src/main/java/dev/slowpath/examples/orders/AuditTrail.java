package dev.slowpath.examples.orders;

import java.util.ArrayList;
import java.util.List;

/** Remembers which operation did what, naming the calling method the way many apps do. */
public final class AuditTrail {
  private final List<String> entries = new ArrayList<>();

  public synchronized void record(String what) {
    String operation = Thread.currentThread().getStackTrace()[2].getMethodName();
    entries.add(operation + ": " + what);
  }

  public synchronized List<String> entries() {
    return List.copyOf(entries);
  }
}
