package dev.tasktree.otel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasktree.trace.Attributes;
import dev.tasktree.trace.TraceJson;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.AttributesBuilder;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a TaskTree span's typed JSON attributes into OpenTelemetry attributes: core's and
 * tasktree-llm's names that already are GenAI names pass through, {@code tasktree.llm.*} names that
 * have a GenAI equivalent are renamed to it, message and tool content is dropped unless the user
 * opted in, secret-looking names never pass, and a bare name {@code x} becomes {@code tasktree.x}
 * so it cannot collide with a semantic-convention name. The table is in docs/otel.md.
 */
final class AttributeMapping {

  /** GenAI attributes that carry prompts, replies, tool arguments or results: opt-in only. */
  static final Set<String> CONTENT =
      Set.of(
          Attributes.INPUT_MESSAGES,
          Attributes.OUTPUT_MESSAGES,
          "gen_ai.system_instructions",
          Attributes.TOOL_DEFINITIONS,
          Attributes.TOOL_CALL_ARGUMENTS,
          Attributes.TOOL_CALL_RESULT,
          "tasktree.llm.params");

  private static final Map<String, String> RENAMED =
      Map.of(
          "tasktree.llm.cached_input_tokens", OtelNames.GEN_AI_CACHE_READ_TOKENS,
          "tasktree.llm.reasoning_tokens", OtelNames.GEN_AI_REASONING_TOKENS,
          "tasktree.llm.stream", OtelNames.GEN_AI_STREAM,
          "tasktree.llm.http_status", OtelNames.HTTP_STATUS_CODE);

  private static final String TTFT_MS = "tasktree.llm.time_to_first_token_ms";
  private static final String BASE_URL = "tasktree.llm.base_url";

  private final boolean captureContent;

  AttributeMapping(boolean captureContent) {
    this.captureContent = captureContent;
  }

  /** Adds the OTel form of {@code attributes} to {@code out}. */
  void apply(Map<String, JsonNode> attributes, AttributesBuilder out) {
    for (Map.Entry<String, JsonNode> entry : attributes.entrySet()) {
      String key = entry.getKey();
      JsonNode value = entry.getValue();
      if (value == null || value.isNull() || looksSecret(key)) {
        continue;
      }
      if (CONTENT.contains(key)) {
        if (captureContent) {
          out.put(key, GenAiMessages.toConventionJson(key, value, attributes));
        }
        continue;
      }
      switch (key) {
        case TTFT_MS -> {
          if (value.isNumber()) {
            out.put(OtelNames.GEN_AI_TIME_TO_FIRST_CHUNK, value.asDouble() / 1000.0);
          }
        }
        case BASE_URL -> server(value.asText(), out);
        default -> put(out, RENAMED.getOrDefault(key, otelName(key)), value);
      }
    }
  }

  /** A bare name gets the {@code tasktree.} namespace; namespaced names are kept. */
  static String otelName(String key) {
    return key.indexOf('.') < 0 ? "tasktree." + key : key;
  }

  /**
   * Whether a user attribute is named like a secret (core redacts values at every depth already;
   * this keeps the name-level rule for whole attributes). Convention names are exempt: {@code
   * gen_ai.usage.input_tokens} counts tokens, it is not one.
   */
  private static boolean looksSecret(String key) {
    if (key.startsWith("gen_ai.") || key.startsWith("tasktree.")) {
      return false;
    }
    return TraceJson.isSecretKey(key)
        || TraceJson.isSecretKey(key.substring(key.lastIndexOf('.') + 1));
  }

  /**
   * {@code server.address} and {@code server.port} of a base URL; the URL itself may hold
   * credentials (user info, query keys) and is not exported.
   */
  private static void server(String url, AttributesBuilder out) {
    try {
      URI uri = URI.create(url);
      if (uri.getHost() != null) {
        out.put(OtelNames.SERVER_ADDRESS, uri.getHost());
        int port = uri.getPort();
        if (port < 0) {
          port = "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        }
        out.put(OtelNames.SERVER_PORT, (long) port);
      }
    } catch (IllegalArgumentException notAUrl) {
      // nothing to export
    }
  }

  /** Puts one JSON value with the closest OTel type: scalars as such, flat arrays as arrays. */
  static void put(AttributesBuilder out, String key, JsonNode value) {
    if (value.isTextual()) {
      out.put(key, value.textValue());
    } else if (value.isBoolean()) {
      out.put(key, value.booleanValue());
    } else if (value.isIntegralNumber() && value.canConvertToLong()) {
      out.put(key, value.longValue());
    } else if (value.isNumber()) {
      out.put(key, value.doubleValue());
    } else if (value.isArray() && !value.isEmpty() && allTextual(value)) {
      List<String> items = new ArrayList<>(value.size());
      value.forEach(item -> items.add(item.textValue()));
      out.put(AttributeKey.stringArrayKey(key), items);
    } else {
      out.put(key, value.toString());
    }
  }

  private static boolean allTextual(JsonNode array) {
    for (JsonNode item : array) {
      if (!item.isTextual()) {
        return false;
      }
    }
    return true;
  }
}
