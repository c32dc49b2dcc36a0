package dev.tasktree.trace;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasktree.trace.TraceEvent.Heartbeat;
import dev.tasktree.trace.TraceEvent.SpanEnded;
import dev.tasktree.trace.TraceEvent.SpanLogged;
import dev.tasktree.trace.TraceEvent.SpanStarted;
import dev.tasktree.trace.TraceEvent.TraceEnded;
import dev.tasktree.trace.TraceEvent.TraceStarted;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one place that knows the JSON Lines shape of each event (format version {@value #VERSION}).
 */
final class TraceCodec {

  static final int VERSION = 1;

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private TraceCodec() {}

  static String encode(TraceEvent event) {
    ObjectNode line = NODES.objectNode();
    switch (event) {
      case TraceStarted e -> {
        line.put("v", VERSION).put("type", "trace").put("id", e.traceId()).put("name", e.name());
        line.put("time", time(e.time()));
        putMap(line, "attrs", e.attributes());
      }
      case SpanStarted e -> {
        line.put("type", "start").put("span", e.spanId()).put("parent", e.parentId());
        line.put("name", e.name()).put("kind", e.kind()).put("path", e.path());
        line.put("time", time(e.time()));
      }
      case SpanLogged e -> {
        line.put("type", "log").put("span", e.spanId()).put("time", time(e.time()));
        line.put("level", e.level().name()).put("message", e.message());
      }
      case SpanEnded e -> {
        line.put("type", "end").put("span", e.spanId()).put("time", time(e.time()));
        line.put("status", e.status().name());
        line.set("data", e.data() == null ? NullNode.getInstance() : e.data());
        if (e.error() != null) {
          ObjectNode error = line.putObject("error");
          error.put("type", e.error().type()).put("message", e.error().message());
          error.put("stack", e.error().stack());
        }
        putMap(line, "attrs", e.attributes());
      }
      case Heartbeat e -> line.put("type", "heartbeat").put("time", time(e.time()));
      case TraceEnded e -> {
        line.put("type", "trace_end").put("time", time(e.time()));
        line.put("status", e.status().name());
        line.set("data", e.data() == null ? NullNode.getInstance() : e.data());
      }
    }
    try {
      return TraceJson.MAPPER.writeValueAsString(line);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode trace event", e);
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
    Instant time = Instant.parse(text(node, "time"));
    return switch (type) {
      case "trace" -> {
        int version = node.path("v").asInt(0);
        if (version < 1 || version > VERSION) {
          throw new IllegalArgumentException("unsupported trace format version " + version);
        }
        yield new TraceStarted(text(node, "id"), time, text(node, "name"), map(node, "attrs"));
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

  static String time(Instant time) {
    return TIME.format(time);
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new IllegalArgumentException("missing text field '" + field + "'");
    }
    return value.textValue();
  }

  private static void putMap(ObjectNode line, String field, Map<String, JsonNode> map) {
    if (map != null && !map.isEmpty()) {
      ObjectNode attrs = line.putObject(field);
      map.forEach(attrs::set);
    }
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
