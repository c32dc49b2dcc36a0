package dev.tasktree.otel;

import static dev.tasktree.otel.OtlpReceiver.attributes;
import static dev.tasktree.otel.OtlpReceiver.id;
import static dev.tasktree.otel.OtlpReceiver.parentId;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tasktree.spi.RunInterceptor;
import dev.tasktree.trace.Status;
import dev.tasktree.trace.TraceEvent;
import dev.tasktree.trace.TraceSink;
import io.opentelemetry.proto.trace.v1.Span;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Work abandoned by a cancelling node may report after its parent — even after the run — ended: a
 * Timeout's child that passed its cancellation check just before the deadline starts its span late.
 * Those spans must still arrive, under the right parent, and end when the work does. (Found as a
 * flaky end-to-end test on a loaded machine; reproduced here event by event.)
 */
class LateEventsTest extends OtelTestSupport {

  private static final String TRACE = "20260101T000000000000Z-late-00000001";

  @Test
  void aChildThatStartsAfterItsForkingParentAndTheRunEndedStillNestsUnderTheParent()
      throws Exception {
    TraceSink sink = otel.traceSink();
    RunInterceptor.Run run = otel.runInterceptor().begin(TRACE, "Late");
    Map<String, Object> ids = run.traceAttributes();
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    sink.emit(new TraceEvent.TraceStarted(TRACE, t0, "Late", Map.of()));
    sink.emit(new TraceEvent.SpanStarted(TRACE, t0, "1", null, "Late", "Tree", "Late"));
    sink.emit(
        new TraceEvent.SpanStarted(TRACE, t0, "2", "1", "Timeout", "Timeout", "Late > Timeout"));
    // The fork's task thread continues the Timeout's span (what Fork does before the child runs).
    Thread task = Thread.ofVirtual().start(() -> run.enter("2").close());
    task.join();
    Instant t1 = t0.plusMillis(50);
    sink.emit(new TraceEvent.SpanEnded(TRACE, t1, "2", Status.FAIL, null, null, Map.of()));
    sink.emit(new TraceEvent.SpanEnded(TRACE, t1, "1", Status.FAIL, null, null, Map.of()));
    sink.emit(new TraceEvent.TraceEnded(TRACE, t1, Status.FAIL, null));
    run.end();
    // Now the abandoned child reports.
    Instant t2 = t0.plusMillis(180);
    sink.emit(
        new TraceEvent.SpanStarted(TRACE, t2, "3", "2", "slow", "Call", "Late > Timeout > slow"));
    sink.emit(
        new TraceEvent.SpanEnded(
            TRACE,
            t2.plusMillis(1),
            "3",
            Status.CANCELLED,
            null,
            null,
            Map.of(
                "tasktree.cancel_reason",
                com.fasterxml.jackson.databind.node.TextNode.valueOf("deadline"))));

    List<Span> spans = awaitTrace((String) ids.get(OtelNames.TRACE_ID), 3);
    Span slow = named(spans, "slow");
    assertThat(parentId(slow)).isEqualTo(id(named(spans, "Timeout")));
    assertThat(attributes(slow))
        .containsEntry("tasktree.status", "CANCELLED")
        .containsEntry("tasktree.cancel_reason", "deadline");
    assertThat(slow.getEndTimeUnixNano() - slow.getStartTimeUnixNano()).isEqualTo(1_000_000L);
    assertThat(otel.openRuns()).isZero();
  }
}
