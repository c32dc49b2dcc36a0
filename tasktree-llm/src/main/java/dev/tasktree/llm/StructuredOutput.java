package dev.tasktree.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasktree.spi.LenientJson;
import java.lang.reflect.Type;
import java.util.List;

/**
 * What a node asks the model's reply to be, and how the reply is parsed: JSON that fits a Java type
 * ({@code response_format: json_schema}, or a schema instruction where the endpoint lacks it), or
 * any JSON object ({@code response_format: json_object}). OpenAI accepts only object schemas at the
 * root, so a type whose schema is not an object ({@code List<Contact>}, an enum) is sent wrapped as
 * {@code {"value": ...}} and unwrapped when parsed. Immutable.
 */
final class StructuredOutput {

  private static final String WRAPPER = "value";

  /** The schema sent, its name and whether OpenAI's strict mode applies; null for json_object. */
  record Format(String name, ObjectNode schema, boolean strict) {}

  private final Type type;
  private final Format format;
  private final ObjectNode valueSchema;
  private final boolean wrapped;

  private StructuredOutput(Type type, Format format, ObjectNode valueSchema, boolean wrapped) {
    this.type = type;
    this.format = format;
    this.valueSchema = valueSchema;
    this.wrapped = wrapped;
  }

  /**
   * JSON that fits {@code type}.
   *
   * @throws IllegalArgumentException when the type has no JSON schema
   */
  static StructuredOutput of(Type type) {
    JsonSchemas.Generated generated = JsonSchemas.of(type);
    ObjectNode schema = generated.schema();
    boolean wrapped = !"object".equals(schema.path("type").asText());
    boolean strict = generated.strict();
    ObjectNode sent = schema;
    if (wrapped) {
      sent = JsonNodeFactory.instance.objectNode();
      sent.put("type", "object");
      sent.putObject("properties").set(WRAPPER, schema);
      sent.putArray("required").add(WRAPPER);
      sent.put("additionalProperties", false);
      strict = JsonSchemas.isStrict(sent);
    }
    String name = JsonSchemas.raw(type).getSimpleName().replaceAll("[^a-zA-Z0-9_-]", "_");
    return new StructuredOutput(type, new Format(name, sent, strict), schema, wrapped);
  }

  /** Any JSON object ({@code response_format: json_object}), parsed into a {@link JsonNode}. */
  static StructuredOutput jsonObject() {
    return new StructuredOutput(JsonNode.class, null, null, false);
  }

  /** The json_schema format, or null for json_object. */
  Format format() {
    return format;
  }

  /** The schema of the value itself (unwrapped), or null for json_object. */
  ObjectNode valueSchema() {
    return valueSchema;
  }

  /** The system instruction for endpoints without {@code response_format} support. */
  String instruction() {
    return format == null
        ? "Reply with only a JSON object, no prose and no code fences."
        : "Reply with only a JSON value, no prose and no code fences, that matches this JSON"
            + " schema:\n"
            + format.schema();
  }

  /** Parses the reply text into the type; the message says what does not fit. */
  Object parse(String text) throws MismatchException {
    String json = LenientJson.stripFences(text == null ? "" : text);
    String typeName = type.getTypeName().replaceAll("\\b[\\w.$]*[.$](\\w+)", "$1");
    JsonNode node;
    try {
      node = JsonSchemas.MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new MismatchException(
          "the reply is not JSON for " + typeName + ": " + e.getOriginalMessage());
    }
    if (node == null || node.isMissingNode()) {
      throw new MismatchException("the reply is empty; expected JSON for " + typeName);
    }
    if (format == null) {
      if (!node.isObject()) {
        throw new MismatchException("the reply is not a JSON object: " + node.getNodeType());
      }
      return node;
    }
    if (wrapped && node.isObject() && node.size() == 1 && node.has(WRAPPER)) {
      node = node.get(WRAPPER);
    }
    List<String> problems = SchemaCheck.validate(valueSchema, node);
    if (!problems.isEmpty()) {
      throw new MismatchException(
          "the reply does not fit " + typeName + ": " + String.join("; ", problems));
    }
    try {
      JavaType javaType = JsonSchemas.MAPPER.getTypeFactory().constructType(type);
      return JsonSchemas.MAPPER.treeToValue(node, javaType);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new MismatchException("the reply does not fit " + typeName + ": " + e.getMessage());
    }
  }

  /** The final reply does not fit the structured-output type. */
  static final class MismatchException extends Exception {
    MismatchException(String message) {
      super(message, null, false, false);
    }
  }
}
