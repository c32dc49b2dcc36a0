package dev.tasktree.llm;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import dev.tasktree.trace.TraceJson;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * JSON schemas for Java types (records, enums, lists, maps, primitives, Optional) and a checker for
 * the subset of JSON Schema they use (type, enum, properties, required, additionalProperties,
 * items).
 */
final class JsonSchemas {

  /** The mapper that binds tool arguments and structured output (Optional-aware). */
  static final ObjectMapper MAPPER = TraceJson.newMapper().registerModule(new Jdk8Module());

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private JsonSchemas() {}

  /** A generated schema; {@code strict} when every property is required (OpenAI strict mode). */
  record Generated(ObjectNode schema, boolean strict) {}

  /** The schema of {@code type}; throws IllegalArgumentException for unsupported types. */
  static Generated of(Type type) {
    Generator g = new Generator();
    ObjectNode schema = g.schema(type, new HashSet<>(), type.getTypeName());
    return new Generated(schema, g.strict);
  }

  /** Whether {@code type} is {@code Optional<...>} (an optional parameter or component). */
  static boolean isOptional(Type type) {
    return raw(type) == Optional.class;
  }

  /** The JSON name of a record component ({@link Param#name()} or its own name). */
  static String name(RecordComponent component) {
    Param p = component.getAnnotation(Param.class);
    return p != null && !p.name().isEmpty() ? p.name() : component.getName();
  }

  /** Binds a JSON value to {@code type} (Optional and generics included). */
  static Object bind(JsonNode value, Type type) {
    JavaType javaType = MAPPER.getTypeFactory().constructType(type);
    if (value == null || value.isMissingNode()) {
      return isOptional(type) ? Optional.empty() : null;
    }
    return MAPPER.convertValue(value, javaType);
  }

  static final class Generator {
    boolean strict = true;

    ObjectNode schema(Type type, Set<Class<?>> inProgress, String where) {
      Class<?> raw = raw(type);
      ObjectNode node = NODES.objectNode();
      if (raw == String.class || raw == char.class || raw == Character.class) {
        return node.put("type", "string");
      }
      if (raw == boolean.class || raw == Boolean.class) {
        return node.put("type", "boolean");
      }
      if (raw == int.class
          || raw == long.class
          || raw == short.class
          || raw == byte.class
          || raw == Integer.class
          || raw == Long.class
          || raw == Short.class
          || raw == Byte.class
          || raw == BigInteger.class) {
        return node.put("type", "integer");
      }
      if (raw == double.class
          || raw == float.class
          || raw == Double.class
          || raw == Float.class
          || raw == BigDecimal.class) {
        return node.put("type", "number");
      }
      if (raw.isEnum()) {
        node.put("type", "string");
        ArrayNode values = node.putArray("enum");
        for (Object constant : raw.getEnumConstants()) {
          values.add(((Enum<?>) constant).name());
        }
        return node;
      }
      if (raw == Optional.class) {
        return schema(typeArgument(type, 0, where), inProgress, where);
      }
      if (raw.isArray() || Collection.class.isAssignableFrom(raw)) {
        Type item =
            type instanceof GenericArrayType g
                ? g.getGenericComponentType()
                : raw.isArray() ? raw.getComponentType() : typeArgument(type, 0, where);
        node.put("type", "array");
        node.set("items", schema(item, inProgress, where + "[]"));
        return node;
      }
      if (Map.class.isAssignableFrom(raw)) {
        Type key = typeArgument(type, 0, where);
        if (raw(key) != String.class) {
          throw new IllegalArgumentException(where + ": map keys must be String, got " + key);
        }
        strict = false;
        node.put("type", "object");
        node.set("additionalProperties", schema(typeArgument(type, 1, where), inProgress, where));
        return node;
      }
      if (raw == JsonNode.class || raw == Object.class) {
        strict = false;
        return node;
      }
      if (raw.isRecord()) {
        if (!inProgress.add(raw)) {
          throw new IllegalArgumentException(where + ": recursive type " + raw.getName());
        }
        node.put("type", "object");
        ObjectNode properties = node.putObject("properties");
        ArrayNode required = NODES.arrayNode();
        for (RecordComponent component : raw.getRecordComponents()) {
          String name = name(component);
          ObjectNode property =
              schema(component.getGenericType(), inProgress, where + "." + component.getName());
          Param p = component.getAnnotation(Param.class);
          if (p != null && !p.value().isEmpty()) {
            property.put("description", p.value());
          }
          properties.set(name, property);
          if (isOptional(component.getGenericType())) {
            strict = false;
          } else {
            required.add(name);
          }
        }
        node.set("required", required);
        node.put("additionalProperties", false);
        inProgress.remove(raw);
        return node;
      }
      throw new IllegalArgumentException(
          where
              + ": unsupported type "
              + type.getTypeName()
              + " (use records, enums, lists, maps, strings, numbers, booleans, Optional)");
    }
  }

  private static Type typeArgument(Type type, int index, String where) {
    if (type instanceof ParameterizedType p) {
      return p.getActualTypeArguments()[index];
    }
    throw new IllegalArgumentException(where + ": raw type " + type.getTypeName() + " needs type");
  }

  static Class<?> raw(Type type) {
    return switch (type) {
      case Class<?> c -> c;
      case ParameterizedType p -> (Class<?>) p.getRawType();
      case GenericArrayType g ->
          java.lang.reflect.Array.newInstance(raw(g.getGenericComponentType()), 0).getClass();
      default -> Object.class;
    };
  }

  // ---- validation ----

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
    if (allowed != null && allowed.isArray()) {
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
          if (!value.has(name.asText())) {
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
