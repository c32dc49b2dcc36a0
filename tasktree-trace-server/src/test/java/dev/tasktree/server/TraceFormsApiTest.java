package dev.tasktree.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The compact trace form, the shape pass-through and the download of a trace file. */
class TraceFormsApiTest {

  @TempDir static Path dir;
  static TraceServer server;
  static Http http;
  static String failed;
  static String shaped;
  static String unshaped;

  @BeforeAll
  static void start() throws Exception {
    Fixtures.pipeline("retry pipeline").run(new Fixtures.Board(7, true), Fixtures.options(dir));
    Fixtures.flush(dir);
    shaped =
        TraceFiles.trace(
                "shaped",
                Instant.parse("2026-01-01T10:00:00Z"),
                TraceFiles.node(
                    "Tree", "shaped", "shaped", TraceFiles.node("Call", "never", "shaped > never")))
            .start(0, "r", null, "shaped", "Tree", "shaped")
            .end(5, "r", "OK")
            .traceEnd(5, "OK")
            .write(dir, true);
    unshaped =
        TraceFiles.trace("unshaped", Instant.parse("2026-01-01T11:00:00Z"))
            .start(0, "r", null, "unshaped", "Tree", "unshaped")
            .end(5, "r", "OK")
            .traceEnd(5, "OK")
            .write(dir, true);
    server = TraceServer.start(ServerOptions.defaults().withTraceDir(dir).withPort(0));
    http = new Http(server);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> http.json("/api/health").path("traces").asInt() == 3);
    failed = http.json("/api/traces?q=retry").path("items").get(0).path("id").asText();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void theCompactFormCarriesEverySpanFieldOfThePlainForm() {
    JsonNode plain = http.json("/api/traces/" + failed);
    JsonNode compact = http.json("/api/traces/" + failed + "?form=compact");
    assertThat(compact.path("form").asText()).isEqualTo("compact");
    assertThat(compact.path("summary")).isEqualTo(plain.path("summary"));
    assertThat(compact.path("offset")).isEqualTo(plain.path("offset"));
    JsonNode strings = compact.path("strings");
    long base = compact.path("baseUs").asLong();
    JsonNode spans = compact.path("spans");
    assertThat(spans.size()).isEqualTo(plain.path("spans").size()).isGreaterThan(5);
    boolean sawLog = false;
    boolean sawError = false;
    List<String> paths = new ArrayList<>();
    int relative = 0;
    for (int i = 0; i < spans.size(); i++) {
      JsonNode c = spans.get(i);
      JsonNode p = plain.path("spans").get(i);
      assertThat(c.get(0).asText()).isEqualTo(p.path("id").asText());
      int parent = c.get(1).asInt();
      assertThat(parent < 0 ? null : spans.get(parent).get(0).asText())
          .isEqualTo(p.path("parentId").isNull() ? null : p.path("parentId").asText());
      assertThat(strings.get(c.get(2).asInt()).asText()).isEqualTo(p.path("name").asText());
      assertThat(strings.get(c.get(3).asInt()).asText()).isEqualTo(p.path("kind").asText());
      int path = c.get(4).asInt();
      if (path < 0) {
        relative++;
      }
      paths.add(
          path >= 0
              ? strings.get(path).asText()
              : paths.get(parent) + " > " + strings.get(-path - 1).asText());
      assertThat(paths.get(i)).isEqualTo(p.path("path").asText());
      assertThat(base + c.get(5).asLong()).isEqualTo(p.path("startUs").asLong());
      assertThat(base + c.get(6).asLong()).isEqualTo(p.path("endUs").asLong());
      assertThat(strings.get(c.get(7).asInt()).asText()).isEqualTo(p.path("status").asText());
      assertThat(c.get(8)).isEqualTo(p.path("data"));
      if (!p.path("error").isNull()) {
        sawError = true;
        assertThat(c.get(9).get(0).asText()).isEqualTo(p.path("error").path("type").asText());
        assertThat(c.get(9).get(1).asText()).isEqualTo(p.path("error").path("message").asText());
      } else {
        assertThat(c.get(9).isNull()).isTrue();
      }
      if (p.path("logs").size() > 0) {
        sawLog = true;
        assertThat(c.get(10).get(0).get(2).asText())
            .isEqualTo(p.path("logs").get(0).path("message").asText());
        assertThat(base + c.get(10).get(0).get(0).asLong())
            .isEqualTo(p.path("logs").get(0).path("timeUs").asLong());
      }
      if (p.path("attributes").size() > 0) {
        assertThat(c.get(11)).isEqualTo(p.path("attributes"));
      } else {
        assertThat(c.get(11).asInt()).isZero();
      }
    }
    assertThat(sawLog).isTrue();
    assertThat(sawError).isTrue();
    assertThat(relative).as("paths sent relative to their parent's").isPositive();
    assertThat(http.get("/api/traces/" + failed + "?form=compact").body().length())
        .isLessThan(http.get("/api/traces/" + failed).body().length());
  }

  @Test
  void aReopenedTraceServesTheSameCompactBytesUntilItsFileChanges() throws Exception {
    Instant t0 = Instant.parse("2026-01-01T12:00:00Z");
    String id =
        TraceFiles.trace("kept", t0)
            .start(0, "r", null, "kept", "Tree", "kept")
            .start(1, "c", "r", "first name", "Call", "kept > first name")
            .end(2, "c", "OK")
            .end(5, "r", "OK")
            .traceEnd(5, "OK")
            .write(dir, true);
    await().until(() -> http.json("/api/traces/" + id).path("spans").size() == 2);
    String first = http.get("/api/traces/" + id + "?form=compact").body();
    assertThat(http.get("/api/traces/" + id + "?form=compact").body()).isEqualTo(first);
    assertThat(first).contains("first name");
    // The same trace rewritten (same id): the kept bytes are not served for the new file.
    Path file = dir.resolve(id + ".jsonl");
    Files.writeString(file, Files.readString(file).replace("first name", "a second, longer name"));
    String second = http.get("/api/traces/" + id + "?form=compact").body();
    assertThat(second).contains("a second, longer name").doesNotContain("first name");
    assertThat(http.json("/api/traces/" + id + "?form=compact").path("spans").size()).isEqualTo(2);
  }

  @Test
  void theShapeOfTheFirstLineIsPassedThroughAndIsNullWithoutOne() {
    assertThat(
            http.json("/api/traces/" + shaped)
                .path("shape")
                .path("children")
                .get(0)
                .path("path")
                .asText())
        .isEqualTo("shaped > never");
    assertThat(
            http.json("/api/traces/" + shaped + "?form=compact")
                .path("shape")
                .path("name")
                .asText())
        .isEqualTo("shaped");
    assertThat(http.json("/api/traces/" + unshaped).path("shape").isNull()).isTrue();
    // core writes the shape of every run it traces (format v2)
    assertThat(http.json("/api/traces/" + failed).path("shape").path("kind").asText())
        .isEqualTo("Tree");
  }

  @Test
  void aRunDownloadsAsTheFileItWasWrittenAs() throws Exception {
    Http.Response r = http.get("/api/traces/" + failed + "/download");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(Files.readString(dir.resolve(failed + ".jsonl")));
    assertThat(r.raw().headers().firstValue("Content-Disposition").orElseThrow())
        .isEqualTo("attachment; filename=\"" + failed + ".jsonl\"");
    assertThat(r.raw().headers().firstValue("Content-Type").orElseThrow())
        .startsWith("application/x-ndjson");
    assertThat(http.get("/api/traces/20260101T000000000000Z-nope-00000000/download").status())
        .isEqualTo(404);
    assertThat(http.get("/api/traces/..%2Fetc/download").status()).isIn(400, 404);
  }
}
