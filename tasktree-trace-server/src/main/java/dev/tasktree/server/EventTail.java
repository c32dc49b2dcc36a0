package dev.tasktree.server;

import dev.tasktree.trace.TraceEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Follows a trace file from a byte offset and hands each new event, decoded by the core codec, to a
 * {@link Sink} until the trace ends, the file goes silent for longer than the staleness threshold
 * (the writing process died), or the client leaves.
 */
final class EventTail {

  /** Where events go; the id is the byte offset just after the event's line. */
  interface Sink {
    void event(String json, long offset);

    void comment(String text);
  }

  private static final long POLL_NANOS = Duration.ofMillis(100).toNanos();

  private final Path file;
  private final String traceId;
  private final Duration staleAfter;

  EventTail(Path file, String traceId, Duration staleAfter) {
    this.file = file;
    this.traceId = traceId;
    this.staleAfter = staleAfter;
  }

  /** Streams until the trace ends, goes stale or {@code stop} says so. */
  void run(long from, Sink sink, BooleanSupplier stop) throws IOException {
    try (FileChannel channel = TraceFileReader.open(file)) {
      if (from > 0 && endedBefore(channel, from, sink)) {
        return;
      }
      long pos = from;
      long lastGrowth = System.nanoTime();
      ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
      ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
      boolean overlong = false;
      while (!stop.getAsBoolean()) {
        long size = channel.size();
        if (size < pos) {
          sink.event("{\"type\":\"reset\"}", size);
          return; // the file was replaced: the client reloads
        }
        if (size == pos) {
          if (System.nanoTime() - lastGrowth > staleAfter.toNanos()) {
            sink.event("{\"type\":\"stale\"}", pos);
            return;
          }
          java.util.concurrent.locks.LockSupport.parkNanos(POLL_NANOS);
          if (Thread.interrupted()) {
            return;
          }
          continue;
        }
        lastGrowth = System.nanoTime();
        while (pos < size) {
          buffer.clear();
          int n = channel.read(buffer, pos);
          if (n <= 0) {
            break;
          }
          byte[] bytes = buffer.array();
          for (int i = 0; i < n; i++) {
            if (bytes[i] == '\n') {
              long offset = pos + i + 1;
              if (!overlong && deliver(line.toString(StandardCharsets.UTF_8), offset, sink)) {
                return;
              }
              line.reset();
              overlong = false;
            } else if (line.size() < TraceFileReader.MAX_LINE) {
              line.write(bytes[i]);
            } else {
              overlong = true; // skipped like the reader skips it: memory stays bounded
            }
          }
          pos += n;
        }
      }
    }
  }

  /** Sends one line; returns true when it ended the trace. */
  private boolean deliver(String text, long offset, Sink sink) {
    if (text.isBlank()) {
      return false;
    }
    TraceEvent event;
    try {
      event = TraceEvent.parse(text, traceId);
    } catch (RuntimeException e) {
      return false; // a corrupt line: the reader skips it too
    }
    if (event instanceof TraceEvent.Heartbeat) {
      sink.comment("heartbeat");
      return false;
    }
    String json = JsonViews.event(event);
    if (json != null) {
      sink.event(json, offset);
    }
    return event instanceof TraceEvent.TraceEnded;
  }

  /**
   * Whether the line just before {@code from} is the trace's end (a client that already read a
   * finished trace); if so its end is sent again so the client knows to stop.
   */
  private boolean endedBefore(FileChannel channel, long from, Sink sink) throws IOException {
    long start = Math.max(0, from - (1 << 20));
    ByteBuffer buffer = ByteBuffer.allocate((int) (from - start));
    channel.read(buffer, start);
    String tail = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
    String trimmed = tail.stripTrailing();
    String last = trimmed.substring(trimmed.lastIndexOf('\n') + 1);
    if (last.startsWith("{\"type\":\"summary\"")) {
      // a finished trace ends with its summary; the end is the line before
      trimmed = trimmed.substring(0, Math.max(0, trimmed.lastIndexOf('\n'))).stripTrailing();
      last = trimmed.substring(trimmed.lastIndexOf('\n') + 1);
    }
    try {
      TraceEvent event = TraceEvent.parse(last, traceId);
      if (event instanceof TraceEvent.TraceEnded) {
        sink.event(JsonViews.event(event), from);
        return true;
      }
    } catch (RuntimeException e) {
      // not an end line (or a trace_end line longer than 1 MB: the tail then waits until stale)
    }
    return false;
  }
}
