package dev.tasktree.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasktree.trace.TraceJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * The static shape of a trace's tree (format v2: the {@code shape} field of the first line), read
 * straight from the file so the UI can show nodes that never ran (a v1 trace has none), and the
 * run's own attributes from that line ({@code attrs}: what a run interceptor added, e.g. the
 * OpenTelemetry trace id and link).
 */
final class TraceShape {

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = TraceJson.newMapper();

  /** A first line longer than this is not searched for a shape (the trace still opens). */
  static final int MAX_FIRST_LINE = 8 << 20;

  private TraceShape() {}

  /**
   * The first line's shape and attributes.
   *
   * @param shape the shape, or null
   * @param attributes the run's attributes (an object), or null when there are none
   */
  record Head(JsonNode shape, JsonNode attributes) {}

  /**
   * The shape and attributes of the trace in {@code file}; each null when the first line has none,
   * is not JSON, or is longer than {@link #MAX_FIRST_LINE}.
   *
   * @throws IOException when the file cannot be read
   */
  static Head head(Path file) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(4096);
    try (InputStream in = java.nio.channels.Channels.newInputStream(TraceFileReader.open(file))) {
      byte[] buffer = new byte[8192];
      int n;
      outer:
      while ((n = in.read(buffer)) > 0) {
        for (int i = 0; i < n; i++) {
          if (buffer[i] == '\n') {
            line.write(buffer, 0, i);
            break outer;
          }
        }
        line.write(buffer, 0, n);
        if (line.size() > MAX_FIRST_LINE) {
          return new Head(null, null);
        }
      }
    }
    try {
      JsonNode first = JSON.readTree(line.toByteArray());
      JsonNode shape = first == null ? null : first.get("shape");
      JsonNode attrs = first == null ? null : first.get("attrs");
      return new Head(
          shape != null && shape.isObject() ? shape : null,
          attrs != null && attrs.isObject() && !attrs.isEmpty() ? attrs : null);
    } catch (IOException e) {
      return new Head(null, null); // the reader reports a bad first line; the head is just absent
    }
  }
}
