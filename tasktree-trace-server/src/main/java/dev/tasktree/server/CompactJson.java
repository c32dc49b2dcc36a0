package dev.tasktree.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tasktree.trace.ErrorInfo;
import dev.tasktree.trace.Span;
import dev.tasktree.trace.SpanLog;
import dev.tasktree.trace.Trace;
import dev.tasktree.trace.TraceJson;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/traces/{id}?form=compact}: the same trace as {@link JsonViews#trace} in about a
 * third of the bytes, for big traces. Repeated strings (names, kinds, paths, statuses, log levels)
 * go once into {@code strings}; each span is an array instead of an object; times are microseconds
 * after {@code baseUs} (the run's start) and ISO texts are left out.
 *
 * <p>A span: {@code [id, parent, name, kind, path, start, end, status, data, error, logs, attrs]}
 * where {@code parent} is the index of the parent in {@code spans} (-1 for a root; spans are depth
 * first, so a parent always comes first), {@code name, kind, path, status} index {@code strings},
 * {@code end} is null while open, {@code error} is null or {@code [type, message, stack]}, {@code
 * logs} is 0 or {@code [[time, level, message], ...]} and {@code attrs} 0 or an object.
 */
final class CompactJson {

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = TraceJson.newMapper();

  private CompactJson() {}

  static void trace(
      JsonGenerator g, IndexEntry entry, Trace trace, long offset, TraceShape.Head head)
      throws IOException {
    long base = micros(trace.summary().start());
    Map<String, Integer> strings = new HashMap<>();
    List<String> table = new ArrayList<>();
    List<Span> order = new ArrayList<>(trace.summary().spanCount());
    Deque<Span> stack = new ArrayDeque<>();
    List<Span> roots = trace.roots();
    for (int i = roots.size() - 1; i >= 0; i--) {
      stack.push(roots.get(i));
    }
    while (!stack.isEmpty()) {
      Span span = stack.pop();
      order.add(span);
      List<Span> children = span.children();
      for (int i = children.size() - 1; i >= 0; i--) {
        stack.push(children.get(i));
      }
    }
    Map<String, Integer> byId = new HashMap<>();
    for (int i = 0; i < order.size(); i++) {
      byId.putIfAbsent(order.get(i).spanId(), i);
    }
    g.writeStartObject();
    g.writeStringField("form", "compact");
    g.writeStringField("id", entry.id());
    g.writeFieldName("summary");
    JsonViews.summary(
        g, new IndexEntry(entry.id(), entry.size(), entry.modified(), trace.summary(), null));
    g.writeFieldName("data");
    tree(g, trace.data());
    g.writeNumberField("offset", offset);
    g.writeFieldName("shape");
    tree(g, head.shape());
    JsonViews.runAttributes(g, head);
    g.writeNumberField("baseUs", base);
    g.writeArrayFieldStart("spans");
    for (Span s : order) {
      g.writeStartArray();
      g.writeString(s.spanId());
      Integer parent = s.parentId() == null ? null : byId.get(s.parentId());
      g.writeNumber(parent == null ? -1 : parent);
      g.writeNumber(intern(s.name(), strings, table));
      g.writeNumber(intern(s.kind(), strings, table));
      g.writeNumber(path(s, parent == null ? null : order.get(parent), strings, table));
      g.writeNumber(micros(s.start()) - base);
      if (s.end() == null) {
        g.writeNull();
      } else {
        g.writeNumber(micros(s.end()) - base);
      }
      g.writeNumber(intern(s.status().name(), strings, table));
      tree(g, s.data());
      error(g, s.error());
      if (s.logs().isEmpty()) {
        g.writeNumber(0);
      } else {
        g.writeStartArray();
        for (SpanLog log : s.logs()) {
          g.writeStartArray();
          g.writeNumber(micros(log.time()) - base);
          g.writeNumber(intern(log.level().name(), strings, table));
          g.writeString(log.message());
          g.writeEndArray();
        }
        g.writeEndArray();
      }
      if (s.attributes() == null || s.attributes().isEmpty()) {
        g.writeNumber(0);
      } else {
        g.writeStartObject();
        for (Map.Entry<String, JsonNode> a : s.attributes().entrySet()) {
          g.writeFieldName(a.getKey());
          tree(g, a.getValue());
        }
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    g.writeEndArray();
    g.writeArrayFieldStart("strings");
    for (String s : table) {
      g.writeString(s);
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  /** The span's path as a string index, or -(k + 1) for its parent's path + " > " + strings[k]. */
  private static int path(Span s, Span parent, Map<String, Integer> strings, List<String> table) {
    String path = s.path();
    String prefix = parent == null ? null : parent.path();
    if (path != null
        && prefix != null
        && path.length() > prefix.length() + 3
        && path.startsWith(prefix)
        && path.startsWith(" > ", prefix.length())) {
      return -(intern(path.substring(prefix.length() + 3), strings, table) + 1);
    }
    return intern(path, strings, table);
  }

  private static int intern(String value, Map<String, Integer> strings, List<String> table) {
    String v = value == null ? "" : value;
    Integer at = strings.get(v);
    if (at == null) {
      at = table.size();
      strings.put(v, at);
      table.add(v);
    }
    return at;
  }

  private static void error(JsonGenerator g, ErrorInfo error) throws IOException {
    if (error == null) {
      g.writeNull();
      return;
    }
    g.writeStartArray();
    g.writeString(error.type());
    g.writeString(error.message());
    g.writeString(error.stack());
    g.writeEndArray();
  }

  private static void tree(JsonGenerator g, JsonNode node) throws IOException {
    if (node == null || node.isMissingNode()) {
      g.writeNull();
    } else {
      JSON.writeTree(g, node);
    }
  }

  private static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
  }
}
