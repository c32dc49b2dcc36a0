package dev.tasktree.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tasktree.Result;
import dev.tasktree.RunOptions;
import dev.tasktree.otel.OtlpReceiver;
import dev.tasktree.otel.TaskTreeOtel;
import dev.tasktree.trace.TraceEvent;
import io.opentelemetry.proto.trace.v1.Span;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The docs/otel.md snippets do what the page says, against an OTLP receiver on loopback. */
class OtelSnippetsTest {

  @Test
  void nodeCodeSeesItsOwnSpanAndComposedSinksAllRecordTheRun() {
    try (OtlpReceiver receiver = OtlpReceiver.start();
        TaskTreeOtel sdk = TaskTreeOtel.otlp(receiver.endpoint(), Map.of())) {
      TaskTreeOtel otel = OtelSnippets.ownSdk(sdk.openTelemetry()); // "the application's SDK"
      List<TraceEvent> audit = new CopyOnWriteArrayList<>();
      RunOptions options = OtelSnippets.composed(otel, audit);
      Result result = OtelSnippets.context().run(new OtelSnippets.Order("o-1"), options);

      assertThat(audit).isNotEmpty();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                sdk.flush(Duration.ofSeconds(5));
                return receiver.spans().stream().anyMatch(s -> s.getName().equals("load order"));
              });
      Span node =
          receiver.spans().stream()
              .filter(s -> s.getName().equals("load order"))
              .findFirst()
              .orElseThrow();
      assertThat(result.data()).isEqualTo(OtlpReceiver.id(node));
    }
  }

  @Test
  void theLangfuseSetupBuildsWithoutContactingAnything() {
    try (TaskTreeOtel otel = OtelSnippets.langfuse("pk-lf-test", "sk-lf-test")) {
      assertThat(otel.openTelemetry()).isNotNull();
    }
  }
}
