package dev.tasktree.trace;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.file.Path;
import java.time.temporal.TemporalAccessor;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * Turns any value into the JSON a trace stores: real JSON through Jackson, {@code toString()} for
 * what Jackson cannot serialise, long values cut with a marker ({@link ValueLimits}), and secrets
 * hidden by a {@link RedactionPolicy} (replaced by {@value #REDACTED}).
 */
public final class TraceJson {

  /** What a redacted secret reads as. */
  public static final String REDACTED = "[REDACTED]";

  /**
   * Lenient to read, never fails on odd beans; package-private so that nobody can reconfigure it.
   */
  static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
          .disable(SerializationFeature.FAIL_ON_SELF_REFERENCES)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .build();

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private TraceJson() {}

  /**
   * A new mapper with the settings traces are written and read with (lenient to read, never fails
   * on odd beans), for a module to keep as its own {@code private static final} and configure as it
   * needs. A copy: changing it changes nothing else.
   */
  public static ObjectMapper newMapper() {
    return MAPPER.copy();
  }

  /**
   * Whether a field or header of this name holds a secret under the {@linkplain
   * RedactionPolicy#defaults() default redaction policy}.
   */
  public static boolean isSecretKey(String key) {
    return RedactionPolicy.defaults().isSecretName(key);
  }

  /** Converts a value with the {@linkplain ValueLimits#DEFAULT default limits}. */
  public static JsonNode toJson(Object value) {
    return toJson(value, ValueLimits.DEFAULT);
  }

  /**
   * Converts a value to trace JSON, cutting what exceeds {@code limits} and hiding secrets by the
   * {@linkplain RedactionPolicy#defaults() default policy}.
   */
  public static JsonNode toJson(Object value, ValueLimits limits) {
    return toJson(value, limits, RedactionPolicy.defaults());
  }

  /**
   * Converts a value to trace JSON, cut at {@code limits}, with secrets hidden by {@code policy}.
   */
  public static JsonNode toJson(Object value, ValueLimits limits, RedactionPolicy policy) {
    return policy.redact(limited(value, limits));
  }

  /** Cuts a string to {@code limits}, with the visible marker. */
  public static String limitText(String text, ValueLimits limits) {
    if (text == null || text.length() <= limits.maxStringChars()) {
      return text;
    }
    return text.substring(0, limits.maxStringChars()) + "…[truncated: " + text.length() + " chars]";
  }

  private static JsonNode limited(Object value, ValueLimits limits) {
    JsonNode raw =
        switch (value) {
          case null -> NODES.nullNode();
          case String s -> NODES.textNode(s);
          case Boolean b -> NODES.booleanNode(b);
          case Integer i -> NODES.numberNode(i);
          case Long l -> NODES.numberNode(l);
          case Double d -> NODES.numberNode(d);
          case JsonNode node -> node;
          case Throwable t -> errorNode(t);
          case Optional<?> o -> o.isPresent() ? limited(o.get(), limits) : NODES.nullNode();
          case TemporalAccessor t -> NODES.textNode(t.toString());
          case java.time.Duration d -> NODES.textNode(d.toString());
          case Path p -> NODES.textNode(p.toString());
          case Enum<?> e -> NODES.textNode(e.name());
          case CharSequence cs -> NODES.textNode(cs.toString());
          default -> viaJackson(value);
        };
    return limit(raw, limits, 0);
  }

  private static JsonNode viaJackson(Object value) {
    try {
      return MAPPER.valueToTree(value);
    } catch (RuntimeException | StackOverflowError e) {
      return NODES.textNode(String.valueOf(value));
    }
  }

  private static ObjectNode errorNode(Throwable t) {
    ObjectNode node = NODES.objectNode();
    node.put("error", t.getClass().getName());
    node.put("message", t.getMessage());
    return node;
  }

  private static JsonNode limit(JsonNode node, ValueLimits limits, int depth) {
    if (node.isTextual()) {
      String text = node.textValue();
      return text.length() <= limits.maxStringChars()
          ? node
          : new TextNode(limitText(text, limits));
    }
    if (!node.isContainerNode() || node.isEmpty()) {
      return node;
    }
    if (depth >= limits.maxDepth()) {
      return new TextNode("…[truncated: nested deeper than " + limits.maxDepth() + "]");
    }
    if (node.isArray()) {
      ArrayNode out = NODES.arrayNode();
      int i = 0;
      for (JsonNode item : node) {
        if (i++ == limits.maxItems()) {
          out.add("…[truncated: " + node.size() + " items]");
          break;
        }
        out.add(limit(item, limits, depth + 1));
      }
      return out;
    }
    ObjectNode out = NODES.objectNode();
    int i = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (i++ == limits.maxItems()) {
        out.put("…", "[truncated: " + node.size() + " fields]");
        break;
      }
      out.set(field.getKey(), limit(field.getValue(), limits, depth + 1));
    }
    return out;
  }
}
