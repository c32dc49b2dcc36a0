package dev.tasktree.otel;

import static dev.tasktree.otel.OtlpReceiver.attributes;
import static dev.tasktree.otel.OtlpReceiver.id;
import static dev.tasktree.otel.OtlpReceiver.parentId;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tasktree.Result;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import dev.tasktree.trace.InMemoryTraceSink;
import dev.tasktree.trace.LogLevel;
import dev.tasktree.trace.Trace;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status.StatusCode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The OTel spans of a run mirror its TaskTree spans: tree, ids, names, times, status, events. */
class OtelSpanTreeTest extends OtelTestSupport {

  static final class Board {
    volatile int tries;
  }

  // spotless:off
  private static final Tree<Board> ANSWER = Tree.<Board>named("Answer")
      .sequence()
          .selector()
              .name("primary").call(b -> { throw new IllegalStateException("primary down"); })
              .retry(3)
                  .name("secondary").call((Board b, dev.tasktree.spi.NodeContext ctx) -> {
                    ctx.log(LogLevel.INFO, "try " + b.tries);
                    ctx.attribute("shard", 7);
                    return ++b.tries < 2 ? Result.fail("busy") : "42";
                  })
          .end()
          .log("answered")
      .end()
      .build();
  // spotless:on

  @Test
  void everyTaskTreeSpanArrivesAsOneOtelSpanWithTheSameTreeNamesTimesAndStatus() {
    InMemoryTraceSink traces = new InMemoryTraceSink();
    Result result =
        ANSWER.run(new Board(), otel.applyTo(RunOptions.defaults().withTraceSink(traces)));
    assertThat(result.isOk()).isTrue();

    Trace trace = traces.last();
    String traceId = trace.summary().traceId();
    String w3c = w3cTraceId(traces, traceId);
    List<dev.tasktree.trace.Span> ours =
        trace.roots().stream().flatMap(dev.tasktree.trace.Span::flatten).toList();
    List<Span> spans = awaitTrace(w3c, ours.size());

    assertThat(spans).hasSize(ours.size());
    assertThat(receiver.traceIds()).containsExactly(w3c);
    Map<String, Span> byTaskTreeId =
        spans.stream()
            .collect(
                Collectors.toMap(
                    s -> (String) attributes(s).get("tasktree.span_id"), Function.identity()));
    for (dev.tasktree.trace.Span span : ours) {
      Span otelSpan = byTaskTreeId.get(span.spanId());
      assertThat(otelSpan).as(span.path()).isNotNull();
      Map<String, Object> attrs = attributes(otelSpan);
      assertThat(otelSpan.getName()).isEqualTo(span.name());
      assertThat(attrs)
          .containsEntry("tasktree.node.kind", span.kind())
          .containsEntry("tasktree.node.path", span.path())
          .containsEntry("tasktree.status", span.status().name());
      if (span.parentId() == null) {
        // Started as the run begins, a few µs before the Tree span's stamp: its ids must be known
        // for the trace's first event.
        assertThat(otelSpan.getStartTimeUnixNano())
            .isLessThanOrEqualTo(nanos(span.start()))
            .isGreaterThan(nanos(span.start()) - TimeUnit.SECONDS.toNanos(1));
      } else {
        assertThat(otelSpan.getStartTimeUnixNano()).isEqualTo(nanos(span.start()));
      }
      assertThat(otelSpan.getEndTimeUnixNano()).isEqualTo(nanos(span.end()));
      if (span.parentId() == null) {
        assertThat(parentId(otelSpan)).isEmpty();
        assertThat(attrs).containsEntry("tasktree.trace_id", traceId);
      } else {
        assertThat(parentId(otelSpan)).isEqualTo(id(byTaskTreeId.get(span.parentId())));
      }
    }
    // The root's W3C span id is recorded too, and the backend link from the URL template.
    Span root = spans.stream().filter(s -> parentId(s).isEmpty()).findFirst().orElseThrow();
    assertThat(startAttributes(traces, traceId).get(OtelNames.SPAN_ID).asText())
        .isEqualTo(id(root));
    assertThat(startAttributes(traces, traceId).get(OtelNames.TRACE_URL).asText())
        .isEqualTo("http://jaeger.local:16686/trace/" + w3c);

    Span primary = named(spans, "primary");
    assertThat(primary.getStatus().getCode()).isEqualTo(StatusCode.STATUS_CODE_ERROR);
    assertThat(primary.getStatus().getMessage()).isEqualTo("primary down");
    assertThat(attributes(primary)).containsEntry("error.type", "java.lang.IllegalStateException");
    Span.Event exception =
        primary.getEventsList().stream()
            .filter(e -> e.getName().equals("exception"))
            .findFirst()
            .orElseThrow();
    assertThat(attributes(exception.getAttributesList()))
        .containsEntry("exception.type", "java.lang.IllegalStateException")
        .containsEntry("exception.message", "primary down");
    assertThat((String) attributes(exception.getAttributesList()).get("exception.stacktrace"))
        .contains("OtelSpanTreeTest");

    List<Span> attempts = spans.stream().filter(s -> s.getName().equals("secondary")).toList();
    assertThat(attempts).hasSize(2);
    assertThat(attempts)
        .extracting(s -> attributes(s).get("tasktree.attempt"))
        .containsExactlyInAnyOrder(0L, 1L);
    assertThat(attempts)
        .extracting(s -> s.getStatus().getCode())
        .containsExactlyInAnyOrder(StatusCode.STATUS_CODE_ERROR, StatusCode.STATUS_CODE_OK);
    assertThat(attempts)
        .allSatisfy(s -> assertThat(attributes(s)).containsEntry("tasktree.shard", 7L));
    Span first =
        attempts.stream()
            .filter(s -> attributes(s).get("tasktree.attempt").equals(0L))
            .findFirst()
            .orElseThrow();
    assertThat(first.getStatus().getMessage()).isEqualTo("busy");
    assertThat(first.getEventsList())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getName()).isEqualTo("log");
              assertThat(attributes(e.getAttributesList()))
                  .containsEntry("tasktree.log.level", "INFO")
                  .containsEntry("tasktree.log.message", "try 0");
            });
    assertThat(named(spans, "Answer").getStatus().getCode()).isEqualTo(StatusCode.STATUS_CODE_OK);
    assertThat(otel.openRuns()).isZero();
  }

  @Test
  void cancelledSpansAreNotErrorsAndSayWhy() {
    // spotless:off
    Tree<Board> tree = Tree.<Board>named("Deadline")
        .timeout(Duration.ofSeconds(2))
            .name("slow").call(b -> { TimeUnit.SECONDS.sleep(30); return "late"; })
        .build();
    // spotless:on
    InMemoryTraceSink traces = new InMemoryTraceSink();
    Result result =
        tree.run(new Board(), otel.applyTo(RunOptions.defaults().withTraceSink(traces)));
    assertThat(result.isOk()).isFalse();

    List<Span> spans = awaitTrace(w3cTraceId(traces, traces.last().summary().traceId()), 3);
    Span slow = named(spans, "slow");
    assertThat(slow.getStatus().getCode()).isEqualTo(StatusCode.STATUS_CODE_UNSET);
    assertThat(attributes(slow)).containsEntry("tasktree.status", "CANCELLED");
    assertThat((String) attributes(slow).get("tasktree.cancel_reason")).isNotBlank();
    assertThat(named(spans, "Timeout").getStatus().getCode())
        .isEqualTo(StatusCode.STATUS_CODE_ERROR);
  }

  @Test
  void twoConcurrentRunsAreTwoSeparateTraces() throws Exception {
    InMemoryTraceSink traces = new InMemoryTraceSink();
    RunOptions options = otel.applyTo(RunOptions.defaults().withTraceSink(traces));
    var one = ANSWER.start(new Board(), options);
    var two = ANSWER.start(new Board(), options);
    one.result().get(10, TimeUnit.SECONDS);
    two.result().get(10, TimeUnit.SECONDS);

    int perRun = traces.trace(one.traceId()).roots().getFirst().flatten().toList().size();
    List<Span> first = awaitTrace(w3cTraceId(traces, one.traceId()), perRun);
    List<Span> second = awaitTrace(w3cTraceId(traces, two.traceId()), perRun);
    assertThat(w3cTraceId(traces, one.traceId())).isNotEqualTo(w3cTraceId(traces, two.traceId()));
    assertThat(first).hasSize(perRun);
    assertThat(second).hasSize(perRun);
    assertThat(first).filteredOn(s -> parentId(s).isEmpty()).singleElement();
    assertThat(second).filteredOn(s -> parentId(s).isEmpty()).singleElement();
  }

  private static long nanos(Instant instant) {
    return TimeUnit.SECONDS.toNanos(instant.getEpochSecond()) + instant.getNano();
  }
}
