package dev.tasktree.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasktree.trace.LogLevel;
import dev.tasktree.trace.TraceEvent;
import java.io.BufferedWriter;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Corrupt, truncated, empty, huge (100 MB) and non-trace files: listed as unreadable with a reason
 * or ignored, never a crash, and the server keeps answering.
 */
class RobustnessTest {

  static final long HUGE = 100L * 1024 * 1024;
  @TempDir static Path dir;
  static TraceServer server;
  static Http http;
  static List<String> realLines;

  @BeforeAll
  static void start() throws Exception {
    Path staging = Files.createDirectories(dir.resolve("staging"));
    Fixtures.runMany(staging, 1);
    Path real;
    try (var files = Files.list(staging)) {
      real = files.filter(f -> f.toString().endsWith(".jsonl")).findFirst().orElseThrow();
    }
    realLines = Files.readAllLines(real);
    Path traces = Files.createDirectories(dir.resolve("traces"));
    // A real trace with garbage lines in between.
    List<String> corrupt = new java.util.ArrayList<>(realLines);
    corrupt.add(2, "{this is not json");
    corrupt.add(4, "\u0000\u0001garbage");
    Files.write(traces.resolve("20260101T000000000001Z-corrupt-00000001.jsonl"), corrupt);
    // A real trace cut in the middle of a line (a process that died while writing).
    String whole = String.join("\n", realLines) + "\n";
    Files.writeString(
        traces.resolve("20260101T000000000002Z-truncated-00000002.jsonl"),
        whole.substring(0, whole.length() / 2));
    Files.writeString(traces.resolve("20260101T000000000003Z-empty-00000003.jsonl"), "");
    Files.writeString(
        traces.resolve("20260101T000000000004Z-text-00000004.jsonl"), "hello\nworld\n");
    Files.writeString(traces.resolve("20260101T000000000005Z-json-00000005.jsonl"), "{\"a\":1}\n");
    byte[] binary = new byte[10_000];
    new Random(1).nextBytes(binary);
    Files.write(traces.resolve("20260101T000000000006Z-binary-00000006.jsonl"), binary);
    // 100 MB in one line: rejected after reading one line's limit (8 MB).
    try (OutputStream out =
        Files.newOutputStream(
            traces.resolve("20260101T000000000007Z-huge-garbage-00000007.jsonl"))) {
      byte[] block = new byte[1 << 20];
      Arrays.fill(block, (byte) 'x');
      for (long written = 0; written < HUGE; written += block.length) {
        out.write(block);
      }
    }
    // A valid 100 MB trace: the real events with 100,000 log lines of 1 KB on its root span.
    writeHugeTrace(traces.resolve("20260101T000000000008Z-huge-trace-00000008.jsonl"));
    Files.writeString(traces.resolve("README.txt"), "not a trace");
    Files.writeString(traces.resolve("bad.name.jsonl"), "not a trace id");
    Files.createDirectories(traces.resolve("20260101T000000000009Z-a-directory.jsonl"));
    server =
        TraceServer.start(
            ServerOptions.defaults()
                .withTraceDir(traces)
                .withPort(0)
                .withStaleAfter(Duration.ofSeconds(1))
                .withRescanInterval(Duration.ofMillis(500)));
    http = new Http(server);
    await()
        .atMost(Duration.ofSeconds(120))
        .until(
            () -> {
              JsonNode h = http.json("/api/health");
              return h.path("traces").asInt() == 8 && h.path("pending").asInt() == 0;
            });
  }

  private static void writeHugeTrace(Path file) throws Exception {
    JsonNode first = dev.tasktree.trace.TraceJson.newMapper().readTree(realLines.get(0));
    JsonNode rootStart = dev.tasktree.trace.TraceJson.newMapper().readTree(realLines.get(1));
    String traceId = first.path("id").asText();
    String spanId = rootStart.path("span").asText();
    String message = "x".repeat(1000);
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write(realLines.get(0));
      out.write('\n');
      out.write(realLines.get(1));
      out.write('\n');
      Instant t = Instant.parse(rootStart.path("time").asText());
      long size = 0;
      for (int i = 0; size < HUGE; i++) {
        String line =
            new TraceEvent.SpanLogged(traceId, t, spanId, LogLevel.INFO, i + " " + message)
                .toJsonLine();
        out.write(line);
        out.write('\n');
        size += line.length() + 1;
      }
      for (String line : realLines.subList(2, realLines.size())) {
        out.write(line);
        out.write('\n');
      }
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static Map<String, JsonNode> listed() {
    Map<String, JsonNode> byName = new HashMap<>();
    for (JsonNode item : http.json("/api/traces?limit=100").path("items")) {
      String id = item.path("id").asText();
      byName.put(id.split("-", 2)[1].replaceAll("-0000000\\d$", ""), item);
    }
    return byName;
  }

  @Test
  void readableDamageIsShownAndUnreadableFilesSayWhy() {
    Map<String, JsonNode> items = listed();
    assertThat(items.keySet())
        .containsExactlyInAnyOrder(
            "corrupt",
            "truncated",
            "empty",
            "text",
            "json",
            "binary",
            "huge-garbage",
            "huge-trace");
    assertThat(items.get("corrupt").path("unreadable").asBoolean()).isFalse();
    assertThat(items.get("corrupt").path("corruptLines").asInt()).isEqualTo(2);
    assertThat(items.get("corrupt").path("status").asText()).isEqualTo("OK");
    assertThat(items.get("truncated").path("unreadable").asBoolean()).isFalse();
    assertThat(items.get("empty").path("reason").asText()).isEqualTo("empty file");
    assertThat(items.get("text").path("reason").asText()).startsWith("not a TaskTree trace");
    assertThat(items.get("json").path("reason").asText()).startsWith("not a TaskTree trace");
    assertThat(items.get("binary").path("reason").asText()).startsWith("not a TaskTree trace");
    assertThat(items.get("huge-garbage").path("reason").asText()).contains("longer than 8 MB");
    for (String name : List.of("empty", "text", "json", "binary", "huge-garbage")) {
      assertThat(items.get(name).path("unreadable").asBoolean()).as(name).isTrue();
      assertThat(items.get(name).path("status").isNull()).as(name).isTrue();
    }
    assertThat(http.json("/api/traces?status=UNREADABLE").path("total").asInt()).isEqualTo(5);
    assertThat(http.json("/api/health").path("ignoredFiles").asInt()).isEqualTo(2);
  }

  @Test
  void aTruncatedTraceWhoseWriterIsGoneReadsAsInterrupted() {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> listed().get("truncated").path("status").asText().equals("INTERRUPTED"));
    JsonNode trace = http.json("/api/traces/" + listed().get("truncated").path("id").asText());
    assertThat(trace.path("summary").path("status").asText()).isEqualTo("INTERRUPTED");
    assertThat(trace.path("spans").size()).isPositive();
  }

  @Test
  void openingAnUnreadableFileIsAJsonErrorWithTheReason() {
    for (String name : List.of("empty", "text", "binary", "huge-garbage")) {
      Http.Response r = http.get("/api/traces/" + listed().get(name).path("id").asText());
      assertThat(r.status()).as(name).isEqualTo(422);
      assertThat(r.json().path("error").asText()).as(name).startsWith("unreadable trace");
    }
  }

  @Test
  void aHugeTraceIsListedAndServedInFull() {
    JsonNode huge = listed().get("huge-trace");
    assertThat(huge.path("unreadable").asBoolean()).isFalse();
    assertThat(huge.path("sizeBytes").asLong()).isGreaterThan(HUGE);
    assertThat(huge.path("spanCount").asInt()).isEqualTo(7);
    long bytes = http.count("/api/traces/" + huge.path("id").asText());
    assertThat(bytes).isGreaterThan(HUGE);
    assertThat(http.json("/api/health").path("status").asText()).isEqualTo("ok");
  }
}
