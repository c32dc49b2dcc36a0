package dev.tasktree.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Links and special files in the trace directory (issue 12, item 3): listed with a reason that
 * quotes nothing, never opened, never followed out of the directory.
 */
class HostileFilesTest {

  @TempDir static Path root;
  static TraceServer server;
  static Http http;
  static String secret;

  static final String TO_OUTSIDE = "20260101T000000000001Z-link-out-00000001";
  static final String TO_PASSWD = "20260101T000000000002Z-passwd-00000002";
  static final String TO_INSIDE = "20260101T000000000003Z-link-in-00000003";
  static final String FIFO = "20260101T000000000004Z-fifo-00000004";
  static final String TO_SECRET = "20260101T000000000005Z-secret-00000005";

  @BeforeAll
  static void start() throws Exception {
    Path outside = Files.createDirectories(root.resolve("outside"));
    Fixtures.runMany(outside, 1);
    Path outsideTrace;
    try (var files = Files.list(outside)) {
      outsideTrace = files.filter(f -> f.toString().endsWith(".jsonl")).findFirst().orElseThrow();
    }
    Path dir = Files.createDirectories(root.resolve("traces"));
    Fixtures.runMany(dir, 1);
    Path insideTrace;
    try (var files = Files.list(dir)) {
      insideTrace = files.filter(f -> f.toString().endsWith(".jsonl")).findFirst().orElseThrow();
    }
    secret = "topsecret-" + System.nanoTime();
    Path secretFile = Files.writeString(root.resolve("secret.txt"), secret + " more words\n");
    Files.createSymbolicLink(dir.resolve(TO_OUTSIDE + ".jsonl"), outsideTrace);
    Files.createSymbolicLink(dir.resolve(TO_PASSWD + ".jsonl"), Path.of("/etc/passwd"));
    Files.createSymbolicLink(dir.resolve(TO_INSIDE + ".jsonl"), insideTrace.getFileName());
    Files.createSymbolicLink(dir.resolve(TO_SECRET + ".jsonl"), secretFile);
    Process mkfifo = new ProcessBuilder("mkfifo", dir.resolve(FIFO + ".jsonl").toString()).start();
    assertThat(mkfifo.waitFor()).isZero();
    server =
        TraceServer.start(
            ServerOptions.defaults()
                .withTraceDir(dir)
                .withPort(0)
                .withRescanInterval(Duration.ofMillis(300)));
    http = new Http(server);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                http.json("/api/health").path("traces").asInt() == 6
                    && !http.json("/api/health").path("indexing").asBoolean());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static Map<String, JsonNode> listed() {
    Map<String, JsonNode> byId = new HashMap<>();
    http.json("/api/traces?limit=100")
        .path("items")
        .forEach(i -> byId.put(i.path("id").asText(), i));
    return byId;
  }

  @Test
  void linksAndFifosAreListedWithAReasonAndNeverRead() {
    Map<String, JsonNode> items = listed();
    for (String id : List.of(TO_OUTSIDE, TO_PASSWD, TO_INSIDE, TO_SECRET)) {
      JsonNode item = items.get(id);
      assertThat(item).as(id).isNotNull();
      assertThat(item.path("unreadable").asBoolean()).as(id).isTrue();
      assertThat(item.path("reason").asText()).as(id).contains("symbolic link");
      assertThat(item.path("name").isNull()).as(id).isTrue();
    }
    JsonNode fifo = items.get(FIFO);
    assertThat(fifo.path("unreadable").asBoolean()).isTrue();
    assertThat(fifo.path("reason").asText()).contains("not a regular file");
  }

  @Test
  void openingALinkNeverServesItsTarget() {
    for (String id : List.of(TO_OUTSIDE, TO_PASSWD, TO_INSIDE, TO_SECRET, FIFO)) {
      Http.Response r = http.get("/api/traces/" + id);
      assertThat(r.status()).as(id).isEqualTo(422);
      assertThat(r.body()).as(id).doesNotContain("root").doesNotContain(secret);
      assertThat(r.body()).doesNotContain("\"spans\"");
      Http.Response events =
          http.get("/api/traces/" + id + "/events", "Accept", "text/event-stream");
      assertThat(events.status()).as(id).isEqualTo(422);
      Http.Response download = http.get("/api/traces/" + id + "/download");
      assertThat(download.status()).as(id).isEqualTo(422);
      assertThat(download.body()).doesNotContain("root").doesNotContain(secret);
    }
  }

  @Test
  void noReasonQuotesTheContentOfAnyFile() {
    String all = http.get("/api/traces?limit=100").body();
    assertThat(all).doesNotContain("root").doesNotContain(secret).doesNotContain("Unrecognized");
  }

  @Test
  void aHardLinkedForeignFileIsRejectedWithoutQuotingIt() throws Exception {
    Path dir = server.index().directory();
    Path foreign = Files.writeString(root.resolve("foreign.txt"), "root:x:0:0:" + secret + "\n");
    String id = "20260101T000000000006Z-hard-00000006";
    Files.createLink(dir.resolve(id + ".jsonl"), foreign);
    await().atMost(Duration.ofSeconds(20)).until(() -> listed().containsKey(id));
    JsonNode item = listed().get(id);
    assertThat(item.path("reason").asText()).startsWith("not a TaskTree trace");
    assertThat(item.toString()).doesNotContain("root").doesNotContain(secret);
    assertThat(http.get("/api/traces/" + id).body()).doesNotContain("root").doesNotContain(secret);
  }
}
