package dev.tasktree.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tasktree.trace.ErrorInfo;
import dev.tasktree.trace.Span;
import dev.tasktree.trace.SpanLog;
import dev.tasktree.trace.Trace;
import dev.tasktree.trace.TraceEvent;
import dev.tasktree.trace.TraceJson;
import dev.tasktree.trace.TraceSummary;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * The JSON the API answers with, written with a streaming generator so a trace of any size goes out
 * without an intermediate copy. Spans are sent flat, depth first in start order, each with its
 * parent id and depth: the tree without deep nesting, ready for a virtualised list.
 */
final class JsonViews {

  /** The mapper for everything this server writes and reads. */
  static final ObjectMapper JSON = TraceJson.newMapper();

  private JsonViews() {}

  static void summary(JsonGenerator g, IndexEntry e) throws IOException {
    g.writeStartObject();
    g.writeStringField("id", e.id());
    TraceSummary s = e.summary();
    if (s != null) {
      g.writeStringField("name", s.name());
      time(g, "start", s.start());
      g.writeNumberField("durationUs", s.duration().toNanos() / 1_000);
      g.writeStringField("status", s.status().name());
      g.writeNumberField("spanCount", s.spanCount());
      g.writeNumberField("errorCount", s.errorCount());
      g.writeNumberField("inputTokens", s.inputTokens());
      g.writeNumberField("outputTokens", s.outputTokens());
      g.writeNumberField("costUsd", s.costUsd());
      g.writeNumberField("corruptLines", s.corruptLines());
      g.writeArrayFieldStart("models");
      for (String m : s.models()) {
        g.writeString(m);
      }
      g.writeEndArray();
      g.writeObjectFieldStart("tags");
      for (Map.Entry<String, String> t : s.tags().entrySet()) {
        g.writeStringField(t.getKey(), t.getValue());
      }
      g.writeEndObject();
      g.writeBooleanField("unreadable", false);
    } else {
      g.writeNullField("name");
      time(g, "start", e.modified());
      g.writeNullField("status");
      g.writeBooleanField("unreadable", true);
      g.writeStringField("reason", e.unreadableReason());
    }
    g.writeNumberField("sizeBytes", e.size());
    g.writeEndObject();
  }

  /**
   * A whole trace: summary, result data, the byte offset it was read up to, the tree's static shape
   * (null for a v1 trace), the run's attributes from its first line ({@code {}} without any) and
   * all spans.
   */
  static void trace(
      JsonGenerator g, IndexEntry entry, Trace trace, long offset, TraceShape.Head head)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("id", entry.id());
    g.writeFieldName("summary");
    summary(g, new IndexEntry(entry.id(), entry.size(), entry.modified(), trace.summary(), null));
    g.writeFieldName("data");
    json(g, trace.data());
    g.writeNumberField("offset", offset);
    g.writeFieldName("shape");
    json(g, head.shape());
    runAttributes(g, head);
    g.writeArrayFieldStart("spans");
    Deque<Object[]> stack = new ArrayDeque<>();
    List<Span> roots = trace.roots();
    for (int i = roots.size() - 1; i >= 0; i--) {
      stack.push(new Object[] {roots.get(i), 0});
    }
    while (!stack.isEmpty()) {
      Object[] top = stack.pop();
      Span span = (Span) top[0];
      int depth = (Integer) top[1];
      span(g, span, depth);
      List<Span> children = span.children();
      for (int i = children.size() - 1; i >= 0; i--) {
        stack.push(new Object[] {children.get(i), depth + 1});
      }
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  static void span(JsonGenerator g, Span s, int depth) throws IOException {
    g.writeStartObject();
    g.writeStringField("id", s.spanId());
    g.writeStringField("parentId", s.parentId());
    g.writeNumberField("depth", depth);
    g.writeStringField("name", s.name());
    g.writeStringField("kind", s.kind());
    g.writeStringField("path", s.path());
    time(g, "start", s.start());
    time(g, "end", s.end());
    g.writeStringField("status", s.status().name());
    g.writeFieldName("data");
    json(g, s.data());
    error(g, s.error());
    g.writeArrayFieldStart("logs");
    for (SpanLog log : s.logs()) {
      g.writeStartObject();
      time(g, "time", log.time());
      g.writeStringField("level", log.level().name());
      g.writeStringField("message", log.message());
      g.writeEndObject();
    }
    g.writeEndArray();
    attributes(g, s.attributes());
    g.writeNumberField("childCount", s.children().size());
    g.writeEndObject();
  }

  /**
   * One event of a live trace as the UI applies it: {@code start} (a new span), {@code log}, {@code
   * wait} (an Approval began waiting), {@code end} (a span ended) or {@code trace_end}; null for
   * events the UI does not need.
   */
  static String event(TraceEvent event) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
      switch (event) {
        case TraceEvent.SpanStarted e -> {
          g.writeStartObject();
          g.writeStringField("type", "start");
          g.writeStringField("id", e.spanId());
          g.writeStringField("parentId", e.parentId());
          g.writeStringField("name", e.name());
          g.writeStringField("kind", e.kind());
          g.writeStringField("path", e.path());
          time(g, "start", e.time());
          g.writeEndObject();
        }
        case TraceEvent.SpanLogged e -> {
          g.writeStartObject();
          g.writeStringField("type", "log");
          g.writeStringField("id", e.spanId());
          time(g, "time", e.time());
          g.writeStringField("level", e.level().name());
          g.writeStringField("message", e.message());
          g.writeEndObject();
        }
        case TraceEvent.SpanWaiting e -> {
          g.writeStartObject();
          g.writeStringField("type", "wait");
          g.writeStringField("id", e.spanId());
          time(g, "time", e.time());
          g.writeStringField("key", e.key());
          g.writeFieldName("proposal");
          json(g, e.proposal());
          g.writeEndObject();
        }
        case TraceEvent.SpanEnded e -> {
          g.writeStartObject();
          g.writeStringField("type", "end");
          g.writeStringField("id", e.spanId());
          time(g, "end", e.time());
          g.writeStringField("status", e.status().name());
          g.writeFieldName("data");
          json(g, e.data());
          error(g, e.error());
          attributes(g, e.attributes());
          g.writeEndObject();
        }
        case TraceEvent.TraceEnded e -> {
          g.writeStartObject();
          g.writeStringField("type", "trace_end");
          time(g, "time", e.time());
          g.writeStringField("status", e.status().name());
          g.writeFieldName("data");
          json(g, e.data());
          g.writeEndObject();
        }
        case TraceEvent.TraceStarted e -> {
          return null;
        }
        case TraceEvent.Heartbeat e -> {
          return null;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static void error(JsonGenerator g, ErrorInfo error) throws IOException {
    if (error == null) {
      g.writeNullField("error");
      return;
    }
    g.writeObjectFieldStart("error");
    g.writeStringField("type", error.type());
    g.writeStringField("message", error.message());
    g.writeStringField("stack", error.stack());
    g.writeEndObject();
  }

  /** The run's attributes from the trace's first line, as {@code "attributes": {...}}. */
  static void runAttributes(JsonGenerator g, TraceShape.Head head) throws IOException {
    g.writeFieldName("attributes");
    if (head.attributes() == null) {
      g.writeStartObject();
      g.writeEndObject();
    } else {
      json(g, head.attributes());
    }
  }

  private static void attributes(JsonGenerator g, Map<String, JsonNode> attributes)
      throws IOException {
    g.writeObjectFieldStart("attributes");
    if (attributes != null) {
      for (Map.Entry<String, JsonNode> a : attributes.entrySet()) {
        g.writeFieldName(a.getKey());
        json(g, a.getValue());
      }
    }
    g.writeEndObject();
  }

  private static void json(JsonGenerator g, JsonNode node) throws IOException {
    if (node == null || node.isMissingNode()) {
      g.writeNull();
    } else {
      JSON.writeTree(g, node);
    }
  }

  /** An instant as ISO text plus epoch microseconds ({@code <name>Us}) for exact arithmetic. */
  private static void time(JsonGenerator g, String name, Instant t) throws IOException {
    if (t == null) {
      g.writeNullField(name);
      g.writeNullField(name + "Us");
      return;
    }
    g.writeStringField(name, t.toString());
    g.writeNumberField(name + "Us", t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000);
  }
}
