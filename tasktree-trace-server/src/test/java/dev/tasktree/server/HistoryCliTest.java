package dev.tasktree.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasktree.RunHandle;
import dev.tasktree.Tree;
import dev.tasktree.trace.JsonlTraceWriter;
import dev.tasktree.trace.Status;
import dev.tasktree.trace.TraceEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The history commands in the server jar: list, show, prune; retention while serving. */
class HistoryCliTest {

  @TempDir Path dir;

  record Run(int code, String out, String err) {}

  Run cli(String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] all =
        Stream.concat(Stream.of(args), Stream.of("--trace-dir", dir.toString()))
            .toArray(String[]::new);
    int code =
        Main.run(
            all,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Finished traces with old start times: {@code daysAgo} each, file times set back too. */
  List<String> oldTraces(int... daysAgo) throws Exception {
    List<String> ids = new ArrayList<>();
    try (JsonlTraceWriter writer =
        JsonlTraceWriter.open(dir, Duration.ofMillis(10), Duration.ofSeconds(30))) {
      for (int i = 0; i < daysAgo.length; i++) {
        Instant t = Instant.now().minus(Duration.ofDays(daysAgo[i]));
        String id = dev.tasktree.trace.TraceIds.create("old run " + i, t);
        writer.emit(new TraceEvent.TraceStarted(id, t, "old run " + i, Map.of()));
        writer.emit(new TraceEvent.SpanStarted(id, t, "1", null, "old run " + i, "Tree", "x"));
        writer.emit(
            new TraceEvent.SpanEnded(id, t.plusMillis(5), "1", Status.OK, null, null, Map.of()));
        writer.emit(new TraceEvent.TraceEnded(id, t.plusMillis(5), Status.OK, null));
        ids.add(id);
      }
      writer.flush(Duration.ofSeconds(10));
    }
    for (int i = 0; i < ids.size(); i++) {
      Files.setLastModifiedTime(
          dir.resolve(ids.get(i) + ".jsonl"),
          FileTime.from(Instant.now().minus(Duration.ofDays(daysAgo[i]))));
    }
    return ids;
  }

  @Test
  void listPrintsRunsNewestFirstWithFilters() throws Exception {
    Fixtures.runMany(dir, 10); // alpha/beta alternately, the 10th fails
    Path junk = dir.resolve("20200101T000000000000Z-junk-00000000.jsonl");
    Files.writeString(junk, "junk\n");
    // an unreadable file sorts by its file time
    Files.setLastModifiedTime(junk, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
    Run all = cli("list");
    assertThat(all.code()).isZero();
    List<String> lines = all.out().lines().toList();
    assertThat(lines.getFirst()).startsWith("START (UTC)");
    assertThat(lines).hasSize(12);
    assertThat(lines.get(1)).contains("FAIL").contains("beta"); // the newest run failed
    assertThat(lines.getLast()).contains("UNREADABLE").contains("junk");
    assertThat(lines).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(120));

    Run failed = cli("list", "--status", "FAIL");
    assertThat(failed.out().lines().skip(1).toList()).hasSize(1);
    Run alpha = cli("list", "--name", "ALPHA", "--limit", "3");
    assertThat(alpha.out().lines().skip(1).toList())
        .hasSize(3)
        .allSatisfy(l -> assertThat(l).contains("alpha"));
    assertThat(cli("list", "--since", "1h").out().lines().count()).isEqualTo(11);

    JsonNode json = JsonViews.JSON.readTree(cli("list", "--json", "--limit", "100").out());
    assertThat(json.path("items").size()).isEqualTo(11);
    JsonNode first = json.path("items").get(0);
    assertThat(first.path("status").asText()).isEqualTo("FAIL");
    assertThat(first.has("id") && first.has("durationUs") && first.has("costUsd")).isTrue();
    // the id is never cut: it is what 'show' needs
    assertThat(lines.get(1)).contains(first.path("id").asText());
  }

  @Test
  void showPrintsTheStatusOutline() throws Exception {
    Fixtures.runMany(dir, 10);
    String id =
        JsonViews.JSON
            .readTree(cli("list", "--json", "--status", "FAIL").out())
            .path("items")
            .get(0)
            .path("id")
            .asText();
    Run shown = cli("show", id);
    assertThat(shown.code()).isZero();
    List<String> lines = shown.out().lines().toList();
    assertThat(lines.get(0)).contains("beta").contains(id);
    assertThat(lines.get(1)).startsWith("FAIL").contains("tokens");
    assertThat(shown.out())
        .contains("  FAIL  beta")
        .contains("OK  load input")
        .contains("FAIL  flaky step")
        .contains("error java.lang.IllegalStateException: transient failure")
        .contains("FAIL  priced step")
        .contains("tokens 19/5");
    JsonNode json = JsonViews.JSON.readTree(cli("show", id, "--json").out());
    assertThat(json.path("summary").path("status").asText()).isEqualTo("FAIL");
    assertThat(json.path("spans").size()).isEqualTo(json.path("summary").path("spanCount").asInt());
    assertThat(cli("show", "nope-not-there").code()).isEqualTo(2);
    assertThat(cli("show").err()).contains("show needs one trace id");
  }

  @Test
  void showAlsoPrintsTheNodesThatNeverRanInTheirPlaces() throws Exception {
    Tree<Integer> perItem = Tree.<Integer>named("item").call(i -> i * 2).build();
    Tree.<Integer>named("shape demo")
        .sequence()
        .selector()
        .name("first")
        .call(b -> "ok")
        .name("fallback")
        .call(b -> "never")
        .name("spare")
        .sequence()
        .name("deep")
        .call(b -> "never either")
        .end()
        .end()
        .name("fan out")
        .gather(b -> List.of(1, 2, 3), perItem, 2)
        .name("last")
        .call(b -> "done")
        .end()
        .build()
        .run(0, Fixtures.options(dir));
    Fixtures.flush(dir);
    String id =
        JsonViews.JSON
            .readTree(cli("list", "--json").out())
            .path("items")
            .get(0)
            .path("id")
            .asText();
    List<String> lines = cli("show", id).out().lines().toList();
    int first = indexOf(lines, "OK  first [Call]");
    int fallback = indexOf(lines, "NOT RUN  fallback [Call]");
    int spare = indexOf(lines, "NOT RUN  spare [Sequence]");
    int deep = indexOf(lines, "NOT RUN  deep [Call]");
    int fanOut = indexOf(lines, "OK  fan out [Gather]");
    int last = indexOf(lines, "OK  last [Call]");
    assertThat(List.of(first, fallback, spare, deep, fanOut, last)).isSorted();
    assertThat(first).isPositive();
    assertThat(indent(lines.get(fallback))).isEqualTo(indent(lines.get(first)));
    assertThat(indent(lines.get(deep))).isEqualTo(indent(lines.get(spare)) + 2);
    assertThat(lines.stream().filter(l -> l.contains("NOT RUN")).count())
        .as(
            "the Gather's items ran: its per-item node is not 'not run'\n"
                + String.join("\n", lines))
        .isEqualTo(3);
    assertThat(lines.subList(fanOut, last).stream().filter(l -> l.contains("OK  item")).count())
        .isEqualTo(3);
  }

  private static int indexOf(List<String> lines, String text) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(text)) {
        return i;
      }
    }
    throw new AssertionError("no line with '" + text + "' in\n" + String.join("\n", lines));
  }

  private static int indent(String line) {
    return line.length() - line.stripLeading().length();
  }

  @Test
  void pruneDeletesOldTracesButNeverARunningOne() throws Exception {
    List<String> old = oldTraces(40, 35, 2);
    Tree<Fixtures.Board> waiting =
        Tree.<Fixtures.Board>named("waiting")
            .call(
                b -> {
                  b.gate.acquire();
                  return "done";
                })
            .build();
    Fixtures.Board board = new Fixtures.Board(1, false);
    RunHandle running = waiting.start(board, Fixtures.options(dir));
    // a trace still being written whose start is older than the cutoff
    String ancient = "20250101T000000000000Z-still-writing-00000000";
    Files.writeString(
        dir.resolve(ancient + ".jsonl"),
        Files.readAllLines(dir.resolve(old.getFirst() + ".jsonl"))
                .getFirst()
                .replace(old.getFirst(), ancient)
            + "\n");
    await().until(() -> Files.exists(dir.resolve(running.traceId() + ".jsonl")));
    try {
      Run dry = cli("prune", "--older-than", "30d", "--dry-run");
      assertThat(dry.out()).contains("would delete 2 trace file(s)");
      assertThat(dir.resolve(old.get(0) + ".jsonl")).exists();

      Run pruned = cli("prune", "--older-than", "30d");
      assertThat(pruned.code()).isZero();
      assertThat(pruned.out()).contains("deleted 2 trace file(s)");
      assertThat(dir.resolve(old.get(0) + ".jsonl")).doesNotExist();
      assertThat(dir.resolve(old.get(1) + ".jsonl")).doesNotExist();
      assertThat(dir.resolve(old.get(2) + ".jsonl")).exists();
      assertThat(dir.resolve(ancient + ".jsonl")).exists();

      Run keep = cli("prune", "--keep", "1");
      assertThat(keep.out()).contains("deleted 0 trace file(s)"); // the only finished one is kept
      oldTraces(3, 4);
      assertThat(cli("prune", "--keep", "1").out()).contains("deleted 2 trace file(s)");
      assertThat(dir.resolve(old.get(2) + ".jsonl")).exists(); // the newest finished
      assertThat(dir.resolve(running.traceId() + ".jsonl")).exists();
      assertThat(dir.resolve(ancient + ".jsonl")).exists();
      assertThat(cli("prune").code()).isEqualTo(2);
      assertThat(cli("prune", "--older-than", "soon").err()).contains("not an age");
    } finally {
      board.gate.release();
      running.await();
    }
  }

  @Test
  void theServerPrunesWhileServingWithRetain() throws Exception {
    List<String> old = oldTraces(9, 8, 7, 6);
    ServerOptions options =
        Main.parse(new String[] {"--trace-dir", dir.toString(), "--port", "0", "--retain", "2"})
            .withRescanInterval(Duration.ofMillis(300));
    assertThat(options.retention()).isEqualTo(new Retention(null, 2));
    try (TraceServer server = TraceServer.start(options)) {
      Http http = new Http(server);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> http.json("/api/traces").path("total").asInt() == 2);
      assertThat(dir.resolve(old.get(0) + ".jsonl")).doesNotExist();
      assertThat(dir.resolve(old.get(1) + ".jsonl")).doesNotExist();
      assertThat(dir.resolve(old.get(3) + ".jsonl")).exists();
    }
  }
}
