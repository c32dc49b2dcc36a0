package dev.tasktree.otel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasktree.trace.Attributes;
import java.util.Map;

/**
 * Content attributes in the GenAI conventions' JSON shapes (exported only with content capture on).
 * tasktree-llm records messages as {@code {role, content, toolCalls, toolCallId}}; the conventions
 * want {@code {role, parts: [{type: text|tool_call|tool_call_response, ...}]}}, and for output
 * messages only the model's reply with its {@code finish_reason}. Values that do not have the
 * expected shape (cut by the trace's value limits, say) are exported as recorded.
 */
final class GenAiMessages {

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  private GenAiMessages() {}

  /** The value of content attribute {@code key} as a JSON string for OTel. */
  static String toConventionJson(String key, JsonNode value, Map<String, JsonNode> attributes) {
    if (value.isTextual()) {
      return value.textValue();
    }
    if (!value.isArray()) {
      return value.toString();
    }
    return switch (key) {
      case Attributes.INPUT_MESSAGES -> messages(value).toString();
      case Attributes.OUTPUT_MESSAGES -> reply(value, attributes.get(Attributes.FINISH_REASONS));
      default -> value.toString();
    };
  }

  private static ArrayNode messages(JsonNode recorded) {
    ArrayNode out = JSON.createArrayNode();
    for (JsonNode message : recorded) {
      out.add(message(message));
    }
    return out;
  }

  private static String reply(JsonNode appended, JsonNode finishReasons) {
    JsonNode last = null;
    for (JsonNode message : appended) {
      if ("assistant".equals(message.path("role").asText())) {
        last = message;
      }
    }
    ArrayNode out = JSON.createArrayNode();
    if (last != null) {
      ObjectNode reply = message(last);
      if (finishReasons != null && finishReasons.isArray() && !finishReasons.isEmpty()) {
        reply.put("finish_reason", finishReasons.get(0).asText());
      }
      out.add(reply);
    }
    return out.toString();
  }

  private static ObjectNode message(JsonNode message) {
    if (!message.isObject() || !message.has("role")) {
      ObjectNode unknown = JSON.createObjectNode();
      unknown.put("role", "user");
      unknown.putArray("parts").addObject().put("type", "text").put("content", message.toString());
      return unknown;
    }
    ObjectNode out = JSON.createObjectNode();
    String role = message.path("role").asText();
    out.put("role", role);
    ArrayNode parts = out.putArray("parts");
    JsonNode content = message.get("content");
    if ("tool".equals(role)) {
      ObjectNode part = parts.addObject().put("type", "tool_call_response");
      part.put("id", message.path("toolCallId").asText());
      part.set("result", content);
      return out;
    }
    if (content != null && !content.isNull()) {
      parts.addObject().put("type", "text").set("content", content);
    }
    for (JsonNode call : message.path("toolCalls")) {
      ObjectNode part = parts.addObject().put("type", "tool_call");
      part.put("id", call.path("id").asText());
      part.put("name", call.path("name").asText());
      part.set("arguments", arguments(call.get("arguments")));
    }
    return out;
  }

  /** Tool-call arguments as a JSON object when they parse, else as recorded. */
  private static JsonNode arguments(JsonNode arguments) {
    if (arguments != null && arguments.isTextual()) {
      try {
        return JSON.readTree(arguments.textValue());
      } catch (java.io.IOException notJson) {
        return arguments;
      }
    }
    return arguments;
  }
}
