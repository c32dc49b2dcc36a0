package dev.tasktree.trace;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tasktree.trace.TraceEvent.SpanEnded;
import dev.tasktree.trace.TraceEvent.TraceEnded;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * The {@code summary} line the writer puts after {@code trace_end}: the totals of a finished trace,
 * so an index reads a file's first and last lines instead of the whole file. A file without one (an
 * interrupted run, a file from an older writer) is read in full.
 */
final class SummaryLine {

  static final String PREFIX = "{\"type\":\"summary\"";

  private static final JsonFactory FACTORY = TraceJson.MAPPER.getFactory();

  private SummaryLine() {}

  /** Whether a line is a summary line (the reader skips it: the events say the same). */
  static boolean is(String line) {
    return line.startsWith(PREFIX) && line.endsWith("}");
  }

  /** The running totals of one trace, fed from every thread that emits its events. */
  static final class Tally {
    private final AtomicInteger spans = new AtomicInteger();
    private final AtomicInteger errors = new AtomicInteger();
    private final LongAdder inputTokens = new LongAdder();
    private final LongAdder outputTokens = new LongAdder();
    private final DoubleAdder cost = new DoubleAdder();
    private final java.util.Set<String> models = new java.util.concurrent.ConcurrentSkipListSet<>();
    private volatile TraceEnded end;

    void spanStarted() {
      spans.incrementAndGet();
    }

    void spanEnded(SpanEnded e) {
      if (e.error() != null) {
        errors.incrementAndGet();
      }
      Map<String, JsonNode> a = e.attributes();
      if (a != null && !a.isEmpty()) {
        inputTokens.add(number(a, Attributes.INPUT_TOKENS).asLong(0));
        outputTokens.add(number(a, Attributes.OUTPUT_TOKENS).asLong(0));
        cost.add(number(a, Attributes.COST_USD).asDouble(0));
        SummaryFacets.addModels(models, a);
      }
    }

    private static JsonNode number(Map<String, JsonNode> a, String name) {
      JsonNode n = a.get(name);
      return n == null ? com.fasterxml.jackson.databind.node.NullNode.getInstance() : n;
    }

    void ended(TraceEnded e) {
      end = e;
    }

    /**
     * The summary line (newline included), once {@link #ended}.
     *
     * @param offset where in the file this line starts: a reader that finds it elsewhere knows the
     *     file was changed after the writer finished it
     */
    byte[] line(long offset) {
      StringBuilder s = new StringBuilder(200).append(PREFIX);
      s.append(",\"time\":\"").append(TraceCodec.time(end.time())).append('"');
      s.append(",\"status\":\"").append(end.status().name()).append('"');
      s.append(",\"spans\":").append(spans.get());
      s.append(",\"errors\":").append(errors.get());
      s.append(",\"input_tokens\":").append(inputTokens.sum());
      s.append(",\"output_tokens\":").append(outputTokens.sum());
      double c = cost.sum();
      s.append(",\"cost_usd\":").append(Double.isFinite(c) ? Double.toString(c) : "0");
      s.append(",\"models\":");
      try {
        s.append(TraceJson.MAPPER.writeValueAsString(SummaryFacets.models(models)));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        s.append("[]"); // a list of strings always serialises
      }
      s.append(",\"offset\":").append(offset);
      return s.append("}\n").toString().getBytes(StandardCharsets.UTF_8);
    }
  }

  /**
   * The summary of a finished trace from its first and last lines only.
   *
   * @return empty when the file does not end with a summary line, or its head or tail does not read
   *     as expected: then read it in full
   */
  static Optional<TraceSummary> read(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      return read(channel);
    }
  }

  /** Like {@link #read(Path)}, from a channel the caller opened (and closes). */
  static Optional<TraceSummary> read(FileChannel channel) throws IOException {
    return read(channel, channel.size());
  }

  /**
   * Like {@link #read(FileChannel)}, for the first {@code size} bytes of the file (its size when
   * the caller looked).
   */
  static Optional<TraceSummary> read(FileChannel channel, long size) throws IOException {
    try {
      if (size < PREFIX.length() + 2) {
        return Optional.empty();
      }
      // An index reads this for every file of a directory: one read for a small file, else a small
      // look at each end, into buffers of this thread's; a longer look only when a line does not
      // fit (rare).
      Scratch scratch = SCRATCH.get();
      byte[] head = scratch.head;
      int look = size <= head.length ? (int) size : FIRST_HEAD_LOOK;
      int headLength = fill(channel, 0, head, look);
      Head h = head(head, headLength);
      for (int window : HEAD_WINDOWS) {
        if (h != CUT || size <= headLength) {
          break;
        }
        head = new byte[(int) Math.min(size, window)];
        headLength = fill(channel, 0, head, head.length);
        h = head(head, headLength);
      }
      if (h == null || h == CUT) {
        return Optional.empty();
      }
      // the tail: what the head read when that was the whole file, else a first look at the end
      byte[] tail = head;
      int tailLength = headLength;
      if (headLength < size) {
        tail = scratch.tail;
        int tailLook = (int) Math.min(size, tail.length);
        tailLength = fill(channel, size - tailLook, tail, tailLook);
      }
      Totals t = summaryAtEnd(channel, size, tail, tailLength);
      if (t == null) {
        return Optional.empty();
      }
      return Optional.of(
          new TraceSummary(
              h.id,
              h.name,
              h.start,
              Duration.between(h.start, t.end),
              t.status,
              t.spans,
              t.errors,
              t.inputTokens,
              t.outputTokens,
              t.cost,
              0,
              t.models,
              SummaryFacets.tags(h.attributes)));
    } catch (RuntimeException e) {
      return Optional.empty(); // a damaged head or tail: the full read says what is wrong
    }
  }

  /** How far the head is read when its fields do not fit the first look (a big attribute). */
  private static final int[] HEAD_WINDOWS = {1 << 16, 1 << 20};

  /** The longest summary line looked for (its model list makes it long). */
  private static final int TAIL_WINDOW = 1 << 16;

  /** How much of a larger file's head is looked at first: its id, name and start come first. */
  private static final int FIRST_HEAD_LOOK = 2048;

  /** A thread's buffers for the first look at a file's ends (an index reads many files). */
  private static final class Scratch {
    final byte[] head = new byte[8192]; // a whole small trace
    final byte[] tail = new byte[1024];
  }

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  /**
   * The totals of the summary line that ends the file, or null when the last line is not a summary
   * the writer left there.
   *
   * @param tail the file's last {@code length} bytes (all of it, or a first look at its end)
   */
  private static Totals summaryAtEnd(FileChannel channel, long size, byte[] tail, int length)
      throws IOException {
    int from = lastLineStart(tail, length, size);
    if (from < 0 && length < size) {
      // the last line is longer than the first look: look further back, once
      length = (int) Math.min(size, TAIL_WINDOW);
      tail = new byte[length];
      length = fill(channel, size - length, tail, length);
      from = lastLineStart(tail, length, size);
    }
    if (from < 0) {
      return null;
    }
    int lineLength = length - from - 1;
    if (!startsWithPrefix(tail, from, lineLength)) {
      return null;
    }
    Totals t = totals(tail, from, lineLength);
    if (t == null || t.offset != size - (lineLength + 1)) {
      return null; // lines were added, removed or cut after the writer finished
    }
    if (t.models == null) {
      return null; // an older writer's summary: the full read finds the models
    }
    return t;
  }

  /**
   * Where the last line of {@code bytes[0, length)} (the file's last bytes) starts; -1 when the
   * bytes do not end with a newline, or the line may begin before them.
   */
  private static int lastLineStart(byte[] bytes, int length, long size) {
    if (length == 0 || bytes[length - 1] != '\n') {
      return -1;
    }
    int start = length - 2;
    while (start >= 0 && bytes[start] != '\n') {
      start--;
    }
    return start < 0 && length < size ? -1 : start + 1;
  }

  /** Reads up to {@code length} bytes at {@code position} into {@code into}; the count read. */
  private static int fill(FileChannel channel, long position, byte[] into, int length)
      throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(into, 0, length);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, position + buffer.position()) < 0) {
        break;
      }
    }
    return buffer.position();
  }

  /** What a trace's first line says that the summary needs. */
  record Head(String id, String name, Instant start, Map<String, JsonNode> attributes) {}

  /** A head whose fields did not all fit the bytes read. */
  private static final Head CUT = new Head(null, null, null, Map.of());

  private static final byte[] PREFIX_BYTES = PREFIX.getBytes(StandardCharsets.US_ASCII);

  private static boolean startsWithPrefix(byte[] bytes, int from, int length) {
    if (length < PREFIX_BYTES.length + 1 || bytes[from + length - 1] != '}') {
      return false;
    }
    for (int i = 0; i < PREFIX_BYTES.length; i++) {
      if (bytes[from + i] != PREFIX_BYTES[i]) {
        return false;
      }
    }
    return true;
  }

  /** What the summary line says. */
  static final class Totals {
    Instant end;
    Status status;
    int spans;
    int errors;
    long inputTokens;
    long outputTokens;
    double cost;
    long offset = -1;
    java.util.List<String> models;
  }

  /** The summary line's fields; null when it is not one. */
  private static Totals totals(byte[] bytes, int from, int length) {
    Totals fast = WriterLayout.totals(bytes, from, length);
    return fast != null ? fast : parsedTotals(bytes, from, length);
  }

  /** The summary line's fields, read with a streaming parser; null when it is not one. */
  static Totals parsedTotals(byte[] bytes, int from, int length) {
    Totals t = new Totals();
    try (JsonParser p = FACTORY.createParser(bytes, from, length)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "time" -> t.end = TraceCodec.parseTime(p.getText());
          case "status" -> t.status = Status.valueOf(p.getText());
          case "spans" -> t.spans = p.getIntValue();
          case "errors" -> t.errors = p.getIntValue();
          case "input_tokens" -> t.inputTokens = p.getLongValue();
          case "output_tokens" -> t.outputTokens = p.getLongValue();
          case "cost_usd" -> t.cost = p.getDoubleValue();
          case "offset" -> t.offset = p.getLongValue();
          case "models" -> t.models = models(p, value);
          default -> {
            if (value.isStructStart()) {
              p.skipChildren();
            }
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
    return t.end == null || t.status == null ? null : t;
  }

  /** The summary's model list; null when it is not a list of strings. */
  private static java.util.List<String> models(JsonParser p, JsonToken value) throws IOException {
    if (value != JsonToken.START_ARRAY) {
      if (value.isStructStart()) {
        p.skipChildren();
      }
      return null;
    }
    java.util.List<String> models = new java.util.ArrayList<>();
    for (JsonToken t; (t = p.nextToken()) != JsonToken.END_ARRAY; ) {
      if (t != JsonToken.VALUE_STRING) {
        return null;
      }
      models.add(p.getText());
    }
    return SummaryFacets.modelsOf(models);
  }

  /** The id, name and start of the first line; null when it is not a trace start. */
  private static Head head(byte[] bytes, int length) {
    Head fast = WriterLayout.head(bytes, length);
    return fast != null ? fast : parsedHead(bytes, length);
  }

  /**
   * The id, name and start of the first line, read with a streaming parser: they come first, so a
   * first line longer than the window (a big shape) is not needed in full.
   */
  static Head parsedHead(byte[] bytes, int length) {
    String type = null;
    String id = null;
    String name = null;
    String time = null;
    int version = 0;
    Map<String, JsonNode> attributes = Map.of();
    try (JsonParser p = FACTORY.createParser(bytes, 0, length)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        if (field.equals("shape")) {
          break; // the writer puts the shape last: everything needed came before it
        }
        JsonToken value = p.nextToken();
        switch (field) {
          case "attrs" -> {
            if (value == JsonToken.START_OBJECT) {
              Map<String, JsonNode> read = new java.util.LinkedHashMap<>();
              JsonNode tree = p.readValueAsTree();
              tree.properties().forEach(e -> read.put(e.getKey(), e.getValue()));
              attributes = read;
            } else if (value.isStructStart()) {
              p.skipChildren();
            }
          }
          case "v" -> version = p.getIntValue();
          case "type" -> type = p.getText();
          case "id" -> id = p.getText();
          case "name" -> name = p.getText();
          case "time" -> time = p.getText();
          default -> {
            if (value.isStructStart()) {
              p.skipChildren();
            }
          }
        }
      }
    } catch (com.fasterxml.jackson.core.io.JsonEOFException e) {
      return CUT; // the window ends before the fields: a longer look, or the full read, decides
    } catch (IOException e) {
      return null; // not JSON: the full read decides
    }
    if (!"trace".equals(type) || version < 1 || version > TraceCodec.VERSION || id == null) {
      return null;
    }
    return new Head(id, name, TraceCodec.parseTime(time), attributes);
  }
}
