package dev.tasktree.otel;

import static dev.tasktree.otel.OtlpReceiver.attributes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import dev.tasktree.trace.InMemoryTraceSink;
import dev.tasktree.trace.LogLevel;
import dev.tasktree.trace.TraceEvent;
import dev.tasktree.trace.TraceReader;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JSON Lines files, OpenTelemetry and a user's own sink record the same run at once; and with
 * content capture on, secrets still never leave the process.
 */
class SecretsAndCompositionTest extends OtelTestSupport {

  static final String SECRET = "hunter2-SECRET-VALUE";

  @TempDir Path dir;

  record Login(String user, String password, String apiKey) {}

  @Override
  TaskTreeOtel.Builder configure(TaskTreeOtel.Builder builder) {
    return super.configure(builder).captureContent(true);
  }

  @Test
  void jsonlOtelAndAUserSinkRecordOneRunTogetherAndTheJsonlTraceLinksToTheOtelTrace()
      throws Exception {
    List<TraceEvent> mine = new CopyOnWriteArrayList<>();
    RunOptions options =
        otel.applyTo(RunOptions.defaults().withTraceDir(dir).alsoTraceTo(mine::add));
    Tree<Login> tree = Tree.<Login>named("Both").name("work").call(l -> "done").build();
    tree.run(new Login("ada", "pw", "k"), options);

    String traceId = mine.getFirst().traceId();
    String w3c =
        ((TraceEvent.TraceStarted) mine.getFirst()).attributes().get(OtelNames.TRACE_ID).asText();
    assertThat(awaitTrace(w3c, 2))
        .extracting(Span::getName)
        .containsExactlyInAnyOrder("Both", "work");
    Path file = dir.resolve(traceId + ".jsonl");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> Files.exists(file) && new TraceReader().read(file).summary().finished());
    assertThat(Files.readAllLines(file).getFirst())
        .contains(w3c)
        .contains("http://jaeger.local:16686/trace/" + w3c);
    assertThat(mine.getLast()).isInstanceOf(TraceEvent.TraceEnded.class);
  }

  @Test
  void secretsInDataAttributesAndLogsNeverReachTheCollectorEvenWithContentCapture() {
    // spotless:off
    Tree<Login> tree = Tree.<Login>named("Secrets")
        .sequence()
            .name("login").call((Login l, dev.tasktree.spi.NodeContext ctx) -> {
              ctx.attribute("password", l.password());
              ctx.attribute("db.password", l.password());
              ctx.attribute("request", Map.of("user", l.user(), "apiKey", l.apiKey()));
              ctx.log(LogLevel.INFO, "logged in " + l.user());
              return l; // the whole blackboard as data, secrets included
            })
        .end()
        .build();
    // spotless:on
    InMemoryTraceSink traces = new InMemoryTraceSink();
    tree.run(
        new Login("ada", SECRET, SECRET + "-key"),
        otel.applyTo(RunOptions.defaults().withTraceSink(traces)));

    List<Span> spans = awaitTrace(w3cTraceId(traces, traces.last().summary().traceId()), 3);
    Map<String, Object> login = attributes(named(spans, "login"));
    assertThat(login).doesNotContainKeys("tasktree.password", "password", "db.password");
    assertThat((String) login.get("tasktree.data")).contains("ada"); // content capture is on
    assertThat((String) login.get("tasktree.request")).contains("ada");
    assertThat(receiver.anyBodyContains(SECRET)).isFalse();
  }
}
