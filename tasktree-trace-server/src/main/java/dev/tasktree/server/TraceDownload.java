package dev.tasktree.server;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * {@code GET /api/traces/{id}/download}: the trace file as written (JSON Lines), as an attachment.
 * A live trace is sent up to its size when the request arrived.
 */
final class TraceDownload {

  private TraceDownload() {}

  /**
   * Sends the file.
   *
   * @param id a valid trace id (it names the attachment)
   * @throws ApiException 404 when there is no such trace
   * @throws IOException when the file cannot be read
   */
  static void send(Context ctx, String id, Path file) throws IOException {
    long size;
    try {
      var attrs = TraceFileReader.attributes(file);
      if (attrs == null || !attrs.isRegularFile()) {
        throw ApiException.notFound("no trace " + id);
      }
      size = attrs.size();
    } catch (NoSuchFileException e) {
      throw ApiException.notFound("no trace " + id);
    }
    ctx.contentType("application/x-ndjson; charset=utf-8");
    ctx.header("Content-Disposition", "attachment; filename=\"" + id + ".jsonl\"");
    ctx.header("Content-Length", Long.toString(size));
    try (InputStream in = java.nio.channels.Channels.newInputStream(TraceFileReader.open(file))) {
      OutputStream out = ctx.outputStream();
      byte[] buffer = new byte[1 << 16];
      long left = size;
      while (left > 0) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
        if (n < 0) {
          break;
        }
        out.write(buffer, 0, n);
        left -= n;
      }
    }
  }
}
