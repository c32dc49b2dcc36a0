package dev.tasktree.otel;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The SDK this module builds for users who bring none. The only class that touches the optional SDK
 * dependencies, so the rest of the module runs on the API alone (the Java agent's case).
 */
final class OtelSdk {

  private OtelSdk() {}

  /** An SDK this module built and must flush and shut down. */
  record Owned(OpenTelemetrySdk openTelemetry) implements AutoCloseable {

    boolean flush(Duration timeout) {
      CompletableResultCode done =
          CompletableResultCode.ofAll(
              List.of(
                  openTelemetry.getSdkTracerProvider().forceFlush(),
                  openTelemetry.getSdkMeterProvider().forceFlush()));
      return done.join(timeout.toMillis(), TimeUnit.MILLISECONDS).isSuccess();
    }

    @Override
    public void close() {
      openTelemetry.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  static Owned autoconfigure() {
    try {
      return new Owned(AutoConfiguredOpenTelemetrySdk.builder().build().getOpenTelemetrySdk());
    } catch (NoClassDefFoundError missing) {
      throw new IllegalStateException(
          "no OpenTelemetry agent or SDK: add io.opentelemetry:opentelemetry-sdk-extension-"
              + "autoconfigure and opentelemetry-exporter-otlp (see docs/otel.md)",
          missing);
    }
  }

  /**
   * The endpoint without trailing slashes.
   *
   * @throws IllegalArgumentException when it is not an http(s) URL with a host
   */
  static String checkEndpoint(String endpoint) {
    URI uri;
    try {
      uri = URI.create(endpoint == null ? "" : endpoint.strip());
    } catch (IllegalArgumentException e) {
      uri = URI.create("");
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
        || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "OTLP endpoint must be an http(s) URL such as http://127.0.0.1:4318, got '"
              + endpoint
              + "'");
    }
    return uri.toString().replaceAll("/+$", "");
  }

  static Owned otlp(String base, Map<String, String> headers, boolean exportMetrics) {
    try {
      var spans = OtlpHttpSpanExporter.builder().setEndpoint(base + "/v1/traces");
      var metrics = OtlpHttpMetricExporter.builder().setEndpoint(base + "/v1/metrics");
      headers.forEach(
          (name, value) -> {
            spans.addHeader(name, value);
            metrics.addHeader(name, value);
          });
      String service = System.getenv().getOrDefault("OTEL_SERVICE_NAME", "tasktree");
      Resource resource =
          Resource.getDefault()
              .merge(
                  Resource.builder().put(AttributeKey.stringKey("service.name"), service).build());
      var meters = SdkMeterProvider.builder().setResource(resource);
      if (exportMetrics) {
        meters.registerMetricReader(
            PeriodicMetricReader.builder(metrics.build())
                .setInterval(Duration.ofSeconds(30))
                .build());
      }
      OpenTelemetrySdk sdk =
          OpenTelemetrySdk.builder()
              .setTracerProvider(
                  SdkTracerProvider.builder()
                      .setResource(resource)
                      .addSpanProcessor(BatchSpanProcessor.builder(spans.build()).build())
                      .build())
              .setMeterProvider(meters.build())
              .build();
      return new Owned(sdk);
    } catch (NoClassDefFoundError missing) {
      throw new IllegalStateException(
          "the OpenTelemetry SDK is not on the class path: add io.opentelemetry:opentelemetry-sdk"
              + " and opentelemetry-exporter-otlp (see docs/otel.md)",
          missing);
    }
  }
}
