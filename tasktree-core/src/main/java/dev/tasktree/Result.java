package dev.tasktree;

/**
 * What every node returns: {@link Ok} or {@link Fail}, each with optional data.
 *
 * <pre>{@code
 * switch (tree.run(blackboard)) {
 *   case Result.Ok(var answer) -> System.out.println(answer);
 *   case Result.Fail(var why) -> System.err.println("failed: " + why);
 * }
 * }</pre>
 */
public sealed interface Result {

  /** The payload; any value or null. A failure caused by an exception carries the exception. */
  Object data();

  /** Whether this is {@link Ok}. */
  default boolean isOk() {
    return this instanceof Ok;
  }

  /** Success with data. */
  record Ok(Object data) implements Result {
    private static final Ok EMPTY = new Ok(null);
  }

  /** Failure with data. */
  record Fail(Object data) implements Result {
    private static final Fail EMPTY = new Fail(null);
  }

  /** {@code OK(null)}. */
  static Result ok() {
    return Ok.EMPTY;
  }

  /** {@code OK(data)}. */
  static Result ok(Object data) {
    return data == null ? Ok.EMPTY : new Ok(data);
  }

  /** {@code FAIL(null)}. */
  static Result fail() {
    return Fail.EMPTY;
  }

  /** {@code FAIL(data)}. */
  static Result fail(Object data) {
    return data == null ? Fail.EMPTY : new Fail(data);
  }

  /** OK(data) for true, FAIL(data) for false. */
  static Result of(boolean ok, Object data) {
    return ok ? ok(data) : fail(data);
  }

  /** The data cast to {@code type}; a clear error when it is something else. */
  default <T> T dataAs(Class<T> type) {
    Object data = data();
    if (data != null && !type.isInstance(data)) {
      throw new ClassCastException(
          "result data is " + data.getClass().getName() + ", not " + type.getName());
    }
    return type.cast(data);
  }
}
