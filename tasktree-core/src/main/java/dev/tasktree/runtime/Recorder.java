package dev.tasktree.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasktree.Result;
import dev.tasktree.trace.Attributes;
import dev.tasktree.trace.ErrorInfo;
import dev.tasktree.trace.LogLevel;
import dev.tasktree.trace.RedactionPolicy;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one run's node executions into trace events, every value cut to the run's {@link
 * ValueLimits} and redacted by its {@link RedactionPolicy} before any sink sees it. With tracing
 * off every call is a no-op — except warnings: {@link #log} is the one place a node's log line is
 * recorded, and it sends WARN and ERROR lines to SLF4J (logger {@code dev.tasktree.node}) as well,
 * trace or no trace.
 */
final class Recorder {

  private static final Logger NODE_LOG = LoggerFactory.getLogger("dev.tasktree.node");

  private final TraceSink sink;
  private final String traceId;
  private final Clock clock;
  private final ValueLimits limits;
  private final RedactionPolicy redaction;
  private final AtomicLong nextSpan = new AtomicLong();

  Recorder(
      TraceSink sink, String traceId, Clock clock, ValueLimits limits, RedactionPolicy redaction) {
    this.sink = sink.enabled() ? sink : null;
    if (this.sink != null) {
      // Loads the JSON machinery now, not on a cancellation path where a cold start could
      // outlast the cancel grace.
      TraceJson.toJson(null);
    }
    this.traceId = traceId;
    this.clock = clock;
    this.limits = limits;
    this.redaction = redaction;
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
    return TraceJson.toJson(value, limits, redaction);
  }

  /** Free text as a trace keeps it: cut to the limits, then redacted. */
  String text(String text) {
    return redaction.redactText(TraceJson.limitText(text, limits));
  }

  /**
   * Records a log line on {@code span}; WARN and ERROR also go to SLF4J with the run's trace id and
   * the node's path (redacted and cut like the trace's copy).
   *
   * @param path the node's path, or null when unknown (then the span's id is used)
   */
  void log(Span span, String path, LogLevel level, String message) {
    String text = text(message);
    if (level == LogLevel.WARN || level == LogLevel.ERROR) {
      String where = path != null ? path : "span " + span.id;
      if (level == LogLevel.ERROR) {
        NODE_LOG.error("[{}] {}: {}", traceId, where, text);
      } else {
        NODE_LOG.warn("[{}] {}: {}", traceId, where, text);
      }
    }
    if (span.recorder != null) {
      sink.emit(new TraceEvent.SpanLogged(traceId, clock.instant(), span.id, level, text));
    }
  }

  /** The error as recorded: message and stack cut to the limits and redacted. */
  private ErrorInfo error(Throwable cause) {
    ErrorInfo raw = ErrorInfo.of(cause);
    return new ErrorInfo(raw.type(), text(raw.message()), text(raw.stack()));
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
      map.put(
          key,
          recorder.redaction.redactField(
              key, TraceJson.toJson(value, recorder.limits, RedactionPolicy.none())));
    }

    /** Records that this span now waits for a decision under {@code key} on {@code proposal}. */
    void waiting(String key, Object proposal) {
      if (recorder != null && ended == 0) {
        recorder.sink.emit(
            new TraceEvent.SpanWaiting(
                recorder.traceId,
                recorder.clock.instant(),
                id,
                recorder.text(key),
                recorder.json(proposal)));
      }
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
              cause == null ? null : recorder.error(cause),
              attrs == null ? Map.of() : Map.copyOf(attrs)));
      return true;
    }

    void cancelled(String reason) {
      if (recorder != null && ended == 0) {
        attribute(Attributes.CANCEL_REASON, reason);
        end(Status.CANCELLED, null);
      }
    }

    /** Marks the span abandoned; the caller logs the warning ({@link Recorder#log}). */
    void abandoned(String reason) {
      if (recorder != null && ended == 0) {
        attribute(Attributes.ABANDONED, true);
        cancelled(reason);
      }
    }
  }
}
