package dev.tasktree.otel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tasktree.Result;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import io.opentelemetry.api.GlobalOpenTelemetry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ways to get an OpenTelemetry: the agent's global one (never a second SDK), an SDK from the
 * standard OTEL_* settings, an OTLP endpoint; and clear errors for bad settings.
 */
class TaskTreeOtelSetupTest {

  private static final List<String> PROPERTIES =
      List.of(
          "otel.exporter.otlp.endpoint",
          "otel.exporter.otlp.protocol",
          "otel.traces.exporter",
          "otel.metrics.exporter",
          "otel.logs.exporter",
          "otel.service.name",
          "otel.bsp.schedule.delay");

  OtlpReceiver receiver;
  final Tree<Object> tree = Tree.named("Setup").name("work").call(() -> "ok").build();

  @BeforeEach
  void start() {
    receiver = OtlpReceiver.start();
    GlobalOpenTelemetry.resetForTest();
  }

  @AfterEach
  void stop() {
    PROPERTIES.forEach(System::clearProperty);
    GlobalOpenTelemetry.resetForTest();
    receiver.close();
  }

  @Test
  void autoBuildsAnSdkFromTheStandardOtelSettingsWhenNoAgentIsThere() {
    System.setProperty("otel.exporter.otlp.endpoint", receiver.endpoint());
    System.setProperty("otel.exporter.otlp.protocol", "http/protobuf");
    System.setProperty("otel.traces.exporter", "otlp");
    System.setProperty("otel.metrics.exporter", "none");
    System.setProperty("otel.logs.exporter", "none");
    System.setProperty("otel.service.name", "checkout-service");
    System.setProperty("otel.bsp.schedule.delay", "50");
    try (TaskTreeOtel otel = TaskTreeOtel.auto()) {
      assertThat(tree.run(new Object(), otel.applyTo(RunOptions.defaults())).isOk()).isTrue();
      await().atMost(Duration.ofSeconds(60)).until(() -> receiver.spans().size() >= 2);
    }
    assertThat(receiver.serviceNames()).contains("checkout-service");
    assertThat(GlobalOpenTelemetry.isSet()).isFalse(); // built for TaskTree, not made global
  }

  @Test
  void autoUsesTheAgentsGlobalOpenTelemetryInsteadOfASecondSdk() {
    try (TaskTreeOtel agentLike = TaskTreeOtel.otlp(receiver.endpoint())) {
      // What the Java agent does at startup:
      GlobalOpenTelemetry.set(agentLike.openTelemetry());
      TaskTreeOtel otel = TaskTreeOtel.auto();
      tree.run(new Object(), otel.applyTo(RunOptions.defaults()));
      otel.close(); // not ours: must not shut the agent's SDK down
      tree.run(new Object(), otel.applyTo(RunOptions.defaults()));
      agentLike.flush(Duration.ofSeconds(10));
      await().atMost(Duration.ofSeconds(60)).until(() -> receiver.traceIds().size() == 2);
    }
  }

  @Test
  void withoutAnySdkTheGlobalOneIsANoOpAndRunsAreUnaffected() {
    TaskTreeOtel otel = TaskTreeOtel.global();
    Result result = tree.run(new Object(), otel.applyTo(RunOptions.defaults()));
    assertThat(result.isOk()).isTrue();
    assertThat(otel.openRuns()).isZero();
  }

  @Test
  void traceOnlyBackendsGetNoMetricsRequests() {
    try (TaskTreeOtel otel =
        TaskTreeOtel.builder(receiver.endpoint(), Map.of()).exportMetrics(false).build()) {
      tree.run(new Object(), otel.applyTo(RunOptions.defaults()));
      otel.flush(Duration.ofSeconds(10));
      await().atMost(Duration.ofSeconds(60)).until(() -> receiver.spans().size() >= 2);
      otel.flush(Duration.ofSeconds(10));
    }
    assertThat(receiver.metrics()).isEmpty();
  }

  @Test
  void badSettingsAreRefusedWithAClearMessage() {
    assertThatThrownBy(() -> TaskTreeOtel.otlp("127.0.0.1:4318"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http(s) URL such as http://127.0.0.1:4318");
    assertThatThrownBy(
            () ->
                TaskTreeOtel.builder(receiver.endpoint(), Map.of())
                    .traceUrlTemplate("http://jaeger/trace/"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("{traceId}");
  }
}
