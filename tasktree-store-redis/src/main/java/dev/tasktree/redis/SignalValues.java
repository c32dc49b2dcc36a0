package dev.tasktree.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasktree.store.Signal;
import dev.tasktree.trace.TraceJson;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The value stored under a signal key and published on its channel. Java writes {@code
 * {"reason":"...","raisedAt":"2026-01-01T00:00:00Z"}}; any other value (a plain {@code SET} from
 * {@code redis-cli}) is taken whole as the reason, raised when first seen.
 */
final class SignalValues {

  private static final ObjectMapper JSON = TraceJson.newMapper();

  static final String NO_REASON = "signal raised (no reason given)";

  private SignalValues() {}

  static String encode(String reason, Instant raisedAt) {
    ObjectNode value = JSON.createObjectNode();
    value.put("reason", reason);
    value.put("raisedAt", raisedAt.toString());
    return value.toString();
  }

  static Signal decode(String key, String raw, Instant seenAt) {
    try {
      JsonNode value = JSON.readTree(raw);
      if (value != null && value.isObject() && value.path("reason").isTextual()) {
        return new Signal(key, value.get("reason").asText(), raisedAt(value, seenAt));
      }
    } catch (JsonProcessingException notJson) {
      // a plain-text reason
    }
    return new Signal(key, raw.isBlank() ? NO_REASON : raw.strip(), seenAt);
  }

  private static Instant raisedAt(JsonNode value, Instant fallback) {
    JsonNode at = value.path("raisedAt");
    if (at.isTextual()) {
      try {
        return Instant.parse(at.asText());
      } catch (DateTimeParseException e) {
        return fallback;
      }
    }
    return fallback;
  }
}
