package dev.tasktree.trace;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One execution of one node, as read back from a trace: ids, names, times, status, result data,
 * error, logs, attributes and child spans in start order.
 *
 * @param spanId the span's id, unique within its trace
 * @param parentId the parent span's id, null for a root
 * @param name the node's name
 * @param kind the node's kind (Sequence, Retry, Call, LLM, ...)
 * @param path the node's path from the tree root, e.g. {@code Answer > Sequence > Selector[0]}
 * @param start when the node started
 * @param end when it ended, null while it runs
 * @param status its status
 * @param data its result data as JSON (null node when none)
 * @param error the recorded exception, or null
 * @param logs its log lines in order
 * @param attributes its typed attributes
 * @param children its child spans in start order
 */
public record Span(
    String spanId,
    String parentId,
    String name,
    String kind,
    String path,
    Instant start,
    Instant end,
    Status status,
    JsonNode data,
    ErrorInfo error,
    List<SpanLog> logs,
    Map<String, JsonNode> attributes,
    List<Span> children) {

  /** How long the span ran; up to {@code end}, or zero while it has no end. */
  public Duration duration() {
    return end == null ? Duration.ZERO : Duration.between(start, end);
  }

  /** An attribute, or null. */
  public JsonNode attribute(String key) {
    return attributes.get(key);
  }

  /** This span and all its descendants, depth first in start order. */
  public Stream<Span> flatten() {
    return Stream.concat(Stream.of(this), children.stream().flatMap(Span::flatten));
  }
}
