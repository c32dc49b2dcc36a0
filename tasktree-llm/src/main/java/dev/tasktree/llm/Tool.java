package dev.tasktree.llm;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method of a plain object as a tool the model may call; register the object with {@link
 * LlmNode#tools(Object...)}. The method's parameters become the JSON schema of the arguments (names
 * from {@link Param#name()} or, when compiled with {@code -parameters}, from the code); its return
 * value, as text or JSON, is what the model sees.
 *
 * <pre>{@code
 * class Weather {
 *   @Tool("Current temperature in a city, in °C")
 *   double temperature(@Param("City name") String city, Optional<Unit> unit) { ... }
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Tool {
  /** What the tool does, for the model. */
  String value();

  /** The tool name; defaults to the method name. */
  String name() default "";
}
