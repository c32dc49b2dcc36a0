package dev.tasktree.otel;

import dev.tasktree.RunOptions;
import dev.tasktree.spi.RunInterceptor;
import dev.tasktree.trace.TraceSink;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Every run's spans and metrics into OpenTelemetry: one OTel span per TaskTree span (GenAI semantic
 * conventions on LLM and tool spans), the caller's current span as the run's parent, each node's
 * span current while its code runs, and the run metrics. The one-liner:
 *
 * <pre>{@code
 * RunOptions options = TaskTreeOtel.auto().applyTo(RunOptions.defaults().withTraceDir(dir));
 * }</pre>
 *
 * <p>{@link #auto()} uses the OpenTelemetry Java agent's SDK when the agent is there, and otherwise
 * builds an SDK from the standard {@code OTEL_*} environment variables; {@link #otlp(String)}
 * builds one that exports to an OTLP/HTTP endpoint; {@link #using(OpenTelemetry)} takes the
 * application's own (Spring Boot, Quarkus, a hand-built SDK). Building an SDK needs the optional
 * {@code opentelemetry-sdk}, {@code -exporter-otlp} and {@code -sdk-extension-autoconfigure}
 * dependencies (docs/otel.md). Thread-safe; one instance serves every run of the process.
 */
public final class TaskTreeOtel implements AutoCloseable {

  /** The instrumentation scope name of the spans and metrics. */
  public static final String SCOPE = "dev.tasktree";

  private final OpenTelemetry openTelemetry;
  private final OtelTraceSink sink;
  private final AutoCloseable owned;

  private TaskTreeOtel(Builder builder, OpenTelemetry openTelemetry, AutoCloseable owned) {
    this.openTelemetry = openTelemetry;
    this.owned = owned;
    this.sink =
        new OtelTraceSink(
            openTelemetry.getTracer(SCOPE),
            new OtelMetrics(openTelemetry.getMeter(SCOPE)),
            builder.captureContent,
            builder.traceUrlTemplate);
  }

  /** Exports through the given OpenTelemetry (an SDK the application set up). */
  public static TaskTreeOtel using(OpenTelemetry openTelemetry) {
    return builder(openTelemetry).build();
  }

  /**
   * Exports through the global OpenTelemetry: the Java agent's when it runs, else whatever the
   * application registered (a no-op until something does).
   */
  public static TaskTreeOtel global() {
    return using(GlobalOpenTelemetry.get());
  }

  /**
   * The agent's (or an already registered) global OpenTelemetry when there is one; otherwise a new
   * SDK configured from the {@code OTEL_*} environment variables and system properties (exporter,
   * endpoint, headers, service name, sampler), shut down by {@link #close()}.
   *
   * @throws IllegalStateException when no global OpenTelemetry is set and the SDK autoconfigure
   *     module is not on the class path
   */
  public static TaskTreeOtel auto() {
    if (GlobalOpenTelemetry.isSet()) {
      return global();
    }
    OtelSdk.Owned sdk = OtelSdk.autoconfigure();
    return new TaskTreeOtel(new Builder(null, null, null), sdk.openTelemetry(), sdk);
  }

  /**
   * A new SDK exporting spans and metrics over OTLP/HTTP (protobuf) to {@code endpoint}, e.g.
   * {@code http://127.0.0.1:4318} (paths {@code /v1/traces} and {@code /v1/metrics} are added).
   *
   * @throws IllegalArgumentException when the endpoint is not an http(s) URL
   * @throws IllegalStateException when the SDK or OTLP exporter is not on the class path
   */
  public static TaskTreeOtel otlp(String endpoint) {
    return otlp(endpoint, Map.of());
  }

  /**
   * Like {@link #otlp(String)}, sending {@code headers} with every export (e.g. {@code
   * Authorization} for Langfuse).
   *
   * @throws IllegalArgumentException when the endpoint is not an http(s) URL
   * @throws IllegalStateException when the SDK or OTLP exporter is not on the class path
   */
  public static TaskTreeOtel otlp(String endpoint, Map<String, String> headers) {
    return builder(endpoint, headers).build();
  }

  /** A builder over an OpenTelemetry the application owns. */
  public static Builder builder(OpenTelemetry openTelemetry) {
    return new Builder(Objects.requireNonNull(openTelemetry, "openTelemetry"), null, null);
  }

  /**
   * A builder over a new OTLP/HTTP SDK (see {@link #otlp(String, Map)}), built by {@link
   * Builder#build()}.
   *
   * @throws IllegalArgumentException when the endpoint is not an http(s) URL
   */
  public static Builder builder(String endpoint, Map<String, String> headers) {
    return new Builder(null, OtelSdk.checkEndpoint(endpoint), Map.copyOf(headers));
  }

  /**
   * {@code options} with this module's sink beside the sinks already set and its interceptor (the
   * run's parent context, each node's span current on its threads, the W3C ids in the trace).
   */
  public RunOptions applyTo(RunOptions options) {
    return options.alsoTraceTo(sink).withRunInterceptor(sink);
  }

  /** The trace sink alone, to compose by hand with {@link TraceSink#all}. */
  public TraceSink traceSink() {
    return sink;
  }

  /** The run interceptor alone (pair it with {@link #traceSink()}). */
  public RunInterceptor runInterceptor() {
    return sink;
  }

  /** The OpenTelemetry this exports through. */
  public OpenTelemetry openTelemetry() {
    return openTelemetry;
  }

  /**
   * Exports what is buffered now, waiting at most {@code timeout}, when this instance built the
   * SDK; an application-owned SDK is flushed by its owner.
   *
   * @return whether everything was exported in time
   */
  public boolean flush(Duration timeout) {
    return owned == null || !(owned instanceof OtelSdk.Owned sdk) || sdk.flush(timeout);
  }

  /** Flushes and shuts down the SDK when this instance built it; otherwise does nothing. */
  @Override
  public void close() {
    if (owned != null && owned instanceof OtelSdk.Owned sdk) {
      sdk.close();
    }
  }

  int openRuns() {
    return sink.openRuns();
  }

  /**
   * Settings: content capture (off by default), the trace URL template, and for an OTLP SDK built
   * here whether metrics are exported too.
   */
  public static final class Builder {
    private final OpenTelemetry openTelemetry;
    private final String endpoint;
    private final Map<String, String> headers;
    private boolean captureContent;
    private String traceUrlTemplate;
    private boolean exportMetrics = true;

    private Builder(OpenTelemetry openTelemetry, String endpoint, Map<String, String> headers) {
      this.openTelemetry = openTelemetry;
      this.endpoint = endpoint;
      this.headers = headers;
    }

    /**
     * Whether the OTLP SDK built here also exports metrics to {@code /v1/metrics} (default yes).
     * Turn it off for trace-only backends such as Langfuse and Phoenix. Ignored for an
     * OpenTelemetry the application owns: its SDK decides.
     */
    public Builder exportMetrics(boolean export) {
      this.exportMetrics = export;
      return this;
    }

    /**
     * Exports prompts, replies, tool definitions, tool arguments and results, and node result data
     * (the GenAI conventions' opt-in content). Off by default: they may hold personal data. Secrets
     * are redacted by core either way.
     */
    public Builder captureContent(boolean capture) {
      this.captureContent = capture;
      return this;
    }

    /**
     * Records a link to each run's trace in the team's backend on the TaskTree trace's first event
     * ({@link OtelNames#TRACE_URL}), e.g. {@code http://localhost:16686/trace/{traceId}} for
     * Jaeger. Placeholders: {@code {traceId}} (W3C, 32 hex), {@code {spanId}} (the root span),
     * {@code {tasktreeTraceId}}.
     *
     * @throws IllegalArgumentException when the template has no {@code {traceId}}
     */
    public Builder traceUrlTemplate(String template) {
      if (template != null && !template.contains("{traceId}")) {
        throw new IllegalArgumentException(
            "trace URL template needs a {traceId} placeholder: " + template);
      }
      this.traceUrlTemplate = template;
      return this;
    }

    /**
     * The configured instance; builds the OTLP SDK when this builder has an endpoint.
     *
     * @throws IllegalStateException when the SDK or OTLP exporter is not on the class path
     */
    public TaskTreeOtel build() {
      if (openTelemetry != null) {
        return new TaskTreeOtel(this, openTelemetry, null);
      }
      OtelSdk.Owned sdk = OtelSdk.otlp(endpoint, headers, exportMetrics);
      return new TaskTreeOtel(this, sdk.openTelemetry(), sdk);
    }
  }
}
