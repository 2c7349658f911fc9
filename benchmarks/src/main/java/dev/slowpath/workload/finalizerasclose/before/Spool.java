package dev.slowpath.workload.finalizerasclose.before;

import java.io.OutputStream;

/** Spools records to a stream it owns. */
public class Spool {
  private final OutputStream out;

  public Spool(OutputStream out) {
    this.out = out;
  }

  /** Spools one record; the bytes written. */
  public int written() {
    try {
      out.write(42);
      return 1;
    } catch (java.io.IOException e) {
      return 0;
    }
  }

  @Override
  protected void finalize() throws Throwable {
    try {
      out.close();
    } finally {
      super.finalize();
    }
  }
}
