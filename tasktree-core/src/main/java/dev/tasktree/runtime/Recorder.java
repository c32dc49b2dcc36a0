package dev.tasktree.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasktree.Result;
import dev.tasktree.trace.Attributes;
import dev.tasktree.trace.ErrorInfo;
import dev.tasktree.trace.LogLevel;
import dev.tasktree.trace.Status;
import dev.tasktree.trace.TraceEvent;
import dev.tasktree.trace.TraceJson;
import dev.tasktree.trace.TraceSink;
import dev.tasktree.trace.ValueLimits;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/** Turns one run's node executions into trace events. With tracing off every call is a no-op. */
final class Recorder {

  private final TraceSink sink;
  private final String traceId;
  private final Clock clock;
  private final ValueLimits limits;
  private final AtomicLong nextSpan = new AtomicLong();

  Recorder(TraceSink sink, String traceId, Clock clock, ValueLimits limits) {
    this.sink = sink.enabled() ? sink : null;
    if (this.sink != null) {
      // Loads the JSON machinery now, not on a cancellation path where a cold start could
      // outlast the cancel grace.
      TraceJson.toJson(null);
    }
    this.traceId = traceId;
    this.clock = clock;
    this.limits = limits;
  }

  boolean enabled() {
    return sink != null;
  }

  void traceStarted(
      String name, Map<String, Object> attributes, java.util.function.Supplier<JsonNode> shape) {
    if (sink != null) {
      Map<String, JsonNode> attrs = new java.util.LinkedHashMap<>();
      attributes.forEach((key, value) -> attrs.put(key, json(value)));
      sink.emit(new TraceEvent.TraceStarted(traceId, clock.instant(), name, attrs, shape.get()));
    }
  }

  void traceEnded(Status status, Object data) {
    if (sink != null) {
      sink.emit(new TraceEvent.TraceEnded(traceId, clock.instant(), status, json(data)));
    }
  }

  Span start(Span parent, String name, String kind, String path) {
    if (sink == null) {
      return Span.NONE;
    }
    Span span = new Span(this, Long.toString(nextSpan.incrementAndGet()));
    sink.emit(
        new TraceEvent.SpanStarted(
            traceId,
            clock.instant(),
            span.id,
            parent == null ? null : parent.id,
            name,
            kind,
            path));
    return span;
  }

  JsonNode json(Object value) {
    return TraceJson.toJson(value, limits);
  }

  /**
   * One span being recorded. Safe to use from several threads: attributes are concurrent and the
   * first end wins (a cancelling node may end an abandoned child's span before the child does).
   */
  static final class Span {

    static final Span NONE = new Span(null, null);

    private static final AtomicIntegerFieldUpdater<Span> ENDED =
        AtomicIntegerFieldUpdater.newUpdater(Span.class, "ended");

    @SuppressWarnings("rawtypes")
    private static final AtomicReferenceFieldUpdater<Span, Map> ATTRIBUTES =
        AtomicReferenceFieldUpdater.newUpdater(Span.class, Map.class, "attributes");

    private final Recorder recorder;
    private final String id;
    private volatile int ended;
    // Created on the first attribute: most spans have none. Field updaters, not VarHandles:
    // they need no method-handle bootstrapping on a first (possibly cancellation) path.
    private volatile Map<String, JsonNode> attributes;
    private volatile Throwable error;

    private Span(Recorder recorder, String id) {
      this.recorder = recorder;
      this.id = id;
    }

    /** The span's id in its trace; null when tracing is off. */
    String id() {
      return id;
    }

    void log(LogLevel level, String message) {
      if (recorder != null) {
        recorder.sink.emit(
            new TraceEvent.SpanLogged(
                recorder.traceId, recorder.clock.instant(), id, level, message));
      }
    }

    @SuppressWarnings("unchecked")
    void attribute(String key, Object value) {
      if (recorder == null) {
        return;
      }
      Map<String, JsonNode> map = attributes;
      if (map == null) {
        ATTRIBUTES.compareAndSet(this, null, new ConcurrentHashMap<String, JsonNode>(4));
        map = attributes;
      }
      map.put(key, recorder.json(value));
    }

    /** Marks the exception that caused this span's failure (recorded at the end). */
    void error(Throwable cause) {
      this.error = cause;
    }

    boolean end(Result result) {
      return end(result.isOk() ? Status.OK : Status.FAIL, result.data());
    }

    boolean end(Status status, Object data) {
      if (recorder == null || !ENDED.compareAndSet(this, 0, 1)) {
        return false;
      }
      Throwable cause = error;
      Map<String, JsonNode> attrs = attributes;
      recorder.sink.emit(
          new TraceEvent.SpanEnded(
              recorder.traceId,
              recorder.clock.instant(),
              id,
              status,
              recorder.json(data),
              cause == null ? null : ErrorInfo.of(cause),
              attrs == null ? Map.of() : Map.copyOf(attrs)));
      return true;
    }

    void cancelled(String reason) {
      if (recorder != null && ended == 0) {
        attribute(Attributes.CANCEL_REASON, reason);
        end(Status.CANCELLED, null);
      }
    }

    void abandoned(String reason) {
      if (recorder != null && ended == 0) {
        attribute(Attributes.ABANDONED, true);
        log(LogLevel.WARN, "ignored interruption; abandoned: " + reason);
        cancelled(reason);
      }
    }
  }
}
