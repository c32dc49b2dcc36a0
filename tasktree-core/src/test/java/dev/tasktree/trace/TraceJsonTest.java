package dev.tasktree.trace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TraceJsonTest {

  record Point(int x, List<String> tags) {}

  @Test
  void valuesBecomeTypedJson() {
    assertThat(TraceJson.toJson(42).isInt()).isTrue();
    assertThat(TraceJson.toJson(2.5).isDouble()).isTrue();
    assertThat(TraceJson.toJson(true).isBoolean()).isTrue();
    assertThat(TraceJson.toJson(null).isNull()).isTrue();
    JsonNode list = TraceJson.toJson(List.of(1, "two", List.of(3)));
    assertThat(list.isArray()).isTrue();
    assertThat(list.get(0).isInt()).isTrue();
    assertThat(list.get(2).get(0).asInt()).isEqualTo(3);
    JsonNode record = TraceJson.toJson(new Point(7, List.of("a")));
    assertThat(record.get("x").asInt()).isEqualTo(7);
    assertThat(record.get("tags").isArray()).isTrue();
  }

  @Test
  void javaTimeOptionalsPathsAndExceptionsAreReadable() {
    assertThat(TraceJson.toJson(Instant.parse("2026-01-01T00:00:00Z")).asText())
        .isEqualTo("2026-01-01T00:00:00Z");
    assertThat(TraceJson.toJson(Duration.ofSeconds(3)).asText()).isEqualTo("PT3S");
    assertThat(TraceJson.toJson(Optional.of(5)).asInt()).isEqualTo(5);
    assertThat(TraceJson.toJson(Optional.empty()).isNull()).isTrue();
    assertThat(TraceJson.toJson(Path.of("/tmp/x")).asText()).isEqualTo("/tmp/x");
    JsonNode error = TraceJson.toJson(new IllegalStateException("bad"));
    assertThat(error.get("error").asText()).isEqualTo("java.lang.IllegalStateException");
    assertThat(error.get("message").asText()).isEqualTo("bad");
  }

  /** Jackson cannot serialise this: its getter throws. */
  static final class Hostile {
    public String getValue() {
      throw new UnsupportedOperationException("no");
    }

    @Override
    public String toString() {
      return "Hostile!";
    }
  }

  @Test
  void whatJacksonCannotSerialiseFallsBackToToString() {
    assertThat(TraceJson.toJson(new Hostile()).asText()).isEqualTo("Hostile!");
    List<Object> cycle = new ArrayList<>();
    cycle.add(cycle);
    assertThat(TraceJson.toJson(cycle)).isNotNull();
  }

  @Test
  void longValuesAreTruncatedWithAVisibleMarker() {
    ValueLimits limits = new ValueLimits(100, 3, 4);
    JsonNode text = TraceJson.toJson("x".repeat(1_000), limits);
    assertThat(text.asText()).startsWith("x".repeat(100)).endsWith("…[truncated: 1000 chars]");
    JsonNode list = TraceJson.toJson(List.of(1, 2, 3, 4, 5), limits);
    assertThat(list).hasSize(4);
    assertThat(list.get(3).asText()).isEqualTo("…[truncated: 5 items]");
    JsonNode deep = TraceJson.toJson(List.of(List.of(List.of(List.of(List.of(1))))), limits);
    assertThat(deep.get(0).get(0).get(0).get(0).asText()).contains("nested deeper than 4");
  }

  @Test
  void secretsAreRedactedAtAnyDepth() {
    Map<String, Object> headers = new LinkedHashMap<>();
    headers.put("Authorization", "Bearer sk-live-123");
    headers.put("Accept", "application/json");
    Map<String, Object> request = Map.of("apiKey", "sk-live-123", "headers", headers, "model", "m");
    String json = TraceJson.toJson(request).toString();
    assertThat(json)
        .doesNotContain("sk-live-123")
        .contains(TraceJson.REDACTED)
        .contains("application/json");
  }
}
