package dev.tasktree.trace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The byte scan of the writer's own first and summary lines: taken for what this writer writes,
 * and, for any line at all, either declined or equal to what the JSON parser reads.
 */
class WriterLayoutTest {

  @TempDir Path dir;
  private JsonlTraceWriter writer;

  @AfterEach
  void close() {
    if (writer != null) {
      writer.close();
    }
  }

  private static final List<String> NAMES =
      List.of("plain tree", "naïve ünïcode", "say \"hi\" \\ there", "tab\tname", "");
  private static final List<List<String>> MODELS =
      List.of(
          List.of(),
          List.of("model-b", "model-a", "model-b"),
          List.of("mödel"),
          List.of("  padded  "),
          List.of("esc\"aped"));
  private static final List<Double> COSTS = List.of(0.0, 0.25, 1.0E-7, 12345.678, 3.0);

  @Test
  void whatTheWriterWritesIsScannedAndReadsAsTheParserReadsIt() throws Exception {
    writer = JsonlTraceWriter.open(dir, Duration.ofMillis(10), Duration.ofSeconds(5));
    Instant t = Instant.parse("2026-01-01T00:00:00.123456Z");
    int n = 0;
    int scannedHeads = 0;
    int scannedTotals = 0;
    List<Path> files = new ArrayList<>();
    for (String name : NAMES) {
      for (List<String> models : MODELS) {
        for (boolean attrs : new boolean[] {false, true}) {
          Status status = Status.values()[n % Status.values().length];
          double cost = COSTS.get(n % COSTS.size());
          files.add(
              write("20260101T000000000000Z-layout-" + n++, t, name, attrs, models, status, cost));
        }
      }
    }
    assertThat(writer.flush(Duration.ofSeconds(5))).isTrue();
    for (Path file : files) {
      List<String> lines = Files.readAllLines(file);
      byte[] head = lines.getFirst().getBytes(StandardCharsets.UTF_8);
      byte[] summary = lines.getLast().getBytes(StandardCharsets.UTF_8);
      boolean plainHead = isPlain(lines.getFirst()) && !lines.getFirst().contains("\"attrs\"");
      boolean plainSummary = isPlain(lines.getLast());

      SummaryLine.Head fastHead = WriterLayout.head(head, head.length);
      assertThat(fastHead != null).as("scanned: %s", lines.getFirst()).isEqualTo(plainHead);
      if (fastHead != null) {
        scannedHeads++;
        assertThat(fastHead).isEqualTo(SummaryLine.parsedHead(head, head.length));
      }
      SummaryLine.Totals fastTotals = WriterLayout.totals(summary, 0, summary.length);
      assertThat(fastTotals != null).as("scanned: %s", lines.getLast()).isEqualTo(plainSummary);
      if (fastTotals != null) {
        scannedTotals++;
        assertThat(fastTotals)
            .usingRecursiveComparison()
            .isEqualTo(SummaryLine.parsedTotals(summary, 0, summary.length));
      }
      // and the summary the index shows is the full read's, whichever way it was read
      TraceReader reader = new TraceReader();
      assertThat(reader.readSummary(file)).contains(reader.read(file).summary());
    }
    assertThat(scannedHeads).isGreaterThan(0);
    assertThat(scannedTotals).isGreaterThan(0);
  }

  /** ASCII without escapes: what the scan takes. */
  private static boolean isPlain(String line) {
    return line.chars().allMatch(c -> c >= 0x20 && c < 0x80) && !line.contains("\\");
  }

  @Test
  void anyChangeToAWrittenLineIsDeclinedOrReadAsTheParserReadsIt() {
    String head =
        "{\"v\":2,\"type\":\"trace\",\"id\":\"20260101T000000000000Z-x-1\",\"name\":\"x y\","
            + "\"time\":\"2026-01-01T00:00:00.000001Z\",\"shape\":{\"kind\":\"Tree\"}}";
    String summary =
        "{\"type\":\"summary\",\"time\":\"2026-01-01T00:00:01.500000Z\",\"status\":\"FAIL\","
            + "\"spans\":12,\"errors\":3,\"input_tokens\":105,\"output_tokens\":7,"
            + "\"cost_usd\":0.75,\"models\":[\"a-model\",\"b-model\"],\"offset\":4096}";
    assertThat(WriterLayout.head(bytes(head), head.length())).isNotNull();
    assertThat(WriterLayout.totals(bytes(summary), 0, summary.length())).isNotNull();
    String inserts = " \"\\0-,}]e.1Ex";
    int declined = 0;
    for (String variant : variants(head, inserts)) {
      byte[] b = bytes(variant);
      Object fast = outcome(() -> WriterLayout.head(b, b.length));
      if (fast == null) {
        declined++;
      } else {
        assertThat(fast).as(variant).isEqualTo(outcome(() -> SummaryLine.parsedHead(b, b.length)));
      }
    }
    for (String variant : variants(summary, inserts)) {
      byte[] b = bytes(variant);
      Object fast = outcome(() -> totalsOf(WriterLayout.totals(b, 0, b.length)));
      if (fast == null) {
        declined++;
      } else {
        assertThat(fast)
            .as(variant)
            .isEqualTo(outcome(() -> totalsOf(SummaryLine.parsedTotals(b, 0, b.length))));
      }
    }
    assertThat(declined).isGreaterThan(0);
  }

  @Test
  void numbersTheScanDoesNotTakeGoToTheParser() {
    for (String cost : List.of("1e400", "-0.5", "01", "1.", ".5", "1e", "-", "NaN")) {
      String line =
          "{\"type\":\"summary\",\"time\":\"2026-01-01T00:00:01.500000Z\",\"status\":\"OK\","
              + "\"spans\":1,\"errors\":0,\"input_tokens\":0,\"output_tokens\":0,"
              + "\"cost_usd\":"
              + cost
              + ",\"models\":[],\"offset\":10}";
      SummaryLine.Totals fast = WriterLayout.totals(bytes(line), 0, line.length());
      if (!cost.equals("-0.5")) {
        assertThat(fast).as(cost).isNull();
      } else {
        assertThat(fast.cost).isEqualTo(-0.5);
      }
    }
    for (String spans : List.of("-1", "2147483648", "99999999999", "007", "1.0")) {
      String line =
          "{\"type\":\"summary\",\"time\":\"2026-01-01T00:00:01.500000Z\",\"status\":\"OK\","
              + "\"spans\":"
              + spans
              + ",\"errors\":0,\"input_tokens\":0,\"output_tokens\":0,"
              + "\"cost_usd\":0.0,\"models\":[],\"offset\":10}";
      assertThat(WriterLayout.totals(bytes(line), 0, line.length())).as(spans).isNull();
    }
  }

  /** Every one-char deletion and every insertion of one of {@code inserts} at every position. */
  private static List<String> variants(String line, String inserts) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i <= line.length(); i++) {
      if (i < line.length()) {
        out.add(line.substring(0, i) + line.substring(i + 1));
      }
      for (char c : inserts.toCharArray()) {
        out.add(line.substring(0, i) + c + line.substring(i));
      }
    }
    return out;
  }

  /** A value, null, or the exception's class: what a read gives. */
  private static Object outcome(Supplier<Object> read) {
    try {
      return read.get();
    } catch (RuntimeException e) {
      return e.getClass();
    }
  }

  private static Object totalsOf(SummaryLine.Totals t) {
    return t == null
        ? null
        : List.of(
            t.end,
            t.status,
            t.spans,
            t.errors,
            t.inputTokens,
            t.outputTokens,
            t.cost,
            t.offset,
            String.valueOf(t.models));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private Path write(
      String id,
      Instant t,
      String name,
      boolean withAttrs,
      List<String> models,
      Status status,
      double cost) {
    Map<String, JsonNode> attrs = new LinkedHashMap<>();
    if (withAttrs) {
      attrs.put("user", TextNode.valueOf("u-1"));
      attrs.put("n", IntNode.valueOf(3));
    }
    writer.emit(new TraceEvent.TraceStarted(id, t, name, attrs));
    for (int i = 0; i < Math.max(1, models.size()); i++) {
      String span = String.valueOf(i + 1);
      writer.emit(new TraceEvent.SpanStarted(id, t, span, null, "call", "Call", "x > call"));
      Map<String, JsonNode> spanAttrs = new LinkedHashMap<>();
      spanAttrs.put(
          Attributes.COST_USD, com.fasterxml.jackson.databind.node.DoubleNode.valueOf(cost));
      spanAttrs.put(Attributes.INPUT_TOKENS, IntNode.valueOf(10 + i));
      if (i < models.size()) {
        spanAttrs.put(Attributes.REQUEST_MODEL, TextNode.valueOf(models.get(i)));
      }
      writer.emit(
          new TraceEvent.SpanEnded(
              id, t.plusMillis(1 + i), span, Status.OK, TextNode.valueOf("out"), null, spanAttrs));
    }
    writer.emit(new TraceEvent.TraceEnded(id, t.plusSeconds(2), status, null));
    return writer.file(id);
  }
}
