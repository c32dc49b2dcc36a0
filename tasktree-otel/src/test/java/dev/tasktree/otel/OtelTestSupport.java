package dev.tasktree.otel;

import static org.awaitility.Awaitility.await;

import dev.tasktree.trace.InMemoryTraceSink;
import dev.tasktree.trace.TraceEvent;
import io.opentelemetry.proto.trace.v1.Span;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * One OTLP receiver and one {@link TaskTreeOtel} exporting to it over real OTLP/HTTP per test, plus
 * waiting helpers.
 */
abstract class OtelTestSupport {

  OtlpReceiver receiver;
  TaskTreeOtel otel;

  @BeforeEach
  void startReceiver() {
    receiver = OtlpReceiver.start();
    otel = configure(TaskTreeOtel.builder(receiver.endpoint(), Map.of())).build();
  }

  /** Subclasses may change the settings. */
  TaskTreeOtel.Builder configure(TaskTreeOtel.Builder builder) {
    return builder.traceUrlTemplate("http://jaeger.local:16686/trace/{traceId}");
  }

  @AfterEach
  void stopReceiver() {
    otel.close();
    receiver.close();
  }

  /** Flushes the SDK and waits until the receiver holds {@code count} spans of the trace. */
  List<Span> awaitTrace(String w3cTraceId, int count) {
    try {
      awaitCount(w3cTraceId, count);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(
          "expected "
              + count
              + " spans of "
              + w3cTraceId
              + ", received "
              + names(receiver.spans())
              + " in traces "
              + receiver.traceIds(),
          e);
    }
    return receiver.trace(w3cTraceId);
  }

  private void awaitCount(String w3cTraceId, int count) {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              otel.flush(Duration.ofSeconds(5));
              return receiver.trace(w3cTraceId).size() >= count;
            });
  }

  /** Flushes until a span matching {@code which} arrived. */
  Span awaitSpan(Predicate<Span> which) {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              otel.flush(Duration.ofSeconds(5));
              return receiver.spans().stream().anyMatch(which);
            });
    return receiver.spans().stream().filter(which).findFirst().orElseThrow();
  }

  /** The attributes recorded on the TaskTree trace's first event. */
  static Map<String, com.fasterxml.jackson.databind.JsonNode> startAttributes(
      InMemoryTraceSink traces, String traceId) {
    return traces.events(traceId).stream()
        .filter(TraceEvent.TraceStarted.class::isInstance)
        .map(e -> ((TraceEvent.TraceStarted) e).attributes())
        .findFirst()
        .orElseThrow();
  }

  /** The W3C trace id recorded on a TaskTree trace. */
  static String w3cTraceId(InMemoryTraceSink traces, String traceId) {
    return startAttributes(traces, traceId).get(OtelNames.TRACE_ID).asText();
  }

  static Span named(List<Span> spans, String name) {
    return spans.stream()
        .filter(s -> s.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no span named " + name + " in " + names(spans)));
  }

  static List<String> names(List<Span> spans) {
    return spans.stream().map(Span::getName).toList();
  }
}
