package dev.tasktree.bench;

import dev.tasktree.otel.TaskTreeOtel;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.atomic.LongAdder;

/**
 * A real OpenTelemetry SDK (spans ended, converted and handed to an exporter on the run's thread,
 * metrics aggregated) whose exporters discard: the cost measured is TaskTree's sink plus the SDK,
 * with no network or collector in it.
 */
final class OtelDiscarding implements AutoCloseable {

  private final LongAdder exported = new LongAdder();
  private final OpenTelemetrySdk sdk;
  private final TaskTreeOtel otel;

  OtelDiscarding() {
    SpanExporter spans =
        new SpanExporter() {
          @Override
          public CompletableResultCode export(Collection<SpanData> batch) {
            exported.add(batch.size());
            return CompletableResultCode.ofSuccess();
          }

          @Override
          public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
          }

          @Override
          public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
          }
        };
    MetricExporter metrics =
        new MetricExporter() {
          @Override
          public CompletableResultCode export(Collection<MetricData> batch) {
            return CompletableResultCode.ofSuccess();
          }

          @Override
          public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
          }

          @Override
          public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
          }

          @Override
          public AggregationTemporality getAggregationTemporality(InstrumentType type) {
            return AggregationTemporality.CUMULATIVE;
          }

          @Override
          public MemoryMode getMemoryMode() {
            return MemoryMode.REUSABLE_DATA;
          }
        };
    sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .setMeterProvider(
                SdkMeterProvider.builder()
                    .registerMetricReader(
                        PeriodicMetricReader.builder(metrics)
                            .setInterval(Duration.ofSeconds(10))
                            .build())
                    .build())
            .build();
    otel = TaskTreeOtel.using(sdk);
  }

  TaskTreeOtel otel() {
    return otel;
  }

  /** Spans the SDK exported so far (proof the path ran). */
  long exported() {
    return exported.sum();
  }

  @Override
  public void close() {
    sdk.close();
  }
}
