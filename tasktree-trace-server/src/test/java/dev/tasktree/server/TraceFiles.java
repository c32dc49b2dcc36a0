package dev.tasktree.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasktree.trace.TraceIds;
import dev.tasktree.trace.TraceJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Trace files written line by line in the JSONL format, for states a real run rarely leaves: a span
 * that never ended, a writer that died, a clock ahead of the browser's, a v2 shape.
 */
final class TraceFiles {

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = TraceJson.newMapper();

  private final String id;
  private final Instant t0;
  private final List<String> lines = new ArrayList<>();

  private TraceFiles(String name, Instant t0, JsonNode shape) {
    this.id = TraceIds.create(name, t0);
    this.t0 = t0;
    ObjectNode first = JSON.createObjectNode();
    first.put("v", 1).put("type", "trace").put("id", id).put("time", t0.toString());
    first.put("name", name);
    if (shape != null) {
      first.set("shape", shape);
    }
    lines.add(first.toString());
  }

  /** A trace of the tree {@code name} that starts at {@code t0}. */
  static TraceFiles trace(String name, Instant t0) {
    return new TraceFiles(name, t0, null);
  }

  /** A trace whose first line carries the tree's static shape. */
  static TraceFiles trace(String name, Instant t0, JsonNode shape) {
    return new TraceFiles(name, t0, shape);
  }

  String id() {
    return id;
  }

  /** Sets the trace's tags: the attributes of its first line. */
  TraceFiles tags(Map<String, ?> tags) {
    ObjectNode first;
    try {
      first = (ObjectNode) JSON.readTree(lines.getFirst());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    first.set("attrs", JSON.valueToTree(tags));
    lines.set(0, first.toString());
    return this;
  }

  private String at(long ms) {
    return t0.plus(Duration.ofMillis(ms)).toString();
  }

  TraceFiles start(long ms, String span, String parent, String name, String kind, String path) {
    ObjectNode n = JSON.createObjectNode();
    n.put("type", "start").put("time", at(ms)).put("span", span).put("parent", parent);
    n.put("name", name).put("kind", kind).put("path", path);
    lines.add(n.toString());
    return this;
  }

  TraceFiles end(long ms, String span, String status, Object data, Map<String, ?> attrs) {
    ObjectNode n = JSON.createObjectNode();
    n.put("type", "end").put("time", at(ms)).put("span", span).put("status", status);
    n.set("data", JSON.valueToTree(data));
    if (status.equals("FAIL")) {
      ObjectNode error = n.putObject("error");
      error.put("type", "java.lang.IllegalStateException").put("message", "failed: " + span);
      error.put("stack", "java.lang.IllegalStateException: failed\n\tat Fixture.run");
    }
    if (attrs != null && !attrs.isEmpty()) {
      n.set("attrs", JSON.valueToTree(attrs));
    }
    lines.add(n.toString());
    return this;
  }

  TraceFiles end(long ms, String span, String status) {
    return end(ms, span, status, null, null);
  }

  TraceFiles log(long ms, String span, String message) {
    ObjectNode n = JSON.createObjectNode();
    n.put("type", "log").put("time", at(ms)).put("span", span).put("level", "INFO");
    n.put("message", message);
    lines.add(n.toString());
    return this;
  }

  TraceFiles traceEnd(long ms, String status) {
    ObjectNode n = JSON.createObjectNode();
    n.put("type", "trace_end").put("time", at(ms)).put("status", status).putNull("data");
    lines.add(n.toString());
    return this;
  }

  /**
   * Writes {@code <id>.jsonl}; {@code quiet} back-dates the file so an unfinished trace is stale.
   */
  String write(Path dir, boolean quiet) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(id + ".jsonl");
    Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    if (quiet) {
      Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
    }
    return id;
  }

  /** A shape node: {@code {"kind", "name", "path", "details", "children"}}. */
  static ObjectNode node(String kind, String name, String path, ObjectNode... children) {
    ObjectNode n = JSON.createObjectNode();
    n.put("kind", kind).put("name", name).put("path", path);
    n.putObject("details");
    ArrayNode kids = n.putArray("children");
    for (ObjectNode c : children) {
      kids.add(c);
    }
    return n;
  }
}
