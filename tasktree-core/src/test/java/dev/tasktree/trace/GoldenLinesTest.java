package dev.tasktree.trace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The encoder writes format v2 byte for byte as the session-2 encoder did: {@code golden-v2.jsonl}
 * was written by that encoder (Jackson generator per line, shape through {@code writeTree}) from
 * exactly these events — every event kind, escapes, control characters, non-ASCII, surrogate pairs
 * and a lone surrogate, nested data, a shape with odd names, times in several seconds and years.
 * Any change to how a line is encoded (pooled generators, cached shapes, cached time prefixes) that
 * alters one byte fails here.
 */
class GoldenLinesTest {

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  static final String[] STRINGS = {
    "plain",
    "",
    "quote \" backslash \\ slash /",
    "controls \u0000\u0001\b\t\n\f\r\u001f\u007f end",
    "latin é ü ß, cjk 漢字, arabic مرحبا",
    "emoji 😀 pair, flag 🇫🇷",
    "lone high \ud83d and lone low \ude00",
    "Tree > Sequence > Call[3]",
    "x".repeat(300),
    "<script>&amp;</script> \u2028\u2029"
  };

  static List<TraceEvent> events() {
    List<TraceEvent> events = new ArrayList<>();
    Instant[] times = {
      Instant.parse("2026-11-22T00:48:12.031148Z"),
      Instant.parse("2026-11-22T00:48:12.999999Z"),
      Instant.parse("2026-11-22T00:48:13.000000Z"),
      Instant.parse("1970-01-01T00:00:00Z"),
      Instant.parse("2026-11-22T23:59:59.5000001Z"),
      Instant.parse("+10000-01-01T00:00:00Z"),
      Instant.parse("-0001-06-01T12:00:00.000001Z")
    };
    int t = 0;
    for (String s : STRINGS) {
      Instant time = times[t++ % times.length];
      Map<String, JsonNode> attrs = new LinkedHashMap<>();
      attrs.put(s, F.textNode(s));
      attrs.put("n", F.numberNode(42));
      attrs.put("l", F.numberNode(1L << 40));
      attrs.put("d", F.numberNode(0.1));
      attrs.put("nan", F.numberNode(Double.NaN));
      attrs.put("b", F.booleanNode(true));
      attrs.put("null", F.nullNode());
      ObjectNode nested = F.objectNode();
      nested.put("k", s).putArray("a").add(1).add(s).addObject().put("deep", 2.5f);
      attrs.put("obj", nested);
      events.add(new TraceEvent.TraceStarted("trace-1", time, s, attrs, shape(s)));
      events.add(new TraceEvent.TraceStarted("trace-1", time, s, Map.of()));
      events.add(new TraceEvent.SpanStarted("trace-1", time, "2", "1", s, "Call", s));
      events.add(new TraceEvent.SpanStarted("trace-1", time, "1", null, s, "Tree", s));
      events.add(new TraceEvent.SpanLogged("trace-1", time, "2", LogLevel.WARN, s));
      events.add(
          new TraceEvent.SpanEnded(
              "trace-1",
              time,
              "2",
              Status.FAIL,
              nested,
              new ErrorInfo("java.lang.IllegalStateException", s, "at " + s),
              attrs));
      events.add(
          new TraceEvent.SpanEnded("trace-1", time, "3", Status.OK, F.textNode(s), null, Map.of()));
      events.add(new TraceEvent.SpanEnded("trace-1", time, "4", Status.OK, null, null, Map.of()));
      events.add(new TraceEvent.Heartbeat("trace-1", time));
      events.add(new TraceEvent.TraceEnded("trace-1", time, Status.CANCELLED, F.numberNode(7L)));
    }
    return events;
  }

  private static JsonNode shape(String name) {
    ObjectNode root = F.objectNode();
    root.put("kind", "Tree").put("name", name).put("path", name).putObject("details");
    ObjectNode child = root.putArray("children").addObject();
    child.put("kind", "Call").put("name", name).put("path", name + " > Call");
    child.putObject("details").put("timeout", "PT1S").put(name, 3);
    child.putArray("children");
    return root;
  }

  @Test
  void everyEventIsEncodedExactlyAsFormatV2WasWritten() throws IOException {
    List<String> golden;
    try (InputStream in = GoldenLinesTest.class.getResourceAsStream("golden-v2.jsonl")) {
      golden = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
    List<TraceEvent> events = events();
    assertThat(events).hasSameSizeAs(golden);
    for (int round = 0; round < 3; round++) { // again: pooled encoders and cached shapes are reused
      for (int i = 0; i < events.size(); i++) {
        byte[] line = TraceCodec.line(events.get(i));
        assertThat(new String(line, StandardCharsets.UTF_8))
            .as("line %d, round %d", i, round)
            .isEqualTo(golden.get(i) + "\n");
      }
    }
  }

  /** Writes the golden file with the encoder on the class path (run once, with the old one). */
  public static void main(String[] args) throws IOException {
    StringBuilder out = new StringBuilder();
    for (TraceEvent event : events()) {
      out.append(event.toJsonLine()).append('\n');
    }
    java.nio.file.Files.writeString(java.nio.file.Path.of(args[0]), out);
  }
}
