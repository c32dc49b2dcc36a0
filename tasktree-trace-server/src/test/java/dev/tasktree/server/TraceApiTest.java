package dev.tasktree.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasktree.RunHandle;
import dev.tasktree.trace.TraceJson;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One trace over HTTP: the span tree, live events, errors, traversal, the index's freshness. */
class TraceApiTest {

  @TempDir Path dir;
  TraceServer server;
  Http http;

  @BeforeEach
  void start() throws Exception {
    server = TraceServer.start(ServerOptions.defaults().withTraceDir(dir).withPort(0));
    http = new Http(server);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private String onlyId(String query) {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> http.json("/api/traces?" + query).path("items").size() == 1);
    return http.json("/api/traces?" + query).path("items").get(0).path("id").asText();
  }

  @Test
  void servesTheSpanTreeAndSummaryOfARun() throws Exception {
    Fixtures.llmTree("weather chat", "ask model", "Sunny.")
        .run(new Fixtures.Board(1, false), Fixtures.options(dir));
    Fixtures.flush(dir);
    String id = onlyId("q=weather");
    JsonNode trace = http.json("/api/traces/" + id);
    assertThat(trace.path("id").asText()).isEqualTo(id);
    assertThat(trace.path("summary").path("status").asText()).isEqualTo("OK");
    assertThat(trace.path("summary").path("inputTokens").asLong()).isEqualTo(120);
    assertThat(trace.path("offset").asLong()).isEqualTo(Files.size(dir.resolve(id + ".jsonl")));
    List<JsonNode> spans = StreamSupport.stream(trace.path("spans").spliterator(), false).toList();
    assertThat(spans)
        .extracting(s -> s.path("name").asText())
        .containsExactly(
            "weather chat", "Sequence", "prepare", "ask model", "get_weather", "store answer");
    assertThat(spans).extracting(s -> s.path("depth").asInt()).containsExactly(0, 1, 2, 2, 3, 2);
    JsonNode llm = spans.get(3);
    assertThat(llm.path("kind").asText()).isEqualTo("LLM");
    assertThat(llm.path("parentId").asText()).isEqualTo(spans.get(1).path("id").asText());
    assertThat(llm.path("childCount").asInt()).isEqualTo(1);
    assertThat(llm.path("attributes").path("gen_ai.request.model").asText())
        .isEqualTo("gpt-test-mini");
    assertThat(llm.path("data").path("text").asText()).isEqualTo("Sunny.");
    assertThat(spans.get(0).path("parentId").isNull()).isTrue();
  }

  @Test
  void recordsErrorsLogsAndAttemptsOfARetriedRun() {
    Fixtures.pipeline("pipe").run(new Fixtures.Board(7, true), Fixtures.options(dir));
    Fixtures.flush(dir);
    String id = onlyId("q=pipe");
    JsonNode spans = http.json("/api/traces/" + id).path("spans");
    List<JsonNode> list = StreamSupport.stream(spans.spliterator(), false).toList();
    JsonNode load =
        list.stream()
            .filter(s -> s.path("name").asText().equals("load input"))
            .findFirst()
            .orElseThrow();
    assertThat(load.path("logs").get(0).path("message").asText()).isEqualTo("loading item 7");
    List<JsonNode> attempts =
        list.stream().filter(s -> s.path("name").asText().equals("flaky step")).toList();
    assertThat(attempts).hasSize(2);
    assertThat(attempts.get(0).path("error").path("message").asText())
        .isEqualTo("transient failure 7");
    assertThat(attempts.get(0).path("error").path("stack").asText())
        .contains("IllegalStateException");
    assertThat(attempts.get(1).path("status").asText()).isEqualTo("OK");
    assertThat(http.json("/api/traces/" + id).path("summary").path("status").asText())
        .isEqualTo("FAIL");
  }

  @Test
  void unknownAndInvalidIdsAreJsonErrors() throws Exception {
    Http.Response unknown = http.get("/api/traces/20260101T000000000000Z-nothing-00000000");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.header("Content-Type")).startsWith("application/json");
    assertThat(unknown.json().path("error").asText()).contains("no trace");
    for (String bad : List.of("bad.id", "..", "a%20b", "%2e%2e", "x;y")) {
      Http.Response r = http.get("/api/traces/" + bad);
      assertThat(r.status()).as(bad).isEqualTo(400);
      assertThat(r.json().path("error").asText()).as(bad).isEqualTo("invalid trace id");
    }
    assertThat(http.get("/api/traces/bad.id/events", "Accept", "text/event-stream").status())
        .isEqualTo(400);
    assertThat(http.get("/api/nothing").status()).isEqualTo(404);
  }

  @Test
  void pathTraversalNeverReachesAFileOutsideTheDirectory() throws Exception {
    Path secret = dir.getParent().resolve("secret-" + System.nanoTime() + ".jsonl");
    Files.writeString(secret, "TOP SECRET");
    try {
      String name = secret.getFileName().toString().replace(".jsonl", "");
      int port = server.port();
      for (String path :
          List.of(
              "/api/traces/..%2F" + name,
              "/api/traces/%2e%2e%2f" + name,
              "/api/traces/../" + name,
              "/api/traces/..%5c" + name,
              "/ui/..%2F..%2F..%2Fetc%2Fpasswd",
              "/ui/../../dev/tasktree/server/TraceServer.class",
              "/traces/..%2F" + name + "/events")) {
        String response = http.raw(port, path);
        assertThat(response).as(path).doesNotContain("TOP SECRET").doesNotContain("root:");
        assertThat(response.substring(9, 12)).as(path).isIn("400", "404");
      }
    } finally {
      Files.deleteIfExists(secret);
    }
  }

  @Test
  void everyResponseCarriesAContentSecurityPolicyWithoutInlineScript() {
    for (String path : List.of("/", "/api/health", "/api/traces", "/ui/app.js", "/traces/x")) {
      Http.Response r = http.get(path);
      assertThat(r.status()).as(path).isEqualTo(200);
      String csp = r.header("Content-Security-Policy");
      assertThat(csp).as(path).contains("script-src 'self'").doesNotContain("unsafe-inline");
      assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
    }
    Http.Response page = http.get("/");
    assertThat(page.header("Content-Type")).startsWith("text/html");
    assertThat(page.body()).contains("<script type=\"module\" src=\"/ui/app.js\"></script>");
    assertThat(http.get("/ui/app.js").header("Content-Type")).startsWith("text/javascript");
    assertThat(http.get("/ui/nope.js").status()).isEqualTo(404);
  }

  @Test
  void requestsForAnotherHostNameAreRefused() throws Exception {
    String response = http.raw(server.port(), "/api/health", "evil.example:8000");
    assertThat(response).startsWith("HTTP/1.1 403").contains("localhost");
    assertThat(http.raw(server.port(), "/api/health", "localhost:1")).startsWith("HTTP/1.1 200");
  }

  @Test
  void healthReportsTheIndex() throws Exception {
    Files.writeString(dir.resolve("notes.txt"), "not a trace");
    Fixtures.runMany(dir, 3);
    server.index().rescan();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              JsonNode health = http.json("/api/health");
              assertThat(health.path("status").asText()).isEqualTo("ok");
              assertThat(health.path("traces").asInt()).isEqualTo(3);
              assertThat(health.path("ignoredFiles").asInt()).isEqualTo(1);
              assertThat(health.path("traceDir").asText())
                  .isEqualTo(dir.toAbsolutePath().normalize().toString());
            });
  }

  @Test
  void aNewFileIsReadOnceAndAnUnchangedOneNeverAgain() throws Exception {
    Path staging = Files.createTempDirectory(dir.getParent(), "staging");
    Fixtures.runMany(staging, 1);
    Path file;
    try (var files = Files.list(staging)) {
      file = files.filter(f -> f.toString().endsWith(".jsonl")).findFirst().orElseThrow();
    }
    long before = server.index().reads();
    Files.move(file, dir.resolve(file.getFileName()), StandardCopyOption.ATOMIC_MOVE);
    await().atMost(Duration.ofSeconds(20)).until(() -> server.index().size() == 1);
    await().until(() -> server.index().pending() == 0);
    assertThat(server.index().reads() - before).isEqualTo(1);
    server.index().rescan();
    server.index().rescan();
    await().until(() -> server.index().pending() == 0);
    assertThat(server.index().reads() - before).isEqualTo(1);
    Files.delete(dir.resolve(file.getFileName()));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> http.json("/api/traces").path("total").asInt() == 0);
  }

  @Test
  void aTraceDirectoryThatDoesNotExistIsCreatedAndWatched() throws Exception {
    Path missing = dir.resolve("later/traces");
    try (TraceServer other =
        TraceServer.start(ServerOptions.defaults().withTraceDir(missing).withPort(0))) {
      assertThat(missing).isDirectory();
      Http otherHttp = new Http(other);
      assertThat(otherHttp.json("/api/traces").path("total").asInt()).isZero();
      Fixtures.runMany(missing, 2);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> otherHttp.json("/api/traces").path("total").asInt() == 2);
    }
  }

  @Test
  void streamsTheEventsOfARunningTraceUntilItEnds() throws Exception {
    Fixtures.Board board = new Fixtures.Board(0, false);
    RunHandle run = Fixtures.startGated(dir, board, 3);
    String id = run.traceId();
    await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(dir.resolve(id + ".jsonl")));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                StreamSupport.stream(
                        http.json("/api/traces/" + id).path("spans").spliterator(), false)
                    .anyMatch(s -> s.path("name").asText().equals("step-1")));
    JsonNode snapshot = http.json("/api/traces/" + id);
    assertThat(snapshot.path("summary").path("status").asText()).isEqualTo("RUNNING");
    long offset = snapshot.path("offset").asLong();

    List<JsonNode> events = new CopyOnWriteArrayList<>();
    List<String> ids = new CopyOnWriteArrayList<>();
    HttpResponse<java.io.InputStream> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:"
                                + server.port()
                                + "/api/traces/"
                                + id
                                + "/events?from="
                                + offset))
                    .header("Accept", "text/event-stream")
                    .build(),
                HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElse(""))
        .startsWith("text/event-stream");
    Thread reader =
        Thread.ofVirtual()
            .start(
                () -> {
                  try (BufferedReader in =
                      new BufferedReader(
                          new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                      if (line.startsWith("data: ")) {
                        events.add(TraceJson.newMapper().readTree(line.substring(6)));
                      } else if (line.startsWith("id: ")) {
                        ids.add(line.substring(4));
                      }
                    }
                  } catch (Exception e) {
                    events.add(TraceJson.newMapper().valueToTree(Map.of("type", "error:" + e)));
                  }
                });
    board.gate.release();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> events.stream().anyMatch(e -> e.path("name").asText().equals("step-2")));
    assertThat(reader.isAlive()).as("the stream stays open while the run runs").isTrue();
    board.gate.release(2);
    run.await();
    reader.join(Duration.ofSeconds(20));
    assertThat(reader.isAlive()).as("the stream ends with the trace").isFalse();
    List<String> types = new ArrayList<>();
    events.forEach(e -> types.add(e.path("type").asText() + ":" + e.path("name").asText("")));
    assertThat(types).contains("start:step-2", "start:step-3").endsWith("trace_end:");
    assertThat(events)
        .anyMatch(
            e ->
                e.path("type").asText().equals("log")
                    && e.path("message").asText().equals("step 2 done"));
    JsonNode end =
        events.stream()
            .filter(e -> e.path("type").asText().equals("end"))
            .findFirst()
            .orElseThrow();
    assertThat(end.path("status").asText()).isEqualTo("OK");
    assertThat(end.path("endUs").asLong()).isPositive();
    assertThat(events.getLast().path("status").asText()).isEqualTo("OK");
    // the end's id is the offset just after the trace_end line (only the summary line follows)
    String content = Files.readString(dir.resolve(id + ".jsonl"));
    String beforeSummary = content.substring(0, content.lastIndexOf("{\"type\":\"summary\""));
    assertThat(beforeSummary).endsWith("}\n").contains("\"type\":\"trace_end\"");
    assertThat(Long.parseLong(ids.getLast()))
        .isEqualTo(beforeSummary.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
    // a client that reconnects after the end is told at once that it ended
    Http.Response again =
        http.get(
            "/api/traces/" + id + "/events?from=" + Files.size(dir.resolve(id + ".jsonl")),
            "Accept",
            "text/event-stream");
    assertThat(again.body()).contains("\"type\":\"trace_end\"");
  }

  @Test
  void aWideTreeWhoseShapeLineIsOverOneMegabyteIsListedAndServed() throws Exception {
    // 12,000 leaves: the first line carries the shape, well over the 1 MB a probe once read.
    var builder = dev.tasktree.Tree.<Fixtures.Board>named("wide tree").sequence();
    for (int i = 0; i < 12_000; i++) {
      builder.name("leaf number " + i).call(b -> "ok");
    }
    builder.end().build().run(new Fixtures.Board(1, false), Fixtures.options(dir));
    Fixtures.flush(dir);
    String id = onlyId("q=wide");
    Path file = dir.resolve(id + ".jsonl");
    String firstLine;
    try (BufferedReader in = Files.newBufferedReader(file)) {
      firstLine = in.readLine();
    }
    assertThat(firstLine.length()).isGreaterThan(1 << 20);
    // The index may first have seen the file while it was being written; it catches up.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(
                        http.json("/api/traces?q=wide")
                            .path("items")
                            .get(0)
                            .path("status")
                            .asText())
                    .isEqualTo("OK"));
    JsonNode trace = http.json("/api/traces/" + id);
    assertThat(trace.path("spans").size()).isEqualTo(12_002);
    assertThat(trace.path("shape").path("children").get(0).path("children").size())
        .isEqualTo(12_000);
  }
}
