package dev.tasktree.otel;

import static dev.tasktree.otel.OtlpReceiver.attributes;
import static dev.tasktree.otel.OtlpReceiver.id;
import static dev.tasktree.otel.OtlpReceiver.parentId;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tasktree.Result;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import dev.tasktree.trace.InMemoryTraceSink;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Context: a run inherits the caller's current span, every node's code — on whichever thread — sees
 * its own span as current, so spans of instrumented libraries nest under the node.
 */
class OtelContextTest extends OtelTestSupport {

  record Item(int n) {}

  static final class Order {
    final java.util.concurrent.CountDownLatch slowStarted =
        new java.util.concurrent.CountDownLatch(1);

    List<Item> items() {
      return IntStream.range(0, 6).mapToObj(Item::new).toList();
    }
  }

  /** What an instrumented JDBC/HTTP client does: a span under whatever is current. */
  private Object instrumentedCall(String name) {
    Tracer library = otel.openTelemetry().getTracer("jdbc-like");
    Span span = library.spanBuilder(name).setSpanKind(SpanKind.CLIENT).startSpan();
    span.end();
    return name;
  }

  @Test
  void aRunStartedUnderAServerSpanBecomesItsChildInTheSameTrace() throws Exception {
    Tracer server = otel.openTelemetry().getTracer("http-server");
    Span request = server.spanBuilder("GET /answer").setSpanKind(SpanKind.SERVER).startSpan();
    Tree<Order> tree = Tree.<Order>named("Handle").name("work").call(o -> "ok").build();
    InMemoryTraceSink traces = new InMemoryTraceSink();
    RunOptions options = otel.applyTo(RunOptions.defaults().withTraceSink(traces));
    String startedId;
    try (Scope scope = request.makeCurrent()) {
      tree.run(new Order(), options);
      // start() hands the run to a virtual thread: the caller's context still is the parent.
      startedId = tree.start(new Order(), options).traceId();
    } finally {
      request.end();
    }
    String requestTrace = request.getSpanContext().getTraceId();
    List<io.opentelemetry.proto.trace.v1.Span> spans = awaitTrace(requestTrace, 1 + 2 * 2);

    assertThat(receiver.traceIds()).containsExactly(requestTrace);
    List<io.opentelemetry.proto.trace.v1.Span> roots =
        spans.stream().filter(s -> s.getName().equals("Handle")).toList();
    assertThat(roots)
        .hasSize(2)
        .allSatisfy(
            root -> assertThat(parentId(root)).isEqualTo(request.getSpanContext().getSpanId()));
    assertThat(w3cTraceId(traces, traces.traceIds().getFirst())).isEqualTo(requestTrace);
    assertThat(w3cTraceId(traces, startedId)).isEqualTo(requestTrace);
  }

  @Test
  void nodeCodeOnGatherParallelRaceAndTimeoutThreadsSeesItsOwnSpanAsCurrent() {
    // spotless:off
    Tree<Item> perItem = Tree.<Item>named("Item")
        .name("lookup").call(item -> instrumentedCall("SELECT item " + item.n()))
        .build();
    Tree<Order> tree = Tree.<Order>named("Fan")
        .sequence()
            .gather(Order::items, perItem)
            .parallel()
                .name("left").call(o -> instrumentedCall("GET left"))
                .name("right").call(o -> instrumentedCall("GET right"))
            .end()
            .race()
                .name("fast").call(o -> { o.slowStarted.await(); return instrumentedCall("GET fast"); })
                .name("slow").call(o -> { o.slowStarted.countDown(); TimeUnit.SECONDS.sleep(30); return "late"; })
            .end()
            .timeout(Duration.ofSeconds(10))
                .name("bounded").call(o -> instrumentedCall("GET bounded"))
        .end()
        .build();
    // spotless:on
    InMemoryTraceSink traces = new InMemoryTraceSink();
    Result result =
        tree.run(new Order(), otel.applyTo(RunOptions.defaults().withTraceSink(traces)));
    assertThat(result.isOk()).isTrue();

    String w3c = w3cTraceId(traces, traces.last().summary().traceId());
    int taskTreeSpans = traces.last().roots().getFirst().flatten().toList().size();
    List<io.opentelemetry.proto.trace.v1.Span> spans = awaitTrace(w3c, taskTreeSpans + 6 + 4);

    assertThat(receiver.traceIds()).containsExactly(w3c);
    List<io.opentelemetry.proto.trace.v1.Span> lookups =
        spans.stream().filter(s -> s.getName().equals("lookup")).toList();
    assertThat(lookups).hasSize(6);
    for (int n = 0; n < 6; n++) {
      var sql = named(spans, "SELECT item " + n);
      assertThat(lookups).extracting(OtlpReceiver::id).contains(parentId(sql));
    }
    for (String node : List.of("left", "right", "fast", "bounded")) {
      var call = named(spans, "GET " + node);
      assertThat(parentId(call)).as(node).isEqualTo(id(named(spans, node)));
    }
    assertThat(attributes(named(spans, "slow"))).containsEntry("tasktree.status", "CANCELLED");
    // Nothing leaks onto the caller's thread after the run.
    assertThat(Span.current().getSpanContext().isValid()).isFalse();
    assertThat(Context.current()).isSameAs(Context.root());
  }

  @Test
  void withoutTheInterceptorTheSinkAloneStillExportsOneTreeUnderTheRunThreadsContext() {
    Tree<Order> tree = Tree.<Order>named("Plain").name("work").call(o -> "ok").build();
    Span request = otel.openTelemetry().getTracer("t").spanBuilder("consumer").startSpan();
    try (Scope scope = request.makeCurrent()) {
      tree.run(new Order(), RunOptions.defaults().withTraceSink(otel.traceSink()));
    } finally {
      request.end();
    }
    List<io.opentelemetry.proto.trace.v1.Span> spans =
        awaitTrace(request.getSpanContext().getTraceId(), 3);
    assertThat(parentId(named(spans, "Plain"))).isEqualTo(request.getSpanContext().getSpanId());
    assertThat(parentId(named(spans, "work"))).isEqualTo(id(named(spans, "Plain")));
  }
}
