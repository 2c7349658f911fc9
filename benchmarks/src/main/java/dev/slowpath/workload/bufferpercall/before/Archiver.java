package dev.slowpath.workload.bufferpercall.before;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/** Copies attachments into one archive stream, with a copy buffer made for each attachment. */
public final class Archiver {
  private Archiver() {}

  public static long copyAll(List<? extends InputStream> attachments, OutputStream archive) throws IOException {
    long copied = 0;
    for (InputStream attachment : attachments) {
      byte[] buffer = new byte[8192];
      int n;
      while ((n = attachment.read(buffer)) != -1) {
        archive.write(buffer, 0, n);
        copied += n;
      }
    }
    return copied;
  }
}
