package dev.tasktree.llm;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Describes a {@link Tool} parameter or a record component used in a tool's arguments or in
 * structured output: its description for the model, and optionally its JSON name.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.FIELD})
public @interface Param {
  /** The description the model sees. */
  String value() default "";

  /** The JSON name; defaults to the parameter's or component's own name. */
  String name() default "";
}
