package dev.slowpath.workload.explicitgc.before;

import java.util.zip.CRC32;

/** A handler that asks for a collection after every request "to keep memory bounded". */
public final class RequestHandler {
  private final CRC32 checksum = new CRC32();

  public byte[] handle(byte[] request) {
    byte[] response = new byte[request.length * 2];
    System.arraycopy(request, 0, response, 0, request.length);
    System.arraycopy(request, 0, response, request.length, request.length);
    checksum.update(response);
    System.gc(); // keep memory bounded
    return response;
  }
}
