package dev.tasktree.trace;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.tasktree.trace.TraceEvent.Heartbeat;
import dev.tasktree.trace.TraceEvent.SpanEnded;
import dev.tasktree.trace.TraceEvent.SpanLogged;
import dev.tasktree.trace.TraceEvent.SpanStarted;
import dev.tasktree.trace.TraceEvent.SpanWaiting;
import dev.tasktree.trace.TraceEvent.TraceEnded;
import dev.tasktree.trace.TraceEvent.TraceStarted;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one place that knows the JSON Lines shape of each event (format version {@value #VERSION}).
 */
final class TraceCodec {

  static final int VERSION = 2;

  private static final DateTimeFormatter TIME_FORMAT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private TraceCodec() {}

  /** Buffers kept for reuse: more than the cores that encode at once, few enough to not matter. */
  private static final int POOLED_BUFFERS = 64;

  /**
   * Generators for {@link #line}: buffers come from a shared pool, not from thread locals, because
   * lines are encoded on the run's threads and a Gather may run 100,000 virtual threads. A bounded
   * pool (an array under a lock held for a few instructions), not the concurrent deque pool: with
   * one thread taking and returning a buffer per line the deque's unlinked nodes made its {@code
   * pollFirst} about a tenth of a traced run's time (JFR).
   */
  private static final JsonFactory LINES =
      JsonFactory.builder().recyclerPool(JsonRecyclerPools.newBoundedPool(POOLED_BUFFERS)).build();

  static {
    LINES.setCodec(TraceJson.MAPPER);
  }

  static String encode(TraceEvent event) {
    byte[] line = line(event);
    return new String(line, 0, line.length - 1, StandardCharsets.UTF_8);
  }

  /**
   * One event as a UTF-8 line, newline included: what a trace file holds. Never longer than {@link
   * TraceFormat#MAX_LINE_BYTES}: see {@link LineFit}.
   */
  static byte[] line(TraceEvent event) {
    byte[] line = encodeLine(event);
    return line.length <= TraceFormat.MAX_LINE_BYTES ? line : LineFit.fit(event, line.length);
  }

  /** One event as a UTF-8 line, newline included, whatever its length. */
  static byte[] encodeLine(TraceEvent event) {
    try {
      LineEncoder encoder = LineEncoder.acquire(LINES);
      write(event, encoder.generator, encoder.time);
      byte[] line = encoder.takeLine();
      LineEncoder.release(encoder); // only after a complete line: a failed one is dropped
      return line;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode trace event", e);
    }
  }

  /**
   * A JSON tree as the lines' generator writes it (surrogate pairs escaped, as in every line), for
   * {@link EncodedShapes}: as text, which holds only ASCII escapes where UTF-8 would differ.
   */
  static String encodeTree(JsonNode tree) {
    ByteArrayBuilder bytes = new ByteArrayBuilder(1024);
    try (JsonGenerator generator = LINES.createGenerator(bytes)) {
      generator.writeTree(tree);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode a tree's shape", e);
    }
    return new String(bytes.toByteArray(), StandardCharsets.UTF_8);
  }

  // Field names and fixed values, encoded once: every span writes them twice.
  private static final SerializedString V = new SerializedString("v");
  private static final SerializedString TYPE = new SerializedString("type");
  private static final SerializedString ID = new SerializedString("id");
  private static final SerializedString NAME = new SerializedString("name");
  private static final SerializedString TIME = new SerializedString("time");
  private static final SerializedString ATTRS = new SerializedString("attrs");
  private static final SerializedString SPAN = new SerializedString("span");
  private static final SerializedString PARENT = new SerializedString("parent");
  private static final SerializedString KIND = new SerializedString("kind");
  private static final SerializedString PATH = new SerializedString("path");
  private static final SerializedString LEVEL = new SerializedString("level");
  private static final SerializedString MESSAGE = new SerializedString("message");
  private static final SerializedString STATUS = new SerializedString("status");
  private static final SerializedString DATA = new SerializedString("data");
  private static final SerializedString ERROR = new SerializedString("error");
  private static final SerializedString STACK = new SerializedString("stack");
  private static final SerializedString TRACE = new SerializedString("trace");
  private static final SerializedString START = new SerializedString("start");
  private static final SerializedString LOG = new SerializedString("log");
  private static final SerializedString END = new SerializedString("end");
  private static final SerializedString WAIT = new SerializedString("wait");
  private static final SerializedString KEY = new SerializedString("key");
  private static final SerializedString HEARTBEAT = new SerializedString("heartbeat");
  private static final SerializedString TRACE_END = new SerializedString("trace_end");
  private static final SerializedString SHAPE = new SerializedString("shape");

  /**
   * Streams one event as a JSON object (no newline) to {@code out}; {@code scratch} holds 27 chars
   * for timestamps.
   */
  static void write(TraceEvent event, JsonGenerator out, char[] scratch) throws IOException {
    out.writeStartObject();
    switch (event) {
      case TraceStarted e -> {
        field(out, V);
        out.writeNumber(VERSION);
        field(out, TYPE, TRACE);
        field(out, ID, e.traceId());
        field(out, NAME, e.name());
        time(out, e.time(), scratch);
        writeMap(out, e.attributes());
        if (e.shape() != null) {
          out.writeFieldName(SHAPE);
          out.writeRawValue(EncodedShapes.encoded(e.shape()));
        }
      }
      case SpanStarted e -> {
        field(out, TYPE, START);
        field(out, SPAN, e.spanId());
        field(out, PARENT, e.parentId());
        field(out, NAME, e.name());
        field(out, KIND, e.kind());
        field(out, PATH, e.path());
        time(out, e.time(), scratch);
      }
      case SpanLogged e -> {
        field(out, TYPE, LOG);
        field(out, SPAN, e.spanId());
        time(out, e.time(), scratch);
        field(out, LEVEL, e.level().name());
        field(out, MESSAGE, e.message());
      }
      case SpanWaiting e -> {
        field(out, TYPE, WAIT);
        field(out, SPAN, e.spanId());
        field(out, TIME, time(e.time()));
        field(out, KEY, e.key());
        writeData(out, e.proposal());
      }
      case SpanEnded e -> {
        field(out, TYPE, END);
        field(out, SPAN, e.spanId());
        time(out, e.time(), scratch);
        field(out, STATUS, e.status().name());
        writeData(out, e.data());
        if (e.error() != null) {
          out.writeFieldName(ERROR);
          out.writeStartObject();
          field(out, TYPE, e.error().type());
          field(out, MESSAGE, e.error().message());
          field(out, STACK, e.error().stack());
          out.writeEndObject();
        }
        writeMap(out, e.attributes());
      }
      case Heartbeat e -> {
        field(out, TYPE, HEARTBEAT);
        time(out, e.time(), scratch);
      }
      case TraceEnded e -> {
        field(out, TYPE, TRACE_END);
        time(out, e.time(), scratch);
        field(out, STATUS, e.status().name());
        writeData(out, e.data());
      }
    }
    out.writeEndObject();
  }

  private static void field(JsonGenerator out, SerializedString name) throws IOException {
    out.writeFieldName(name);
  }

  private static void field(JsonGenerator out, SerializedString name, SerializedString value)
      throws IOException {
    out.writeFieldName(name);
    out.writeString(value);
  }

  private static void field(JsonGenerator out, SerializedString name, String value)
      throws IOException {
    out.writeFieldName(name);
    out.writeString(value);
  }

  private static void writeData(JsonGenerator out, JsonNode data) throws IOException {
    out.writeFieldName(DATA);
    writeValue(out, data);
  }

  /** Scalars directly (the common case, and hot); containers through Jackson. */
  private static void writeValue(JsonGenerator out, JsonNode value) throws IOException {
    if (value == null || value.isNull()) {
      out.writeNull();
    } else if (value.isTextual()) {
      out.writeString(value.textValue());
    } else if (value.isInt()) {
      out.writeNumber(value.intValue());
    } else if (value.isLong()) {
      out.writeNumber(value.longValue());
    } else if (value.isBoolean()) {
      out.writeBoolean(value.booleanValue());
    } else {
      out.writeTree(value);
    }
  }

  private static void writeMap(JsonGenerator out, Map<String, JsonNode> map) throws IOException {
    if (map != null && !map.isEmpty()) {
      out.writeFieldName(ATTRS);
      out.writeStartObject();
      for (Map.Entry<String, JsonNode> entry : map.entrySet()) {
        out.writeFieldName(entry.getKey());
        writeValue(out, entry.getValue());
      }
      out.writeEndObject();
    }
  }

  /**
   * Decodes one line; {@code traceId} is the id from the file's first line (null while reading that
   * line).
   *
   * @throws IllegalArgumentException when the line is not a valid event
   */
  static TraceEvent decode(String line, String traceId) {
    JsonNode node;
    try {
      node = TraceJson.MAPPER.readTree(line);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    String type = text(node, "type");
    Instant time = parseTime(text(node, "time"));
    return switch (type) {
      case "trace" -> {
        int version = node.path("v").asInt(0);
        if (version < 1 || version > VERSION) {
          throw new IllegalArgumentException("unsupported trace format version " + version);
        }
        JsonNode shape = version >= 2 && node.path("shape").isObject() ? node.get("shape") : null;
        yield new TraceStarted(
            text(node, "id"), time, text(node, "name"), map(node, "attrs"), shape);
      }
      case "start" ->
          new SpanStarted(
              traceId,
              time,
              text(node, "span"),
              node.path("parent").textValue(),
              text(node, "name"),
              text(node, "kind"),
              node.path("path").asText(""));
      case "log" ->
          new SpanLogged(
              traceId,
              time,
              text(node, "span"),
              LogLevel.valueOf(text(node, "level")),
              node.path("message").asText(""));
      case "wait" ->
          new SpanWaiting(
              traceId,
              time,
              text(node, "span"),
              node.path("key").asText(""),
              node.path("data").isMissingNode() ? NullNode.getInstance() : node.get("data"));
      case "end" -> {
        JsonNode error = node.get("error");
        yield new SpanEnded(
            traceId,
            time,
            text(node, "span"),
            Status.valueOf(text(node, "status")),
            node.path("data").isMissingNode() ? NullNode.getInstance() : node.get("data"),
            error == null || error.isNull()
                ? null
                : new ErrorInfo(
                    error.path("type").asText(),
                    error.path("message").textValue(),
                    error.path("stack").textValue()),
            map(node, "attrs"));
      }
      case "heartbeat" -> new Heartbeat(traceId, time);
      case "trace_end" ->
          new TraceEnded(
              traceId,
              time,
              Status.valueOf(text(node, "status")),
              node.path("data").isMissingNode() ? NullNode.getInstance() : node.get("data"));
      default -> throw new IllegalArgumentException("unknown event type '" + type + "'");
    };
  }

  /**
   * {@code 2026-11-22T00:48:12.031148Z}: always six fractional digits, written by hand (hot path).
   */
  static String time(Instant time) {
    char[] out = new char[27];
    return timeChars(time, out) ? new String(out) : TIME_FORMAT.format(time);
  }

  /** The {@code time} field, its chars written to {@code scratch} first (no String per event). */
  private static void time(JsonGenerator out, Instant time, char[] scratch) throws IOException {
    out.writeFieldName(TIME);
    if (timeChars(time, scratch)) {
      out.writeString(scratch, 0, 27);
    } else {
      out.writeString(TIME_FORMAT.format(time));
    }
  }

  /** Writes {@link #time}'s 27 chars to {@code out}; false outside years 0–9999. */
  static boolean timeChars(Instant time, char[] out) {
    long seconds = time.getEpochSecond();
    SecondPrefix prefix = lastSecond;
    if (prefix == null || prefix.epochSecond != seconds) {
      char[] chars = secondPrefix(seconds);
      if (chars == null) {
        return false;
      }
      prefix = new SecondPrefix(seconds, chars);
      lastSecond = prefix; // racy but safe: each holder is immutable and complete
    }
    System.arraycopy(prefix.chars, 0, out, 0, 20);
    digits(out, 20, time.getNano() / 1_000, 6);
    out[26] = 'Z';
    return true;
  }

  /** {@code yyyy-MM-ddTHH:mm:ss.} of one second: runs write many events within each second. */
  private record SecondPrefix(long epochSecond, char[] chars) {}

  private static volatile SecondPrefix lastSecond;

  /** The first 20 chars of {@link #time} for this second, or null outside years 0–9999. */
  private static char[] secondPrefix(long seconds) {
    long day = Math.floorDiv(seconds, 86_400);
    int secondOfDay = (int) Math.floorMod(seconds, 86_400);
    java.time.LocalDate date = java.time.LocalDate.ofEpochDay(day);
    int year = date.getYear();
    if (year < 0 || year > 9999) {
      return null;
    }
    char[] out = new char[20];
    digits(out, 0, year, 4);
    out[4] = '-';
    digits(out, 5, date.getMonthValue(), 2);
    out[7] = '-';
    digits(out, 8, date.getDayOfMonth(), 2);
    out[10] = 'T';
    digits(out, 11, secondOfDay / 3600, 2);
    out[13] = ':';
    digits(out, 14, secondOfDay / 60 % 60, 2);
    out[16] = ':';
    digits(out, 17, secondOfDay % 60, 2);
    out[19] = '.';
    return out;
  }

  /** The inverse of {@link #time}, by hand for its exact shape; anything else via the JDK. */
  static Instant parseTime(String text) {
    if (text.length() == 27
        && text.charAt(4) == '-'
        && text.charAt(7) == '-'
        && text.charAt(10) == 'T'
        && text.charAt(13) == ':'
        && text.charAt(16) == ':'
        && text.charAt(19) == '.'
        && text.charAt(26) == 'Z') {
      int year = number(text, 0, 4);
      int month = number(text, 5, 2);
      int day = number(text, 8, 2);
      int hour = number(text, 11, 2);
      int minute = number(text, 14, 2);
      int second = number(text, 17, 2);
      int micros = number(text, 20, 6);
      if (year >= 0
          && month >= 1
          && month <= 12
          && day >= 1
          && hour < 24
          && minute < 60
          && second < 60
          && micros >= 0
          && day <= java.time.YearMonth.of(year, month).lengthOfMonth()) {
        long days = java.time.LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(
            days * 86_400 + hour * 3_600L + minute * 60L + second, micros * 1_000L);
      }
    }
    return Instant.parse(text);
  }

  /** The decimal number in {@code text[at, at + width)}, or -1 when a character is no digit. */
  private static int number(String text, int at, int width) {
    int value = 0;
    for (int i = at; i < at + width; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static void digits(char[] out, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      out[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new IllegalArgumentException("missing text field '" + field + "'");
    }
    return value.textValue();
  }

  private static Map<String, JsonNode> map(JsonNode node, String field) {
    JsonNode attrs = node.get(field);
    if (attrs == null || !attrs.isObject()) {
      return Map.of();
    }
    Map<String, JsonNode> map = new LinkedHashMap<>();
    attrs.properties().forEach(e -> map.put(e.getKey(), e.getValue()));
    return map;
  }
}
