package dev.tasktree.trace;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;

/**
 * One entry of a trace's append-only event log. A run emits {@link TraceStarted}, then {@link
 * SpanStarted}, {@link SpanLogged}, {@link SpanWaiting} and {@link SpanEnded} events as nodes
 * execute, {@link Heartbeat}s while it is open, and {@link TraceEnded} last. Values are already
 * JSON snapshots, so an event never changes after it is created. The line format is in {@code
 * docs/trace-format.md}.
 */
public sealed interface TraceEvent {

  /** The trace this event belongs to. */
  String traceId();

  /** When the event happened (UTC). */
  Instant time();

  /** This event as one line of the trace file format (no trailing newline). */
  default String toJsonLine() {
    return TraceCodec.encode(this);
  }

  /**
   * Parses one line of a trace file.
   *
   * @param traceId the id from the file's first line (null when parsing that line)
   * @throws IllegalArgumentException when the line is not a valid event
   */
  static TraceEvent parse(String line, String traceId) {
    return TraceCodec.decode(line, traceId);
  }

  /**
   * The run began.
   *
   * @param shape the tree's static shape ({@code NodeInfo.toJson()}), or null when unknown (format
   *     version 1, or an event not written by a tree run); do not modify it
   */
  record TraceStarted(
      String traceId, Instant time, String name, Map<String, JsonNode> attributes, JsonNode shape)
      implements TraceEvent {

    /** A start without a shape. */
    public TraceStarted(
        String traceId, Instant time, String name, Map<String, JsonNode> attributes) {
      this(traceId, time, name, attributes, null);
    }
  }

  /** A node began executing; {@code parentId} is null for the root span. */
  record SpanStarted(
      String traceId,
      Instant time,
      String spanId,
      String parentId,
      String name,
      String kind,
      String path)
      implements TraceEvent {}

  /** A log line on a running span. */
  record SpanLogged(String traceId, Instant time, String spanId, LogLevel level, String message)
      implements TraceEvent {}

  /**
   * A running node began waiting for a person's decision (an Approval): until the span ends it
   * reads as {@link Status#WAITING}.
   *
   * @param key the approval key a decision is delivered under
   * @param proposal what is put up for approval (JSON, cut and redacted like span data)
   */
  record SpanWaiting(String traceId, Instant time, String spanId, String key, JsonNode proposal)
      implements TraceEvent {}

  /** A node finished; {@code error} is null unless an exception was recorded. */
  record SpanEnded(
      String traceId,
      Instant time,
      String spanId,
      Status status,
      JsonNode data,
      ErrorInfo error,
      Map<String, JsonNode> attributes)
      implements TraceEvent {}

  /** Written while a run is open, so a reader can tell a live run from a dead process. */
  record Heartbeat(String traceId, Instant time) implements TraceEvent {}

  /** The run finished with the root's status and data. */
  record TraceEnded(String traceId, Instant time, Status status, JsonNode data)
      implements TraceEvent {}
}
