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

  /**
   * A finished trace of one span whose trace event carries {@code attrs} and whose span many
   * models.
   */
  private Path traceWith(Map<String, String> attrs, List<String> models, int padding)
      throws Exception {
    fileWriter = JsonlTraceWriter.open(dir, Duration.ofMillis(10), Duration.ofSeconds(5));
    String id = "20260101T000000000000Z-windows-" + Integer.toHexString(attrs.hashCode() + padding);
    java.time.Instant t = java.time.Instant.parse("2026-01-01T00:00:00Z");
    Map<String, com.fasterxml.jackson.databind.JsonNode> traceAttrs =
        new java.util.LinkedHashMap<>();
    attrs.forEach(
        (k, v) -> traceAttrs.put(k, com.fasterxml.jackson.databind.node.TextNode.valueOf(v)));
    fileWriter.emit(new TraceEvent.TraceStarted(id, t, "windows", traceAttrs));
    for (int i = 0; i < models.size(); i++) {
      String span = String.valueOf(i + 1);
      fileWriter.emit(
          new TraceEvent.SpanStarted(
              id, t, span, null, "call", "Call", "windows > call[" + i + "]"));
      fileWriter.emit(
          new TraceEvent.SpanEnded(
              id,
              t.plusMillis(1),
              span,
              Status.OK,
              com.fasterxml.jackson.databind.node.TextNode.valueOf("x".repeat(padding)),
              null,
              Map.of(
                  Attributes.REQUEST_MODEL,
                  com.fasterxml.jackson.databind.node.TextNode.valueOf(models.get(i)))));
    }
    fileWriter.emit(new TraceEvent.TraceEnded(id, t.plusSeconds(3), Status.OK, null));
    assertThat(fileWriter.flush(Duration.ofSeconds(5))).isTrue();
    return fileWriter.file(id);
  }

  @Test
  void aSummaryLineLongerThanTheFirstLookAtTheTailIsStillRead() throws Exception {
    List<String> models =
        java.util.stream.IntStream.range(0, 16) // the most a summary lists
            .mapToObj(i -> "provider-model-" + "n".repeat(120) + "-" + i)
            .toList();
    Path file = traceWith(Map.of(), models, 200);
    assertThat(Files.size(file)).isGreaterThan(8192); // not read in one look
    // longer than the first look at the tail (1 KB)
    assertThat(Files.readAllLines(file).getLast().length()).isGreaterThan(2048);
    TraceReader reader = new TraceReader();
    TraceSummary quick = reader.readSummary(file).orElseThrow();
    assertThat(quick).isEqualTo(reader.read(file).summary());
    assertThat(quick.models()).hasSize(16);
  }

  @Test
  void headFieldsPastTheFirstLookAtALargerFileAreStillRead() throws Exception {
    // a trace attribute of 3 KB: the first look at the head (2 KB) ends inside it
    Path file = traceWith(Map.of("note", "n".repeat(3000), "env", "prod"), List.of("m"), 9000);
    assertThat(Files.size(file)).isGreaterThan(8192);
    TraceReader reader = new TraceReader();
    TraceSummary quick = reader.readSummary(file).orElseThrow();
    assertThat(quick).isEqualTo(reader.read(file).summary());
    assertThat(quick.tags()).containsEntry("env", "prod");
    assertThat(quick.name()).isEqualTo("windows");
  }

  @Test
  void aSummaryReadAtTheSizeTheCallerSawIgnoresWhatWasAppendedSince() throws Exception {
    for (int padding : new int[] {10, 9000}) { // a file read in one look, and one read at both ends
      Path file = traceWith(Map.of(), List.of("m"), padding);
      long seen = Files.size(file);
      Files.writeString(file, "{not json\n", java.nio.file.StandardOpenOption.APPEND);
      TraceReader reader = new TraceReader();
      try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file)) {
        assertThat(reader.readSummary(channel)).as("as it is now").isEmpty();
        TraceSummary then = reader.readSummary(channel, seen).orElseThrow();
        assertThat(then.status()).isEqualTo(Status.OK);
        assertThat(then.spanCount()).isEqualTo(1);
        assertThat(reader.readSummary(channel, seen - 1)).as("cut").isEmpty();
      }
    }
  }
}
