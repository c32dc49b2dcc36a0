package dev.tasktree.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasktree.trace.LogLevel;
import dev.tasktree.trace.TraceEvent;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile files against the real server in a child JVM with {@code -Xmx256m} (issue 12, item 2):
 * multi-GB sparse files (a valid first line, then NUL bytes, no newline), a long line without a
 * newline, and concurrent loads of a big valid trace. Nothing runs out of memory, every file is
 * listed, every answer is JSON, and a small trace stays quick to open.
 */
class HeapLimitedServerTest {

  @TempDir static Path dir;
  static Process child;
  static final ConcurrentLinkedQueue<String> output = new ConcurrentLinkedQueue<>();
  static String base;
  static final HttpClient CLIENT = HttpClient.newHttpClient();
  static String small;
  static String firstLine;

  static final String SPARSE_2G = "20260101T000000000001Z-sparse-two-00000001";
  static final String SPARSE_6G = "20260101T000000000002Z-sparse-six-00000002";
  static final String LONG_LINE = "20260101T000000000003Z-long-line-00000003";
  static final String BIG_VALID = "20260101T000000000004Z-big-valid-00000004";

  @BeforeAll
  static void start() throws Exception {
    Fixtures.runMany(dir, 1);
    Path real;
    try (var files = Files.list(dir)) {
      real = files.filter(f -> f.toString().endsWith(".jsonl")).findFirst().orElseThrow();
    }
    small = real.getFileName().toString().replace(".jsonl", "");
    List<String> lines = Files.readAllLines(real);
    firstLine = lines.getFirst();
    sparse(dir.resolve(SPARSE_2G + ".jsonl"), 2L << 30);
    sparse(dir.resolve(SPARSE_6G + ".jsonl"), 6L << 30);
    sparse(dir.resolve(LONG_LINE + ".jsonl"), 20L << 20);
    bigValid(dir.resolve(BIG_VALID + ".jsonl"), lines, 24L << 20);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    child =
        new ProcessBuilder(
                java,
                "-Xmx256m",
                "-XX:+ExitOnOutOfMemoryError",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "--trace-dir",
                dir.toString(),
                "--port",
                "0")
            .redirectErrorStream(true)
            .start();
    Thread.ofPlatform()
        .daemon()
        .start(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                  output.add(l);
                }
              } catch (Exception ignored) {
                // the child ended
              }
            });
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> output.stream().anyMatch(l -> l.startsWith("Open http://")));
    String open = output.stream().filter(l -> l.startsWith("Open ")).findFirst().orElseThrow();
    base = open.substring(5).replaceAll("/$", "");
    await()
        .atMost(Duration.ofSeconds(120))
        .until(
            () -> {
              JsonNode h = json("/api/health");
              return h.path("traces").asInt() == 5 && !h.path("indexing").asBoolean();
            });
  }

  @AfterAll
  static void stop() throws Exception {
    if (child != null) {
      child.destroyForcibly();
      child.waitFor(20, TimeUnit.SECONDS);
    }
  }

  private static void sparse(Path file, long length) throws Exception {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.write((firstLine + "\n").getBytes(StandardCharsets.UTF_8));
      f.setLength(length); // NUL bytes to the end, no newline
    }
  }

  private static void bigValid(Path file, List<String> lines, long size) throws Exception {
    JsonNode first = JsonViews.JSON.readTree(lines.get(0));
    JsonNode rootStart = JsonViews.JSON.readTree(lines.get(1));
    String traceId = first.path("id").asText();
    String spanId = rootStart.path("span").asText();
    Instant t = Instant.parse(rootStart.path("time").asText());
    String message = "y".repeat(1000);
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write(lines.get(0) + "\n" + lines.get(1) + "\n");
      long written = 0;
      for (int i = 0; written < size; i++) {
        String line =
            new TraceEvent.SpanLogged(traceId, t, spanId, LogLevel.INFO, i + message).toJsonLine();
        out.write(line + "\n");
        written += line.length() + 1;
      }
      // no summary line: every read of it is a full read
      for (String line : lines.subList(2, lines.size() - 1)) {
        out.write(line + "\n");
      }
    }
  }

  static HttpResponse<String> get(String path) throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(90)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode json(String path) throws Exception {
    return JsonViews.JSON.readTree(get(path).body());
  }

  @Test
  void everyFileIsListedAndTheHugeOnesSayWhy() throws Exception {
    Map<String, JsonNode> items = new HashMap<>();
    json("/api/traces?limit=100").path("items").forEach(i -> items.put(i.path("id").asText(), i));
    assertThat(items).containsKeys(SPARSE_2G, SPARSE_6G, LONG_LINE, BIG_VALID, small);
    assertThat(items.get(SPARSE_2G).path("reason").asText()).contains("too large");
    assertThat(items.get(SPARSE_6G).path("reason").asText()).contains("too large");
    assertThat(items.get(SPARSE_6G).path("sizeBytes").asLong()).isEqualTo(6L << 30);
    // read within the budget: the NUL line is cut at the line cap and counts as corrupt
    assertThat(items.get(LONG_LINE).path("unreadable").asBoolean()).isFalse();
    assertThat(items.get(LONG_LINE).path("corruptLines").asInt()).isEqualTo(1);
    assertThat(items.get(BIG_VALID).path("unreadable").asBoolean()).isFalse();
    assertThat(items.get(BIG_VALID).path("spanCount").asInt()).isPositive();
  }

  @Test
  void concurrentLoadsOfHugeAndBigFilesAnswerJsonAndNothingRunsOutOfMemory() throws Exception {
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      for (String id : List.of(SPARSE_2G, SPARSE_6G, LONG_LINE, BIG_VALID)) {
        calls.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return get("/api/traces/" + id);
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                }));
      }
    }
    long t0 = System.nanoTime();
    HttpResponse<String> quick = get("/api/traces/" + small);
    assertThat(quick.statusCode()).isEqualTo(200);
    assertThat((System.nanoTime() - t0) / 1e9).as("a small trace opens meanwhile").isLessThan(10);
    for (CompletableFuture<HttpResponse<String>> call : calls) {
      HttpResponse<String> r = call.get(120, TimeUnit.SECONDS);
      assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
      assertThat(r.statusCode()).isIn(200, 413, 503);
      if (r.statusCode() != 200) {
        assertThat(JsonViews.JSON.readTree(r.body()).path("error").asText()).isNotBlank();
      }
    }
    assertThat(get("/api/traces/" + SPARSE_2G).statusCode()).isEqualTo(413);
    assertThat(get("/api/traces/" + BIG_VALID).statusCode()).isEqualTo(200);
    assertThat(child.isAlive()).isTrue();
    assertThat(String.join("\n", output)).doesNotContain("OutOfMemoryError");
    assertThat(json("/api/health").path("status").asText()).isEqualTo("ok");
  }
}
