package dev.tasktree.examples;

import static dev.tasktree.otel.OtlpReceiver.parentId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tasktree.otel.OtelNames;
import dev.tasktree.otel.OtlpReceiver;
import dev.tasktree.trace.TraceEvent;
import dev.tasktree.trace.TraceReader;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --otlp URL}: the fallback chain, the fan-out and the tool agent each arrive at a real
 * OTLP/HTTP receiver as one well-formed trace per run — one root, every parent in the same trace,
 * as many spans as the run's TaskTree trace — linked from the JSON Lines trace by its W3C id.
 */
class DemoOtlpTest {

  @TempDir Path traces;
  OtlpReceiver receiver;

  @BeforeEach
  void start() {
    receiver = OtlpReceiver.start();
  }

  @AfterEach
  void stop() {
    receiver.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"fallback-chain", "fan-out", "tool-agent"})
  void eachRunArrivesAsOneWellFormedTrace(String example) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int exit =
        Demo.run(
            new String[] {
              "--example",
              example,
              "--no-serve",
              "--trace-dir",
              traces.toString(),
              "--otlp",
              receiver.endpoint()
            },
            Map.of(),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(out, true, StandardCharsets.UTF_8));
    assertThat(exit).as(out.toString(StandardCharsets.UTF_8)).isZero();

    List<Path> files;
    try (Stream<Path> list = Files.list(traces)) {
      files = list.filter(p -> p.toString().endsWith(".jsonl")).toList();
    }
    assertThat(files).isNotEmpty();
    for (Path file : files) {
      TraceEvent.TraceStarted first =
          (TraceEvent.TraceStarted) TraceEvent.parse(Files.readAllLines(file).getFirst(), null);
      String w3c = first.attributes().get(OtelNames.TRACE_ID).asText();
      int taskTreeSpans = new TraceReader().read(file).summary().spanCount();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> receiver.trace(w3c).size() >= taskTreeSpans);
      List<Span> spans = receiver.trace(w3c);
      assertThat(spans).as(file.getFileName().toString()).hasSize(taskTreeSpans);
      assertThat(spans)
          .filteredOn(s -> parentId(s).isEmpty())
          .singleElement()
          .satisfies(root -> assertThat(root.getName()).isEqualTo(first.name()));
      Set<String> ids = spans.stream().map(OtlpReceiver::id).collect(Collectors.toSet());
      assertThat(ids).hasSize(spans.size());
      assertThat(spans)
          .filteredOn(s -> !parentId(s).isEmpty())
          .allSatisfy(s -> assertThat(ids).as(s.getName()).contains(parentId(s)));
      assertThat(spans).allSatisfy(s -> assertThat(s.getEndTimeUnixNano()).isPositive());
    }
    assertThat(receiver.traceIds()).hasSize(files.size());
    if (example.equals("tool-agent")) {
      assertThat(receiver.spans())
          .extracting(Span::getName)
          .anyMatch(name -> name.startsWith("execute_tool "))
          .anyMatch(name -> name.startsWith("chat "));
    }
    assertThat(receiver.serviceNames()).contains("tasktree");
  }
}
