package dev.tasktree.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index persisted in the trace directory: a restart reads only files that changed since, and an
 * index file that is damaged, forged, replaced by a link or of another kind is ignored and rebuilt,
 * never trusted for paths, never a crash.
 */
class PersistedIndexTest {

  static final int RUNS = 40;
  @TempDir Path dir;
  @TempDir Path elsewhere;

  @BeforeEach
  void traces() {
    Fixtures.runMany(dir, RUNS);
  }

  /** Starts a server, waits for a complete index, and returns it (the caller closes it). */
  private TraceServer started(int expected) throws java.io.IOException {
    TraceServer server = TraceServer.start(ServerOptions.defaults().withTraceDir(dir).withPort(0));
    Http http = new Http(server);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              JsonNode h = http.json("/api/health");
              return h.path("traces").asInt() == expected && !h.path("indexing").asBoolean();
            });
    return server;
  }

  private Path indexFile() {
    return dir.resolve(IndexFile.NAME);
  }

  @Test
  void aRestartReadsOnlyTheFilesThatChanged() throws Exception {
    List<JsonNode> before;
    try (TraceServer first = started(RUNS)) {
      assertThat(first.index().reads()).isEqualTo(RUNS);
      before = items(first);
    }
    assertThat(indexFile()).isRegularFile();
    try (TraceServer second = started(RUNS)) {
      assertThat(second.index().reads()).as("nothing changed: nothing read").isZero();
      assertThat(items(second)).isEqualTo(before);
      assertThat(new Http(second).json("/api/health").path("ignoredFiles").asInt()).isZero();
    }
    // One trace appended to (no longer ends with its summary), one deleted, one new.
    String changed = before.get(3).path("id").asText();
    Files.writeString(dir.resolve(changed + ".jsonl"), "{not json\n", StandardOpenOption.APPEND);
    Files.delete(dir.resolve(before.get(5).path("id").asText() + ".jsonl"));
    Fixtures.runMany(elsewhere, 1);
    try (var moved = Files.list(elsewhere)) {
      for (Path p : moved.filter(p -> p.toString().endsWith(".jsonl")).toList()) {
        Files.copy(p, dir.resolve(p.getFileName()));
      }
    }
    try (TraceServer third = started(RUNS)) {
      assertThat(third.index().reads()).isEqualTo(2);
      JsonNode entry =
          new Http(third).json("/api/traces?limit=1&q=" + changed).path("items").get(0);
      assertThat(entry.path("id").asText()).isEqualTo(changed);
      assertThat(entry.path("corruptLines").asInt()).as("read in full again").isEqualTo(1);
    }
  }

  private static List<JsonNode> items(TraceServer server) {
    JsonNode page = new Http(server).json("/api/traces?limit=1000");
    return java.util.stream.StreamSupport.stream(page.path("items").spliterator(), false).toList();
  }

  @Test
  void aDamagedForgedOrLinkedIndexIsIgnoredAndRebuilt() throws Exception {
    try (TraceServer first = started(RUNS)) {
      // writes the index on close
    }
    byte[] good = Files.readAllBytes(indexFile());
    List<byte[]> hostile =
        List.of(
            "not an index".getBytes(StandardCharsets.UTF_8),
            Arrays.copyOf(good, good.length / 2), // cut by a crash
            flipped(good, good.length / 3), // a bit changed: the checksum says so
            new byte[0],
            new byte[64 << 10]); // zeros
    for (byte[] bytes : hostile) {
      Files.write(indexFile(), bytes);
      try (TraceServer server = started(RUNS)) {
        assertThat(server.index().reads()).as("rebuilt from the traces").isEqualTo(RUNS);
      }
      assertThat(Files.readAllBytes(indexFile())).as("and written again").hasSize(good.length);
    }
    // An index with a valid checksum whose entry names a path outside the directory.
    Files.writeString(elsewhere.resolve("secret.jsonl"), "secret\n");
    IndexFile.save(
        dir,
        List.of(
            new IndexEntry(
                "../" + elsewhere.getFileName() + "/secret", 7, Instant.EPOCH, null, "forged")));
    try (TraceServer server = started(RUNS)) {
      assertThat(server.index().reads()).isEqualTo(RUNS);
      String body = new Http(server).get("/api/traces?limit=1000").body();
      assertThat(body).doesNotContain("forged").doesNotContain("secret");
    }
    // A link named like the index (to a real index elsewhere) is not followed.
    Path real = elsewhere.resolve("index");
    Files.write(real, good);
    Files.delete(indexFile());
    Files.createSymbolicLink(indexFile(), real);
    try (TraceServer server = started(RUNS)) {
      assertThat(server.index().reads()).isEqualTo(RUNS);
    }
    assertThat(Files.isSymbolicLink(indexFile())).as("replaced by a file").isFalse();
    assertThat(Files.readAllBytes(real)).as("the link's target untouched").isEqualTo(good);
    // A directory in its place: the server still serves (it cannot save; it says so once).
    Files.delete(indexFile());
    Files.createDirectory(indexFile());
    try (TraceServer server = started(RUNS)) {
      assertThat(server.index().reads()).isEqualTo(RUNS);
    }
  }

  private static byte[] flipped(byte[] bytes, int at) {
    byte[] copy = bytes.clone();
    copy[at] ^= 0x10;
    return copy;
  }
}
