package dev.tasktree.llm;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.github.victools.jsonschema.generator.CustomDefinition;
import com.github.victools.jsonschema.generator.Option;
import com.github.victools.jsonschema.generator.OptionPreset;
import com.github.victools.jsonschema.generator.SchemaGenerator;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfigBuilder;
import com.github.victools.jsonschema.generator.SchemaVersion;
import com.github.victools.jsonschema.module.jackson.JacksonModule;
import dev.tasktree.trace.TraceJson;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * JSON schemas for Java types — records, enums, lists, maps, strings, numbers, booleans, Optional,
 * generic types such as {@code List<Contact>} — generated with victools jsonschema-generator (as
 * openai-java's own structured outputs are), configured for OpenAI's strict mode: every property
 * required, {@code Optional} ones nullable, no additional properties, declaration order kept,
 * {@link Param} descriptions and names applied.
 */
final class JsonSchemas {

  /** The mapper that binds tool arguments and structured output (Optional-aware). */
  static final ObjectMapper MAPPER = TraceJson.newMapper().registerModule(new Jdk8Module());

  private static final SchemaGenerator GENERATOR = generator();

  private JsonSchemas() {}

  /** A generated schema; {@code strict} when OpenAI's strict mode accepts it. */
  record Generated(ObjectNode schema, boolean strict) {}

  /** The schema of {@code type}; throws IllegalArgumentException for unsupported types. */
  static Generated of(Type type) {
    Class<?> raw = raw(type);
    if (raw == Object.class && type != Object.class
        || Map.class.isAssignableFrom(raw) && !(type instanceof ParameterizedType)) {
      throw new IllegalArgumentException(type.getTypeName() + ": raw type needs type arguments");
    }
    if (Map.class.isAssignableFrom(raw)
        && raw(((ParameterizedType) type).getActualTypeArguments()[0]) != String.class) {
      throw new IllegalArgumentException(type.getTypeName() + ": map keys must be String");
    }
    if (raw == Optional.class && type instanceof ParameterizedType p) {
      return of(p.getActualTypeArguments()[0]);
    }
    ObjectNode schema;
    try {
      schema = GENERATOR.generateSchema(type);
    } catch (UnsupportedTypeException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          type.getTypeName() + ": no JSON schema: " + e.getMessage(), e);
    }
    schema.remove("$schema");
    if (schema.has("$defs")) {
      throw new IllegalArgumentException(
          type.getTypeName() + ": recursive or repeated types are not supported");
    }
    return new Generated(schema, isStrict(schema));
  }

  private static SchemaGenerator generator() {
    SchemaGeneratorConfigBuilder config =
        new SchemaGeneratorConfigBuilder(SchemaVersion.DRAFT_2020_12, OptionPreset.PLAIN_JSON)
            .with(Option.FORBIDDEN_ADDITIONAL_PROPERTIES_BY_DEFAULT)
            .with(Option.FLATTENED_ENUMS)
            .with(Option.INLINE_ALL_SCHEMAS)
            .with(new JacksonModule());
    config.forTypesInGeneral().withPropertySorter((a, b) -> 0);
    config
        .forTypesInGeneral()
        .withCustomDefinitionProvider(
            (javaType, context) -> {
              Class<?> c = javaType.getErasedType();
              if (javaType.isInstanceOf(JsonNode.class) || c == Object.class) {
                return new CustomDefinition(context.getGeneratorConfig().createObjectNode());
              }
              if (!supported(c)) {
                throw new UnsupportedTypeException(
                    "unsupported type "
                        + javaType.getTypeName()
                        + " (use records, enums, lists, sets, arrays, maps, strings, numbers,"
                        + " booleans, Optional, JsonNode)");
              }
              return null;
            });
    config
        .forTypesInGeneral()
        .withAdditionalPropertiesResolver(
            scope ->
                scope.getType().isInstanceOf(Map.class)
                    ? scope.getTypeParameterFor(Map.class, 1)
                    : null);
    config.forFields().withRequiredCheck(field -> true);
    config
        .forFields()
        .withNullableCheck(field -> field.getType().isInstanceOf(Optional.class) ? true : null);
    config
        .forFields()
        .withDescriptionResolver(
            field -> {
              Param p = field.getAnnotationConsideringFieldAndGetter(Param.class);
              return p == null || p.value().isEmpty() ? null : p.value();
            });
    config
        .forFields()
        .withPropertyNameOverrideResolver(
            field -> {
              Param p = field.getAnnotationConsideringFieldAndGetter(Param.class);
              return p == null || p.name().isEmpty() ? null : p.name();
            });
    return new SchemaGenerator(config.build());
  }

  /** Types with a JSON shape this module binds reliably (no arbitrary classes such as Thread). */
  private static boolean supported(Class<?> c) {
    return c.isPrimitive()
        || c.isRecord()
        || c.isEnum()
        || c.isArray()
        || c == String.class
        || c == Character.class
        || c == Boolean.class
        || Number.class.isAssignableFrom(c)
        || java.util.Collection.class.isAssignableFrom(c)
        || Map.class.isAssignableFrom(c)
        || c == Optional.class;
  }

  /** A type the generator met that has no schema here. */
  private static final class UnsupportedTypeException extends RuntimeException {
    UnsupportedTypeException(String message) {
      super(message);
    }
  }

  /**
   * Whether OpenAI's strict mode accepts {@code schema}: an object at the root, and every object
   * with all its properties required and no additional properties; no untyped ({@code {}}) parts.
   */
  static boolean isStrict(JsonNode schema) {
    return "object".equals(schema.path("type").asText()) && strictAll(schema);
  }

  private static boolean strictAll(JsonNode schema) {
    if (!schema.isObject()) {
      return true;
    }
    if (schema.isEmpty()) {
      return false;
    }
    JsonNode properties = schema.get("properties");
    if (properties != null) {
      JsonNode required = schema.path("required");
      if (required.size() != properties.size()
          || !schema.path("additionalProperties").isBoolean()
          || schema.path("additionalProperties").asBoolean()) {
        return false;
      }
      for (Iterator<JsonNode> it = properties.elements(); it.hasNext(); ) {
        if (!strictAll(it.next())) {
          return false;
        }
      }
    }
    if (schema.path("additionalProperties").isObject()) {
      return false;
    }
    return !schema.has("items") || strictAll(schema.get("items"));
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

  static Class<?> raw(Type type) {
    return MAPPER.getTypeFactory().constructType(type).getRawClass();
  }
}
