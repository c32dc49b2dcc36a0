package dev.tasktree.llm;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Objects;

/**
 * A Java type with its type arguments, for {@link LlmNode#outputAs(TypeToken)} — create it as an
 * anonymous subclass so that the arguments survive erasure:
 *
 * <pre>{@code
 * Llm.chat(model, Chat::messages).outputAs(new TypeToken<List<Contact>>() {})
 * }</pre>
 *
 * @param <T> the type
 */
public abstract class TypeToken<T> {

  private final Type type;

  /**
   * Captures the type argument of the anonymous subclass.
   *
   * @throws IllegalStateException when created without a type argument
   */
  protected TypeToken() {
    Type superclass = getClass().getGenericSuperclass();
    if (!(superclass instanceof ParameterizedType p)) {
      throw new IllegalStateException(
          "create a TypeToken as an anonymous subclass: new TypeToken<List<X>>() {}");
    }
    this.type = p.getActualTypeArguments()[0];
  }

  private TypeToken(Type type) {
    this.type = Objects.requireNonNull(type, "type");
  }

  /** A token for a plain class (or any {@link Type} you already have). */
  public static <T> TypeToken<T> of(Type type) {
    return new TypeToken<>(type) {};
  }

  /** The captured type, e.g. {@code java.util.List<Contact>}. */
  public Type type() {
    return type;
  }

  @Override
  public String toString() {
    return type.getTypeName();
  }
}
