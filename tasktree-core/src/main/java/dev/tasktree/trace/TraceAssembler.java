package dev.tasktree.trace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.tasktree.spi.NodeInfo;
import dev.tasktree.trace.TraceEvent.Heartbeat;
import dev.tasktree.trace.TraceEvent.SpanEnded;
import dev.tasktree.trace.TraceEvent.SpanLogged;
import dev.tasktree.trace.TraceEvent.SpanStarted;
import dev.tasktree.trace.TraceEvent.SpanWaiting;
import dev.tasktree.trace.TraceEvent.TraceEnded;
import dev.tasktree.trace.TraceEvent.TraceStarted;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds a trace's events into a {@link Trace}. The one assembly used by the file reader and the
 * in-memory sink. Not thread-safe.
 */
final class TraceAssembler {

  private final Map<String, Building> spans = new HashMap<>();
  private final List<Building> roots = new ArrayList<>();
  private TraceStarted started;
  private TraceEnded ended;
  private Instant lastEvent;
  private int corruptLines;

  void corruptLine() {
    corruptLines++;
  }

  boolean hasStart() {
    return started != null;
  }

  String traceId() {
    return started == null ? null : started.traceId();
  }

  void accept(TraceEvent event) {
    if (lastEvent == null || event.time().isAfter(lastEvent)) {
      lastEvent = event.time();
    }
    switch (event) {
      case TraceStarted e -> started = e;
      case SpanStarted e -> {
        Building span = new Building(e);
        spans.put(e.spanId(), span);
        Building parent = e.parentId() == null ? null : spans.get(e.parentId());
        (parent == null ? roots : parent.children).add(span);
      }
      case SpanLogged e -> {
        Building span = spans.get(e.spanId());
        if (span != null) {
          span.logs.add(new SpanLog(e.time(), e.level(), e.message()));
        }
      }
      case SpanWaiting e -> {
        Building span = spans.get(e.spanId());
        if (span != null && span.end == null) {
          span.waiting = e;
        }
      }
      case SpanEnded e -> {
        Building span = spans.get(e.spanId());
        if (span != null && span.end == null) {
          span.end = e;
        }
      }
      case Heartbeat e -> {}
      case TraceEnded e -> ended = e;
    }
  }

  /**
   * The trace as known so far.
   *
   * @param now the reader's clock
   * @param staleAfter how long an unfinished trace may stay silent before it reads as interrupted
   */
  Trace build(Instant now, Duration staleAfter) {
    if (started == null) {
      throw new IllegalStateException("no trace start event");
    }
    Status openStatus;
    if (ended != null) {
      openStatus = Status.CANCELLED;
    } else if (lastEvent.plus(staleAfter).isBefore(now)) {
      openStatus = Status.INTERRUPTED;
    } else {
      openStatus = Status.RUNNING;
    }
    List<Span> rootSpans = new ArrayList<>();
    Totals totals = new Totals();
    for (Building root : roots) {
      rootSpans.add(root.freeze(openStatus, ended != null, totals));
    }
    Status status = ended != null ? ended.status() : openStatus;
    if (status == Status.RUNNING && totals.waiting > 0) {
      status = Status.WAITING; // live, and what it waits for is a person
    }
    Instant until = ended != null ? ended.time() : lastEvent;
    TraceSummary summary =
        new TraceSummary(
            started.traceId(),
            started.name(),
            started.time(),
            Duration.between(started.time(), until),
            status,
            totals.spans,
            totals.errors,
            totals.inputTokens,
            totals.outputTokens,
            totals.cost,
            corruptLines,
            SummaryFacets.models(totals.models),
            SummaryFacets.tags(started.attributes()));
    return new Trace(
        summary,
        ended == null ? NullNode.getInstance() : ended.data(),
        List.copyOf(rootSpans),
        shape());
  }

  /** The start event's shape, or null when it has none or it is not a shape. */
  private NodeInfo shape() {
    if (started.shape() == null) {
      return null;
    }
    try {
      return NodeInfo.fromJson(started.shape());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static final class Totals {
    int spans;
    int errors;
    long inputTokens;
    long outputTokens;
    double cost;
    int waiting;
    final java.util.Set<String> models = new java.util.HashSet<>();
  }

  private static final class Building {
    final SpanStarted start;
    final List<Building> children = new ArrayList<>();
    final List<SpanLog> logs = new ArrayList<>();
    SpanEnded end;
    SpanWaiting waiting;

    Building(SpanStarted start) {
      this.start = start;
    }

    Span freeze(Status openStatus, boolean traceEnded, Totals totals) {
      List<Span> kids = new ArrayList<>(children.size());
      for (Building child : children) {
        kids.add(child.freeze(openStatus, traceEnded, totals));
      }
      Map<String, JsonNode> attributes =
          end == null ? new LinkedHashMap<>() : new LinkedHashMap<>(end.attributes());
      if (end == null && traceEnded) {
        attributes.put(Attributes.ABANDONED, BooleanNode.TRUE);
      }
      Status status = end == null ? openStatus : end.status();
      if (waiting != null) {
        attributes.putIfAbsent(Attributes.APPROVAL_KEY, TextNode.valueOf(waiting.key()));
        attributes.putIfAbsent(Attributes.APPROVAL_PROPOSAL, waiting.proposal());
        if (end == null && openStatus == Status.RUNNING) {
          status = Status.WAITING;
          totals.waiting++;
        }
      }
      totals.spans++;
      if (end != null && end.error() != null) {
        totals.errors++;
      }
      totals.inputTokens +=
          attributes.getOrDefault(Attributes.INPUT_TOKENS, NullNode.getInstance()).asLong(0);
      totals.outputTokens +=
          attributes.getOrDefault(Attributes.OUTPUT_TOKENS, NullNode.getInstance()).asLong(0);
      totals.cost +=
          attributes.getOrDefault(Attributes.COST_USD, NullNode.getInstance()).asDouble(0);
      SummaryFacets.addModels(totals.models, attributes);
      return new Span(
          start.spanId(),
          start.parentId(),
          start.name(),
          start.kind(),
          start.path(),
          start.time(),
          end == null ? null : end.time(),
          status,
          end == null ? NullNode.getInstance() : end.data(),
          end == null ? null : end.error(),
          List.copyOf(logs),
          Collections.unmodifiableMap(attributes),
          List.copyOf(kids));
    }
  }
}
