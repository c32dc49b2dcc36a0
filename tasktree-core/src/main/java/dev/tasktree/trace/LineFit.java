package dev.tasktree.trace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.tasktree.trace.TraceEvent.Heartbeat;
import dev.tasktree.trace.TraceEvent.SpanEnded;
import dev.tasktree.trace.TraceEvent.SpanLogged;
import dev.tasktree.trace.TraceEvent.SpanStarted;
import dev.tasktree.trace.TraceEvent.SpanWaiting;
import dev.tasktree.trace.TraceEvent.TraceEnded;
import dev.tasktree.trace.TraceEvent.TraceStarted;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Makes an event that encodes longer than {@link TraceFormat#MAX_LINE_BYTES} fit: every value of
 * the event (data, attributes and their names, messages, error text, names and paths) is cut to
 * ever smaller {@link ValueLimits}, with the usual visible markers, until the line fits; if even
 * the smallest limits do not suffice, the values are replaced by one marker saying how long the
 * event was. Ids, times, kinds and statuses are never cut, so the span tree stays intact.
 */
final class LineFit {

  /** Halved strings, items and depth per step, down to the smallest limits a value may have. */
  private static final int STEPS = 12;

  private LineFit() {}

  /** The event's line after cutting; never longer than the maximum. */
  static byte[] fit(TraceEvent event, int originalBytes) {
    int chars = ValueLimits.DEFAULT.maxStringChars();
    int items = ValueLimits.DEFAULT.maxItems();
    int depth = ValueLimits.DEFAULT.maxDepth();
    for (int step = 0; step < STEPS; step++) {
      ValueLimits limits =
          new ValueLimits(
              Math.max(16, chars >> step), Math.max(1, items >> step), Math.max(1, depth >> step));
      byte[] line = TraceCodec.encodeLine(cut(event, limits, null));
      if (line.length <= TraceFormat.MAX_LINE_BYTES) {
        return line;
      }
    }
    String marker =
        "…[truncated: an event of "
            + originalBytes
            + " bytes exceeded the "
            + TraceFormat.MAX_LINE_BYTES
            + "-byte line limit]";
    return TraceCodec.encodeLine(cut(event, new ValueLimits(16, 1, 1), marker));
  }

  /** The event with its values cut to {@code limits}, or all replaced by {@code marker}. */
  private static TraceEvent cut(TraceEvent event, ValueLimits limits, String marker) {
    return switch (event) {
      case TraceStarted e ->
          new TraceStarted(
              e.traceId(), e.time(), text(e.name(), limits), map(e.attributes(), limits, marker));
      case SpanStarted e ->
          new SpanStarted(
              e.traceId(),
              e.time(),
              e.spanId(),
              e.parentId(),
              text(e.name(), limits),
              text(e.kind(), limits),
              text(e.path(), limits));
      case SpanLogged e ->
          new SpanLogged(
              e.traceId(),
              e.time(),
              e.spanId(),
              e.level(),
              marker != null ? marker : text(e.message(), limits));
      case SpanEnded e ->
          new SpanEnded(
              e.traceId(),
              e.time(),
              e.spanId(),
              e.status(),
              value(e.data(), limits, marker),
              e.error() == null
                  ? null
                  : new ErrorInfo(
                      text(e.error().type(), limits),
                      marker != null ? marker : text(e.error().message(), limits),
                      marker != null ? null : text(e.error().stack(), limits)),
              map(e.attributes(), limits, marker));
      case SpanWaiting e ->
          new SpanWaiting(
              e.traceId(),
              e.time(),
              e.spanId(),
              text(e.key(), limits),
              value(e.proposal(), limits, marker));
      case Heartbeat e -> e;
      case TraceEnded e ->
          new TraceEnded(e.traceId(), e.time(), e.status(), value(e.data(), limits, marker));
    };
  }

  private static String text(String text, ValueLimits limits) {
    return TraceJson.limitText(text, limits);
  }

  private static JsonNode value(JsonNode value, ValueLimits limits, String marker) {
    if (value == null || value.isNull()) {
      return value;
    }
    return marker != null
        ? new TextNode(marker)
        : TraceJson.toJson(value, limits, RedactionPolicy.none());
  }

  private static Map<String, JsonNode> map(
      Map<String, JsonNode> map, ValueLimits limits, String marker) {
    if (map == null || map.isEmpty()) {
      return map;
    }
    Map<String, JsonNode> out = new LinkedHashMap<>();
    if (marker != null) {
      out.put("…", new TextNode(marker));
      return out;
    }
    for (Map.Entry<String, JsonNode> entry : map.entrySet()) {
      if (out.size() == limits.maxItems()) {
        out.put("…", new TextNode("[truncated: " + map.size() + " attributes]"));
        break;
      }
      out.put(text(entry.getKey(), limits), value(entry.getValue(), limits, null));
    }
    return out;
  }
}
