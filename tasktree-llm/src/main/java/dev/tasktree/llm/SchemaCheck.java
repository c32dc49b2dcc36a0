package dev.tasktree.llm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Checks a JSON value against the subset of JSON Schema that generated schemas and tool schemas use
 * (type, enum, properties, required, additionalProperties, items) and says where it breaks them,
 * with JSON paths — so a model can be told precisely what to fix.
 */
final class SchemaCheck {

  private SchemaCheck() {}

  /** The ways {@code value} breaks {@code schema} (empty when it fits), with JSON paths. */
  static List<String> validate(JsonNode schema, JsonNode value) {
    List<String> errors = new ArrayList<>();
    check(schema, value, "$", errors);
    return errors;
  }

  private static void check(JsonNode schema, JsonNode value, String path, List<String> errors) {
    if (schema == null || !schema.isObject() || errors.size() >= 10) {
      return;
    }
    JsonNode type = schema.get("type");
    if (type != null && !typeMatches(type, value)) {
      errors.add(path + ": expected " + type.asText(type.toString()) + ", got " + kind(value));
      return;
    }
    JsonNode allowed = schema.get("enum");
    if (allowed != null && allowed.isArray() && !value.isNull()) {
      boolean found = false;
      for (JsonNode option : allowed) {
        found |= option.equals(value);
      }
      if (!found) {
        errors.add(path + ": " + value + " is not one of " + allowed);
      }
    }
    if (value.isObject()) {
      JsonNode required = schema.get("required");
      if (required != null) {
        for (JsonNode name : required) {
          if (!value.has(name.asText())
              && !allowsNull(schema.path("properties").path(name.asText()))) {
            errors.add(path + ": missing required property '" + name.asText() + "'");
          }
        }
      }
      JsonNode properties = schema.path("properties");
      JsonNode additional = schema.get("additionalProperties");
      for (Iterator<Map.Entry<String, JsonNode>> it = value.properties().iterator();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        String childPath = path + "." + field.getKey();
        if (properties.has(field.getKey())) {
          check(properties.get(field.getKey()), field.getValue(), childPath, errors);
        } else if (additional != null && additional.isBoolean() && !additional.asBoolean()) {
          errors.add(path + ": unexpected property '" + field.getKey() + "'");
        } else if (additional != null && additional.isObject()) {
          check(additional, field.getValue(), childPath, errors);
        }
      }
    }
    if (value.isArray() && schema.has("items")) {
      int i = 0;
      for (JsonNode item : value) {
        check(schema.get("items"), item, path + "[" + i++ + "]", errors);
      }
    }
  }

  /** A nullable property may also be left out (an {@code Optional} the model omitted). */
  private static boolean allowsNull(JsonNode schema) {
    JsonNode type = schema.get("type");
    return type != null
        && typeMatches(type, com.fasterxml.jackson.databind.node.NullNode.getInstance());
  }

  private static boolean typeMatches(JsonNode type, JsonNode value) {
    if (type.isArray()) {
      for (JsonNode t : type) {
        if (typeMatches(t, value)) {
          return true;
        }
      }
      return false;
    }
    return switch (type.asText()) {
      case "string" -> value.isTextual();
      case "integer" -> value.isIntegralNumber() || (value.isNumber() && value.asDouble() % 1 == 0);
      case "number" -> value.isNumber();
      case "boolean" -> value.isBoolean();
      case "object" -> value.isObject();
      case "array" -> value.isArray();
      case "null" -> value.isNull();
      default -> true;
    };
  }

  private static String kind(JsonNode value) {
    if (value.isNull()) {
      return "null";
    }
    if (value.isTextual()) {
      return "string";
    }
    if (value.isNumber()) {
      return "number";
    }
    return value.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
  }
}
