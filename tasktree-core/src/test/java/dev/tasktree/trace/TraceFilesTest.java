package dev.tasktree.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tasktree.Result;
import dev.tasktree.RunHandle;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JSON Lines files: written in the background, tailable while running, read back tolerantly. */
class TraceFilesTest {

  @TempDir Path dir;
  private JsonlTraceWriter writer;

  private JsonlTraceWriter writer() {
    if (writer == null) {
      writer = JsonlTraceWriter.open(dir, Duration.ofMillis(10), Duration.ofMillis(100));
    }
    return writer;
  }

  @AfterEach
  void close() {
    if (writer != null) {
      writer.close();
    }
  }

  private static Tree<String> sample() {
    return Tree.<String>named("Sample")
        .sequence()
        .call(s -> List.of(1, 2, 3))
        .retry(2)
        .call(s -> Result.fail(s))
        .end()
        .build();
  }

  @Test
  void aRunIsWrittenToOneFileAndReadsBackAsTheSameSpanTree() throws Exception {
    InMemoryTraceSink memory = new InMemoryTraceSink();
    RunOptions toFile = RunOptions.defaults().withTraceSink(writer());
    RunHandle run = sample().start("boom", toFile);
    run.await();
    assertThat(writer().flush(Duration.ofSeconds(5))).isTrue();
    Path file = dir.resolve(run.traceId() + ".jsonl");
    assertThat(file).exists();
    List<String> lines = Files.readAllLines(file);
    assertThat(lines.getFirst()).startsWith("{\"v\":1,\"type\":\"trace\"");
    assertThat(lines).allSatisfy(line -> assertThat(line).startsWith("{\"").endsWith("}"));
    assertThat(lines.get(lines.size() - 2)).startsWith("{\"type\":\"trace_end\"");
    assertThat(lines.getLast()).startsWith("{\"type\":\"summary\"");

    Trace trace = new TraceReader().read(file);
    sample().run("boom", RunOptions.defaults().withTraceSink(memory));
    Trace expected = memory.last();
    assertThat(trace.summary().status()).isEqualTo(Status.FAIL);
    assertThat(trace.summary().name()).isEqualTo("Sample");
    assertThat(trace.summary().spanCount()).isEqualTo(expected.summary().spanCount()).isEqualTo(6);
    assertThat(trace.spans().map(Span::path).toList())
        .isEqualTo(expected.spans().map(Span::path).toList());
    Span list = trace.spans().filter(s -> s.kind().equals("Call")).findFirst().orElseThrow();
    assertThat(list.data().isArray()).isTrue();
    assertThat(trace.data().asText()).isEqualTo("boom");
    assertThat(trace.summary().corruptLines()).isZero();
  }

  @Test
  void aRunInProgressCanBeTailedAndReadsAsRunning() throws Exception {
    CountDownLatch finish = new CountDownLatch(1);
    Tree<String> tree =
        Tree.<String>named("Live")
            .sequence()
            .call(s -> "first")
            .call(
                s -> {
                  finish.await();
                  return "second";
                })
            .end()
            .build();
    RunHandle run = tree.start("x", RunOptions.defaults().withTraceSink(writer()));
    Path file = dir.resolve(run.traceId() + ".jsonl");
    TraceReader reader = new TraceReader();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> Files.exists(file) && reader.read(file).summary().spanCount() == 4);
    Trace live = reader.read(file);
    assertThat(live.summary().status()).isEqualTo(Status.RUNNING);
    assertThat(live.spans().filter(s -> s.status() == Status.OK).count()).isEqualTo(1);
    // While it runs silently, heartbeats keep the file fresh.
    long size = Files.size(file);
    await().atMost(Duration.ofSeconds(5)).until(() -> Files.size(file) > size);
    assertThat(Files.readString(file)).contains("\"type\":\"heartbeat\"");
    finish.countDown();
    run.await();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> reader.read(file).summary().status() == Status.OK);
  }

  private Path write(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }

  private Path realTrace() throws Exception {
    RunHandle run = sample().start("boom", RunOptions.defaults().withTraceSink(writer()));
    run.await();
    writer().flush(Duration.ofSeconds(5));
    return dir.resolve(run.traceId() + ".jsonl");
  }

  @Test
  void aTruncatedLastLineAndCorruptLinesAreSkippedAndCounted() throws Exception {
    List<String> lines = Files.readAllLines(realTrace());
    StringBuilder damaged = new StringBuilder();
    for (int i = 0; i < lines.size() - 1; i++) {
      damaged.append(lines.get(i)).append('\n');
      if (i == 2) {
        damaged.append("{this is not json\n");
        damaged.append("{\"type\":\"teleport\",\"time\":\"2026-01-01T00:00:00Z\"}\n");
      }
    }
    String last = lines.getLast();
    damaged.append(last, 0, last.length() / 2); // cut mid-line, as a crash would
    Trace trace = new TraceReader().read(write("damaged.jsonl", damaged.toString()));
    assertThat(trace.summary().corruptLines()).isEqualTo(3);
    assertThat(trace.summary().spanCount()).isEqualTo(6);
  }

  @Test
  void filesThatAreNotTracesAreRejectedWithAReason() throws Exception {
    TraceReader reader = new TraceReader();
    assertThatThrownBy(() -> reader.read(write("empty.jsonl", "")))
        .isInstanceOf(TraceReader.UnreadableTraceException.class)
        .hasMessageContaining("is empty");
    assertThatThrownBy(() -> reader.read(write("notes.jsonl", "hello world\n")))
        .isInstanceOf(TraceReader.UnreadableTraceException.class)
        .hasMessageContaining("not a TaskTree trace");
    assertThatThrownBy(
            () ->
                reader.read(
                    write(
                        "other.jsonl",
                        "{\"type\":\"log\",\"span\":\"1\",\"time\":\"2026-01-01T00:00:00Z\",\"level\":\"INFO\"}\n")))
        .hasMessageContaining("does not start with a trace event");
    assertThatThrownBy(
            () ->
                reader.read(
                    write(
                        "future.jsonl",
                        "{\"v\":99,\"type\":\"trace\",\"id\":\"x\",\"name\":\"n\",\"time\":\"2026-01-01T00:00:00Z\"}\n")))
        .hasMessageContaining("unsupported trace format version 99");
  }

  @Test
  void anUnfinishedTraceReadsAsInterruptedOnceSilent() throws Exception {
    List<String> lines = Files.readAllLines(realTrace());
    String unfinished = String.join("\n", lines.subList(0, lines.size() - 3)) + "\n";
    Path file = write("unfinished.jsonl", unfinished);
    Instant lastEvent =
        Instant.parse(lines.get(lines.size() - 4).replaceAll(".*\"time\":\"([^\"]+)\".*", "$1"));
    TraceReader soon =
        new TraceReader(
            Clock.fixed(lastEvent.plusSeconds(1), ZoneOffset.UTC), Duration.ofSeconds(10));
    TraceReader later =
        new TraceReader(
            Clock.fixed(lastEvent.plusSeconds(11), ZoneOffset.UTC), Duration.ofSeconds(10));
    assertThat(soon.read(file).summary().status()).isEqualTo(Status.RUNNING);
    Trace dead = later.read(file);
    assertThat(dead.summary().status()).isEqualTo(Status.INTERRUPTED);
    assertThat(dead.spans().filter(s -> s.end() == null).map(Span::status))
        .isNotEmpty()
        .containsOnly(Status.INTERRUPTED);
  }

  @Test
  void anUnwritableDirectoryNeverBreaksTheRun() throws Exception {
    Path blocker = write("not-a-dir", "x");
    try (JsonlTraceWriter broken =
        JsonlTraceWriter.open(
            blocker.resolve("traces"), Duration.ofMillis(10), Duration.ofSeconds(1))) {
      Result result = sample().run("boom", RunOptions.defaults().withTraceSink(broken));
      assertThat(result).isEqualTo(Result.fail("boom"));
      assertThat(broken.flush(Duration.ofSeconds(5))).isTrue();
    }
  }

  @Test
  void aBacklogLargerThanTheBoundIsWrittenInFullWithoutLosingEvents() throws Exception {
    String id = "20260101T000000000000Z-flood-00000000";
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    writer().emit(new TraceEvent.TraceStarted(id, t, "flood", java.util.Map.of()));
    String padding = "x".repeat(1_000);
    int events = (int) (JsonlTraceWriter.MAX_PENDING_BYTES / 1_000) + 10_000; // past the bound
    for (int i = 0; i < events; i++) {
      writer().emit(new TraceEvent.SpanLogged(id, t, "1", LogLevel.INFO, padding + i));
    }
    writer().emit(new TraceEvent.TraceEnded(id, t, Status.OK, null));
    assertThat(writer().flush(Duration.ofSeconds(60))).isTrue();
    try (var lines = Files.lines(writer().file(id))) {
      // trace, the logs, trace_end, summary (and heartbeats if the flood outlasted their interval)
      assertThat(lines.filter(l -> !l.startsWith("{\"type\":\"heartbeat\"")).count())
          .isEqualTo(events + 3L);
    }
  }

  @Test
  void eventsArrivingAfterTheTraceEndedAreDroppedAndTheFileStaysClosed() throws Exception {
    String id = "20260101T000000000000Z-late-00000000";
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    writer().emit(new TraceEvent.TraceStarted(id, t, "late", java.util.Map.of()));
    writer().emit(new TraceEvent.TraceEnded(id, t, Status.OK, null));
    writer().flush(Duration.ofSeconds(5));
    // e.g. an abandoned span that finally returned after its run was over
    writer().emit(new TraceEvent.SpanLogged(id, t, "9", LogLevel.WARN, "too late"));
    writer().flush(Duration.ofSeconds(5));
    List<String> lines = Files.readAllLines(writer().file(id));
    assertThat(lines).hasSize(3);
    assertThat(lines.get(1)).startsWith("{\"type\":\"trace_end\"");
    assertThat(lines.getLast()).startsWith("{\"type\":\"summary\"");
    // and no heartbeat ever reopens it (heartbeats come every 100 ms in this writer)
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(2))
        .until(() -> Files.readAllLines(writer().file(id)).size() == 3);
  }

  @Test
  void eventsRoundTripThroughTheLineFormat() {
    TraceEvent event =
        new TraceEvent.SpanLogged(
            "t", Instant.parse("2026-01-01T00:00:00.000001Z"), "3", LogLevel.WARN, "hi");
    assertThat(TraceEvent.parse(event.toJsonLine(), "t")).isEqualTo(event);
  }
}
