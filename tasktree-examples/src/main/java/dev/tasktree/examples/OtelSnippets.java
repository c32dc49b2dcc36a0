package dev.tasktree.examples;

import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import dev.tasktree.otel.TaskTreeOtel;
import dev.tasktree.trace.TraceEvent;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The code shown in {@code docs/otel.md}, compiled and checked word for word by {@code
 * SnippetsTest}; {@code OtelSnippetsTest} runs it against an OTLP receiver on loopback.
 */
public final class OtelSnippets {

  private OtelSnippets() {}

  /** The common case: the agent's SDK if it runs, else one from the OTEL_* variables. */
  static RunOptions oneLiner() {
    // snippet:otel-one-liner
    RunOptions options =
        TaskTreeOtel.auto().applyTo(RunOptions.defaults().withTraceDir(Path.of(".traces")));
    // end-snippet
    return options;
  }

  /** An application that built its own SDK (Spring Boot, Quarkus, by hand). */
  static TaskTreeOtel ownSdk(OpenTelemetry openTelemetry) {
    // snippet:otel-own-sdk
    TaskTreeOtel otel =
        TaskTreeOtel.builder(openTelemetry)
            .traceUrlTemplate("http://localhost:16686/trace/{traceId}") // Jaeger's UI
            .captureContent(false) // the default: no prompts or replies leave the process
            .build();
    // end-snippet
    return otel;
  }

  /** Langfuse: OTLP/HTTP with Basic authentication from the project's key pair. */
  static TaskTreeOtel langfuse(String publicKey, String secretKey) {
    // snippet:otel-langfuse
    String auth =
        Base64.getEncoder()
            .encodeToString((publicKey + ":" + secretKey).getBytes(StandardCharsets.UTF_8));
    TaskTreeOtel otel =
        TaskTreeOtel.builder(
                "https://cloud.langfuse.com/api/public/otel",
                Map.of("Authorization", "Basic " + auth))
            .exportMetrics(false) // Langfuse takes traces only
            .captureContent(true) // Langfuse shows prompts and replies; opt in knowingly
            .build();
    // end-snippet
    return otel;
  }

  /** JSON Lines files, OpenTelemetry and a sink of your own, for the same runs. */
  static RunOptions composed(TaskTreeOtel otel, List<TraceEvent> audit) {
    // snippet:otel-compose
    RunOptions options =
        otel.applyTo(
            RunOptions.defaults()
                .withTraceDir(Path.of(".traces")) // for the TaskTree viewer
                .alsoTraceTo(audit::add)); // any TraceSink of yours
    // end-snippet
    return options;
  }

  /** A blackboard for the context snippet. */
  public record Order(String id) {}

  /** Node code sees its own span as current: instrumented clients nest under it. */
  static Tree<Order> context() {
    // snippet:otel-context
    Tree<Order> tree =
        Tree.<Order>named("Checkout")
            .name("load order")
            .call(order -> Span.current().getSpanContext().getSpanId()) // this node's span
            .build();
    // end-snippet
    return tree;
  }
}
