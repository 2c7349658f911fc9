package dev.slowpath.workload.finalizerasclose.after;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.ref.Cleaner;

/** Spools records to a stream it owns. */
public class Spool implements AutoCloseable {
  private final OutputStream out;
  private static final Cleaner CLEANER = Cleaner.create();

  public Spool(OutputStream out) {
    this.out = out;
    CLEANER.register(this, closeOnCleanup(out));
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
  public void close() throws IOException {
    out.close();
  }

  /** What a Cleaner runs if the object is never closed: it holds the resources, not the object. */
  private static Runnable closeOnCleanup(Closeable... resources) {
    return () -> {
      for (Closeable resource : resources) {
        try {
          if (resource != null) {
            resource.close();
          }
        } catch (IOException e) {
          // as in a finalizer, a failed release has no caller to report to
        }
      }
    };
  }
}
