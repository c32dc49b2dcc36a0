package dev.tasktree.otel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasktree.spi.RunInterceptor;
import dev.tasktree.trace.ErrorInfo;
import dev.tasktree.trace.Status;
import dev.tasktree.trace.TraceEvent;
import dev.tasktree.trace.TraceSink;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One OpenTelemetry span per TaskTree span, live: started when the node starts, logs added as span
 * events, attributes mapped and status set when it ends. Also the run interceptor that makes those
 * spans current on the run's threads, and records the W3C ids on the trace's first event.
 */
final class OtelTraceSink implements TraceSink, RunInterceptor {

  private static final AttributeKey<String> LOG_LEVEL =
      AttributeKey.stringKey("tasktree.log.level");
  private static final AttributeKey<String> LOG_MESSAGE =
      AttributeKey.stringKey("tasktree.log.message");
  private static final AttributeKey<String> EXCEPTION_TYPE =
      AttributeKey.stringKey("exception.type");
  private static final AttributeKey<String> EXCEPTION_MESSAGE =
      AttributeKey.stringKey("exception.message");
  private static final AttributeKey<String> EXCEPTION_STACK =
      AttributeKey.stringKey("exception.stacktrace");

  private final Tracer tracer;
  private final OtelMetrics metrics;
  private final AttributeMapping mapping;
  private final boolean captureContent;
  private final String traceUrlTemplate;
  private final Map<String, RunSpans> runs = new ConcurrentHashMap<>();
  private final RecentRuns ended = new RecentRuns(256);

  OtelTraceSink(
      Tracer tracer, OtelMetrics metrics, boolean captureContent, String traceUrlTemplate) {
    this.tracer = tracer;
    this.metrics = metrics;
    this.mapping = new AttributeMapping(captureContent);
    this.captureContent = captureContent;
    this.traceUrlTemplate = traceUrlTemplate;
  }

  @Override
  public RunInterceptor.Run begin(String traceId, String treeName) {
    RunSpans run = new RunSpans(this, traceId, treeName, Context.current());
    runs.put(traceId, run);
    return run;
  }

  /** Runs being exported now (for tests: none may stay behind). */
  int openRuns() {
    return runs.size();
  }

  /** A live run, or one that ended recently (an abandoned node may still be reporting). */
  private RunSpans run(String traceId) {
    RunSpans run = runs.get(traceId);
    return run != null ? run : ended.get(traceId);
  }

  @Override
  public void emit(TraceEvent event) {
    switch (event) {
      case TraceEvent.TraceStarted started ->
          runs.computeIfAbsent(
              started.traceId(), id -> new RunSpans(this, id, started.name(), Context.current()));
      case TraceEvent.SpanStarted started -> spanStarted(started);
      case TraceEvent.SpanLogged logged -> spanLogged(logged);
      case TraceEvent.SpanWaiting waiting -> spanWaiting(waiting);
      case TraceEvent.SpanEnded ended -> spanEnded(ended);
      case TraceEvent.TraceEnded end -> {
        RunSpans run = runs.get(end.traceId());
        if (run != null) {
          runEnded(run, end.time());
        }
      }
      case TraceEvent.Heartbeat heartbeat -> {}
    }
  }

  /** Starts the run's root span ahead of its first event; returns the ids to record there. */
  Map<String, Object> startRoot(RunSpans run) {
    Span root =
        tracer
            .spanBuilder(run.treeName)
            .setParent(run.parent)
            .setSpanKind(SpanKind.INTERNAL)
            .setAttribute(OtelNames.TASKTREE_TRACE_ID, run.traceId)
            .startSpan();
    run.root = root;
    SpanContext ids = root.getSpanContext();
    if (!ids.isValid()) {
      return Map.of();
    }
    Map<String, Object> attributes = new LinkedHashMap<>();
    attributes.put(OtelNames.TRACE_ID, ids.getTraceId());
    attributes.put(OtelNames.SPAN_ID, ids.getSpanId());
    if (traceUrlTemplate != null && ids.isSampled()) {
      attributes.put(
          OtelNames.TRACE_URL,
          traceUrlTemplate
              .replace("{traceId}", ids.getTraceId())
              .replace("{spanId}", ids.getSpanId())
              .replace("{tasktreeTraceId}", run.traceId));
    }
    return attributes;
  }

  private void spanStarted(TraceEvent.SpanStarted event) {
    RunSpans run = run(event.traceId());
    if (run == null) {
      return; // never begun here, or ended long ago
    }
    Span span;
    Context parent;
    if (event.parentId() == null) {
      parent = run.parent;
      span = run.root;
      run.root = null;
      if (span == null) {
        span =
            tracer
                .spanBuilder(event.name())
                .setParent(parent)
                .setStartTimestamp(event.time())
                .setAttribute(OtelNames.TASKTREE_TRACE_ID, run.traceId)
                .startSpan();
      }
    } else {
      parent = run.childContext(event.parentId());
      span =
          tracer
              .spanBuilder(event.name())
              .setParent(parent)
              .setSpanKind(isModelCall(event.kind()) ? SpanKind.CLIENT : SpanKind.INTERNAL)
              .setStartTimestamp(event.time())
              .startSpan();
    }
    span.setAttribute(OtelNames.NODE_KIND, event.kind());
    span.setAttribute(OtelNames.NODE_NAME, event.name());
    if (event.path() != null) {
      span.setAttribute(OtelNames.NODE_PATH, event.path());
    }
    span.setAttribute(OtelNames.TASKTREE_SPAN_ID, event.spanId());
    run.open.put(
        event.spanId(),
        new RunSpans.Open(
            span,
            parent.with(span),
            event.kind(),
            event.name(),
            event.time(),
            Thread.currentThread().threadId()));
  }

  private static boolean isModelCall(String kind) {
    return "llm".equalsIgnoreCase(kind);
  }

  private void spanLogged(TraceEvent.SpanLogged event) {
    RunSpans run = run(event.traceId());
    RunSpans.Open open = run == null ? null : run.open.get(event.spanId());
    if (open == null) {
      return;
    }
    open.span()
        .addEvent(
            "log",
            Attributes.of(LOG_LEVEL, event.level().name(), LOG_MESSAGE, event.message()),
            event.time());
    metrics.logged(open.kind(), event.level(), event.message());
  }

  /** An Approval began waiting: an event on its span (the end carries the outcome). */
  private void spanWaiting(TraceEvent.SpanWaiting event) {
    RunSpans run = run(event.traceId());
    RunSpans.Open open = run == null ? null : run.open.get(event.spanId());
    if (open != null) {
      open.span()
          .addEvent(
              "waiting",
              Attributes.of(
                  AttributeKey.stringKey(dev.tasktree.trace.Attributes.APPROVAL_KEY), event.key()),
              event.time());
    }
  }

  private void spanEnded(TraceEvent.SpanEnded event) {
    RunSpans run = run(event.traceId());
    RunSpans.Open open = run == null ? null : run.open.remove(event.spanId());
    if (open == null) {
      return;
    }
    Span span = open.span();
    Map<String, JsonNode> attrs = event.attributes();
    AttributesBuilder out = Attributes.builder();
    mapping.apply(attrs, out);
    out.put(OtelNames.STATUS, event.status().name());
    nameByConvention(span, open.kind(), attrs, out);
    ErrorInfo error = event.error();
    switch (event.status()) {
      case OK -> span.setStatus(StatusCode.OK);
      case FAIL -> {
        String description = error != null ? error.message() : failureText(event.data());
        span.setStatus(StatusCode.ERROR, description == null ? "FAIL" : description);
        if (!attrs.containsKey(OtelNames.ERROR_TYPE)) {
          out.put(OtelNames.ERROR_TYPE, error != null ? error.type() : "FAIL");
        }
      }
      default -> {} // CANCELLED / WAITING: not errors (a lost race, a deadline, an approval)
    }
    if (error != null) {
      AttributesBuilder exception = Attributes.builder().put(EXCEPTION_TYPE, error.type());
      if (error.message() != null) {
        exception.put(EXCEPTION_MESSAGE, error.message());
      }
      if (error.stack() != null) {
        exception.put(EXCEPTION_STACK, error.stack());
      }
      span.addEvent("exception", exception.build(), event.time());
    }
    if (captureContent && event.data() != null && !event.data().isNull()) {
      out.put(OtelNames.DATA, event.data().toString());
    }
    span.setAllAttributes(out.build());
    span.end(event.time());
    metrics.spanEnded(open.kind(), open.name(), event.status(), seconds(open, event.time()), attrs);
  }

  /** GenAI span names: {@code chat gpt-4o} for a model call, {@code execute_tool search}. */
  private static void nameByConvention(
      Span span, String kind, Map<String, JsonNode> attrs, AttributesBuilder out) {
    JsonNode operation = attrs.get(OtelNames.GEN_AI_OPERATION);
    JsonNode tool = attrs.get(OtelNames.GEN_AI_TOOL_NAME);
    if ("Tool".equals(kind) && tool != null) {
      out.put(OtelNames.GEN_AI_OPERATION, "execute_tool");
      span.updateName("execute_tool " + tool.asText());
    } else if (operation != null) {
      JsonNode model = attrs.get(dev.tasktree.trace.Attributes.REQUEST_MODEL);
      span.updateName(operation.asText() + (model == null ? "" : " " + model.asText()));
    }
  }

  private static String failureText(JsonNode data) {
    return data != null && data.isTextual() ? data.textValue() : null;
  }

  private static double seconds(RunSpans.Open open, Instant end) {
    return Duration.between(open.start(), end).toNanos() / 1e9;
  }

  /**
   * The run is over. Spans still open belong to abandoned work that may yet end (or start late):
   * the run stays reachable among the recently ended ones, and when it leaves them its spans still
   * open end as RUNNING.
   */
  void runEnded(RunSpans run, Instant time) {
    if (!runs.remove(run.traceId, run)) {
      return;
    }
    Span root = run.root;
    if (root != null) {
      root.end(time == null ? Instant.now() : time); // started ahead, never adopted
    }
    ended.put(run);
  }

  /** Ends what a forgotten run left open. */
  static void forget(RunSpans run) {
    Instant now = Instant.now();
    for (RunSpans.Open open : run.open.values()) {
      open.span().setAttribute(OtelNames.STATUS, Status.RUNNING.name());
      open.span().end(now);
    }
    run.open.clear();
  }

  @Override
  public String toString() {
    return "OpenTelemetry";
  }
}
