package dev.tasktree.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A tool the model may call: name, description, JSON schema of its arguments, and the executor.
 * Either explicit ({@link #of}) or derived from {@link Tool}-annotated methods ({@link
 * #fromObject}). Immutable.
 *
 * <pre>{@code
 * ToolSpec<Chat> lookup = ToolSpec.of("lookup", "Finds a customer by email",
 *     "{\"type\":\"object\",\"properties\":{\"email\":{\"type\":\"string\"}},\"required\":[\"email\"]}",
 *     (chat, args) -> chat.customers().find(args.get("email").asText()));
 * }</pre>
 *
 * @param <B> the blackboard type
 */
public final class ToolSpec<B> {

  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

  private final String name;
  private final String description;
  private final ObjectNode parameters;
  private final ToolExecutor<B> executor;

  private ToolSpec(
      String name, String description, ObjectNode parameters, ToolExecutor<B> executor) {
    if (!NAME.matcher(Objects.requireNonNull(name, "name")).matches()) {
      throw new IllegalArgumentException(
          "tool name must be 1-64 letters, digits, '_' or '-', got '" + name + "'");
    }
    this.name = name;
    this.description = Objects.requireNonNull(description, "description");
    this.parameters = Objects.requireNonNull(parameters, "parameters");
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  /** A tool with an explicit JSON schema (an object schema) and an executor. */
  public static <B> ToolSpec<B> of(
      String name, String description, JsonNode parametersSchema, ToolExecutor<B> executor) {
    if (parametersSchema == null || !parametersSchema.isObject()) {
      throw new IllegalArgumentException("tool '" + name + "': the schema must be a JSON object");
    }
    return new ToolSpec<>(name, description, ((ObjectNode) parametersSchema).deepCopy(), executor);
  }

  /** A tool with an explicit JSON schema given as text. */
  public static <B> ToolSpec<B> of(
      String name, String description, String parametersSchemaJson, ToolExecutor<B> executor) {
    JsonNode schema;
    try {
      schema = JsonSchemas.MAPPER.readTree(parametersSchemaJson);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(
          "tool '" + name + "': the schema is not valid JSON: " + e.getOriginalMessage(), e);
    }
    return of(name, description, schema, executor);
  }

  /**
   * One tool per {@link Tool}-annotated method of {@code target} (public or not), sorted by name.
   * Throws IllegalArgumentException when there is none, or a parameter type has no JSON schema, or
   * parameter names are unknown (compile with {@code -parameters} or use {@link Param#name()}).
   */
  public static <B> List<ToolSpec<B>> fromObject(Object target) {
    Objects.requireNonNull(target, "target");
    List<ToolSpec<B>> tools = new ArrayList<>();
    List<Method> methods = new ArrayList<>();
    for (Class<?> c = target.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
      for (Method m : c.getDeclaredMethods()) {
        if (m.isAnnotationPresent(Tool.class)) {
          methods.add(m);
        }
      }
    }
    methods.sort(Comparator.comparing(Method::getName));
    for (Method method : methods) {
      tools.add(fromMethod(target, method));
    }
    if (tools.isEmpty()) {
      throw new IllegalArgumentException(target.getClass().getName() + " has no @Tool methods");
    }
    return List.copyOf(tools);
  }

  private static <B> ToolSpec<B> fromMethod(Object target, Method method) {
    Tool tool = method.getAnnotation(Tool.class);
    String name = tool.name().isEmpty() ? method.getName() : tool.name();
    if (Modifier.isStatic(method.getModifiers())) {
      target = null;
    }
    method.setAccessible(true);
    ObjectNode schema = JsonNodeFactory.instance.objectNode();
    schema.put("type", "object");
    ObjectNode properties = schema.putObject("properties");
    ArrayNode required = schema.putArray("required");
    Parameter[] params = method.getParameters();
    String[] names = new String[params.length];
    Type[] types = new Type[params.length];
    for (int i = 0; i < params.length; i++) {
      Parameter p = params[i];
      Param annotation = p.getAnnotation(Param.class);
      String paramName =
          annotation != null && !annotation.name().isEmpty() ? annotation.name() : p.getName();
      if (!p.isNamePresent() && (annotation == null || annotation.name().isEmpty())) {
        throw new IllegalArgumentException(
            "tool '"
                + name
                + "': parameter names of "
                + method
                + " are not available; compile with -parameters or use @Param(name = ...)");
      }
      ObjectNode property =
          JsonSchemas.of(p.getParameterizedType()).schema(); // throws for unsupported types
      if (annotation != null && !annotation.value().isEmpty()) {
        property.put("description", annotation.value());
      }
      properties.set(paramName, property);
      if (!JsonSchemas.isOptional(p.getParameterizedType())) {
        required.add(paramName);
      }
      names[i] = paramName;
      types[i] = p.getParameterizedType();
    }
    schema.put("additionalProperties", false);
    Object receiver = target;
    ToolExecutor<B> executor =
        (blackboard, args) -> {
          Object[] values = new Object[names.length];
          for (int i = 0; i < names.length; i++) {
            try {
              values[i] = JsonSchemas.bind(args.get(names[i]), types[i]);
            } catch (IllegalArgumentException e) {
              throw new InvalidArgumentsException(
                  "argument '" + names[i] + "' does not fit " + types[i].getTypeName());
            }
          }
          try {
            return method.invoke(receiver, values);
          } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
              throw ex;
            }
            throw e;
          }
        };
    return new ToolSpec<>(name, tool.value(), schema, executor);
  }

  /** The name the model calls it by. */
  public String name() {
    return name;
  }

  /** What it does, for the model. */
  public String description() {
    return description;
  }

  /** The JSON schema of the arguments (a copy). */
  public ObjectNode parameters() {
    return parameters.deepCopy();
  }

  ObjectNode schema() {
    return parameters;
  }

  ToolExecutor<B> executor() {
    return executor;
  }

  /** The definition as recorded in traces: name, description, parameters. */
  Definition definition() {
    return new Definition(name, description, parameters);
  }

  /** A tool definition as shown in a trace. */
  record Definition(String name, String description, JsonNode parameters) {}

  /** Arguments that parsed as JSON but could not be bound to the method's parameter types. */
  static final class InvalidArgumentsException extends Exception {
    InvalidArgumentsException(String message) {
      super(message);
    }
  }

  @Override
  public String toString() {
    return "ToolSpec[" + name + "]";
  }
}
