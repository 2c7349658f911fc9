package dev.slowpath.examples.orders;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/** Appends the day's invoice documents to the archive stream, one after another. */
public final class InvoiceArchive {
  private final OutputStream archive;

  public InvoiceArchive(OutputStream archive) {
    this.archive = archive;
  }

  /** Copies every invoice to the archive and returns the number of bytes written. */
  public long append(List<InputStream> invoices) throws IOException {
    long written = 0;
    for (InputStream invoice : invoices) {
      byte[] buffer = new byte[8192];
      int read;
      while ((read = invoice.read(buffer)) != -1) {
        archive.write(buffer, 0, read);
        written += read;
      }
      invoice.close();
    }
    archive.flush();
    return written;
  }
}
