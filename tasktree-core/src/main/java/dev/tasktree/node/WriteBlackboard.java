package dev.tasktree.node;

import dev.tasktree.Result;
import dev.tasktree.runtime.Frame;
import dev.tasktree.runtime.Spec;
import dev.tasktree.runtime.Step;
import java.util.function.BiConsumer;

/**
 * <b>WriteBlackboard</b> ({@code writeBlackboard(Chat::setAnswer)}): writes the previous result's
 * data to the blackboard through a setter.
 *
 * <p>OK with the written data. FAIL when there is no previous result, or when the setter does not
 * accept the data's type (the message names the type).
 *
 * @param <B> the blackboard type
 */
public final class WriteBlackboard<B> extends Step<B> {

  private final BiConsumer<B, Object> setter;

  private WriteBlackboard(String name, BiConsumer<B, Object> setter) {
    super(name, "WriteBlackboard");
    this.setter = setter;
  }

  /** The descriptor of {@code writeBlackboard(setter)}. */
  @SuppressWarnings("unchecked")
  public static <B, T> Spec<B> spec(BiConsumer<B, T> setter) {
    BiConsumer<B, Object> untyped = (BiConsumer<B, Object>) setter;
    return Spec.<B>leaf("WriteBlackboard", name -> new WriteBlackboard<>(name, untyped))
        .notNull(setter, "setter");
  }

  @Override
  public boolean writesBlackboard() {
    return true;
  }

  @Override
  protected Result exec(B blackboard, Frame frame) {
    Result previous = frame.previous().orElse(null);
    if (previous == null) {
      return frame.failWith(
          new IllegalStateException("WriteBlackboard: no previous result to write"));
    }
    Object data = previous.data();
    try {
      setter.accept(blackboard, data);
    } catch (ClassCastException e) {
      return frame.failWith(
          new IllegalStateException(
              "WriteBlackboard: the setter does not accept the previous data ("
                  + (data == null ? "null" : data.getClass().getName())
                  + "): "
                  + e.getMessage(),
              e));
    }
    return Result.ok(data);
  }
}
