package dev.tasktree.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasktree.RunHandle;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The summary line: written last, equal to what a full read computes, read from head and tail. */
class SummaryLineTest {

  @TempDir Path dir;
  private final JsonlTraceWriter writer =
      JsonlTraceWriter.open(Path.of("unused"), Duration.ofMillis(10), Duration.ofSeconds(5));
  private JsonlTraceWriter fileWriter;

  @AfterEach
  void close() {
    writer.close();
    if (fileWriter != null) {
      fileWriter.close();
    }
  }

  private Path run(Tree<String> tree) throws Exception {
    fileWriter = JsonlTraceWriter.open(dir, Duration.ofMillis(10), Duration.ofSeconds(5));
    RunHandle run = tree.start("in", RunOptions.defaults().withTraceSink(fileWriter));
    run.await();
    assertThat(fileWriter.flush(Duration.ofSeconds(5))).isTrue();
    return fileWriter.file(run.traceId());
  }

  private static Tree<String> pricedParallel() {
    return Tree.<String>named("Priced")
        .parallel()
        .call(
            (b, ctx) -> {
              ctx.attribute(Attributes.INPUT_TOKENS, 100);
              ctx.attribute(Attributes.OUTPUT_TOKENS, 7);
              ctx.attribute(Attributes.COST_USD, 0.25);
              return "a";
            })
        .call(
            (b, ctx) -> {
              ctx.attribute(Attributes.INPUT_TOKENS, 5);
              ctx.attribute(Attributes.COST_USD, 0.5);
              throw new IllegalStateException("boom");
            })
        .call(b -> Map.of("k", List.of(1, 2)))
        .end()
        .build();
  }

  @Test
  void aFinishedTraceEndsWithASummaryThatEqualsTheFullRead() throws Exception {
    Path file = run(pricedParallel());
    List<String> lines = Files.readAllLines(file);
    assertThat(lines.get(lines.size() - 2)).startsWith("{\"type\":\"trace_end\"");
    assertThat(lines.getLast()).startsWith("{\"type\":\"summary\"");

    TraceReader reader = new TraceReader();
    TraceSummary full = reader.read(file).summary();
    TraceSummary quick = reader.readSummary(file).orElseThrow();
    assertThat(quick).isEqualTo(full);
    assertThat(quick.inputTokens()).isEqualTo(105);
    assertThat(quick.outputTokens()).isEqualTo(7);
    assertThat(quick.costUsd()).isEqualTo(0.75);
    assertThat(quick.errorCount()).isEqualTo(1);
    assertThat(full.corruptLines()).isZero(); // the summary line is not an unknown event
  }

  @Test
  void theSummaryCarriesTheModelsAndTheTraceTagsLikeTheFullRead() throws Exception {
    fileWriter = JsonlTraceWriter.open(dir, Duration.ofMillis(10), Duration.ofSeconds(5));
    dev.tasktree.spi.RunInterceptor tagging =
        (traceId, treeName) ->
            new dev.tasktree.spi.RunInterceptor.Run() {
              @Override
              public Map<String, Object> traceAttributes() {
                return Map.of("env", "prod", "user", 42, "nested", Map.of("a", 1));
              }

              @Override
              public dev.tasktree.spi.RunInterceptor.Entered enter(String spanId) {
                return () -> {};
              }
            };
    Tree<String> tree =
        Tree.<String>named("Models")
            .sequence()
            .call(
                (b, ctx) -> {
                  ctx.attribute(Attributes.REQUEST_MODEL, "gpt-b");
                  ctx.attribute(Attributes.RESPONSE_MODEL, "gpt-b-2026");
                  return "x";
                })
            .call(
                (b, ctx) -> {
                  ctx.attribute(Attributes.REQUEST_MODEL, "claude-a");
                  return "y";
                })
            .end()
            .build();
    RunHandle run =
        tree.start(
            "in", RunOptions.defaults().withTraceSink(fileWriter).withRunInterceptor(tagging));
    run.await();
    assertThat(fileWriter.flush(Duration.ofSeconds(5))).isTrue();
    Path file = fileWriter.file(run.traceId());
    assertThat(Files.readAllLines(file).getLast())
        .contains("\"models\":[\"claude-a\",\"gpt-b\",\"gpt-b-2026\"]");
    TraceReader reader = new TraceReader();
    TraceSummary quick = reader.readSummary(file).orElseThrow();
    assertThat(quick).isEqualTo(reader.read(file).summary());
    assertThat(quick.models()).containsExactly("claude-a", "gpt-b", "gpt-b-2026");
    assertThat(quick.tags()).containsEntry("env", "prod").containsEntry("user", "42");
    assertThat(quick.tags()).doesNotContainKey("nested"); // tags are scalar attributes only

    // An older writer's summary line has no models: the quick read declines, the full read has
    // them, so an older file still filters right.
    List<String> lines = Files.readAllLines(file);
    String older = lines.getLast().replaceAll(",\"models\":\\[[^\\]]*\\]", "");
    Path old = dir.resolve("20260101T000000000000Z-older-00000000.jsonl");
    String body = String.join("\n", lines.subList(0, lines.size() - 1)) + "\n";
    long offset = body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    older = older.replaceAll("\"offset\":\\d+", "\"offset\":" + offset);
    Files.writeString(old, body + older + "\n");
    assertThat(reader.readSummary(old)).isEmpty();
    assertThat(reader.read(old).summary().models())
        .containsExactly("claude-a", "gpt-b", "gpt-b-2026");
  }

  @Test
  void withoutASummaryLineTheQuickReadDeclinesAndTheFullReadStillWorks() throws Exception {
    Path file = run(pricedParallel());
    List<String> lines = Files.readAllLines(file);
    Path old = dir.resolve("20260101T000000000000Z-old-00000000.jsonl");
    Files.write(old, lines.subList(0, lines.size() - 1)); // an older writer's file
    Path cut = dir.resolve("20260101T000000000000Z-cut-00000000.jsonl");
    Files.write(cut, lines.subList(0, 3)); // an interrupted run
    Path halfSummary = dir.resolve("20260101T000000000000Z-half-00000000.jsonl");
    String whole = String.join("\n", lines);
    Files.writeString(halfSummary, whole.substring(0, whole.length() - 10) + "\n");
    Path tampered = dir.resolve("20260101T000000000000Z-tampered-00000000.jsonl");
    List<String> withGarbage = new java.util.ArrayList<>(lines);
    withGarbage.add(2, "{not json");
    Files.write(tampered, withGarbage); // changed after the writer finished: the offset is off
    TraceReader reader = new TraceReader();
    assertThat(reader.read(tampered).summary().corruptLines()).isEqualTo(1);
    for (Path p : List.of(old, cut, halfSummary, tampered)) {
      assertThat(reader.readSummary(p)).as(p.toString()).isEmpty();
    }
    assertThat(reader.read(old).summary().status()).isEqualTo(Status.FAIL);
    assertThat(reader.read(halfSummary).summary().corruptLines()).isEqualTo(1);
  }

  @Test
  void aSummaryAfterAFileThatIsNotATraceIsNotBelieved() throws Exception {
    Path file = run(pricedParallel());
    String summary = Files.readAllLines(file).getLast();
    Path fake = dir.resolve("fake.jsonl");
    Files.writeString(
        fake, "{\"type\":\"start\",\"time\":\"2026-01-01T00:00:00.000000Z\"}\n" + summary + "\n");
    assertThat(new TraceReader().readSummary(fake)).isEmpty();
  }

  @Test
  void aFirstLineLongerThanTheWindowStillReadsFromTheHead() throws Exception {
    fileWriter = JsonlTraceWriter.open(dir, Duration.ofMillis(10), Duration.ofSeconds(5));
    String id = "20260101T000000000000Z-big-00000000";
    java.time.Instant t = java.time.Instant.parse("2026-01-01T00:00:00Z");
    // a big attribute after the fields the index needs: the head is read further (up to 1 MB)
    Map<String, com.fasterxml.jackson.databind.JsonNode> attrs =
        Map.of("big", com.fasterxml.jackson.databind.node.TextNode.valueOf("x".repeat(200_000)));
    fileWriter.emit(new TraceEvent.TraceStarted(id, t, "big", attrs));
    fileWriter.emit(new TraceEvent.TraceEnded(id, t.plusSeconds(2), Status.OK, null));
    assertThat(fileWriter.flush(Duration.ofSeconds(5))).isTrue();
    Path big = fileWriter.file(id);
    assertThat(Files.readAllLines(big).getFirst().length()).isGreaterThan(200_000);
    TraceReader reader = new TraceReader();
    TraceSummary quick = reader.readSummary(big).orElseThrow();
    assertThat(quick).isEqualTo(reader.read(big).summary());
    assertThat(quick.duration()).isEqualTo(Duration.ofSeconds(2));
  }
}
