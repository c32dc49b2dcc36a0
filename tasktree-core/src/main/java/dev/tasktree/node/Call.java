package dev.tasktree.node;

import dev.tasktree.ContextFunction;
import dev.tasktree.Result;
import dev.tasktree.runtime.Frame;
import dev.tasktree.runtime.Spec;
import dev.tasktree.runtime.Step;

/**
 * <b>Call</b> ({@code call(() -> …)}, {@code call(b -> …)}, {@code call((b, ctx) -> …)}): runs a
 * function of the blackboard and the node's context.
 *
 * <p>OK with the returned value; a returned {@link Result} passes through as it is. FAIL when the
 * function returns {@code Result.fail(…)} or throws (the exception is the data and is recorded on
 * the span). Whatever the function logs or sets through its context lands on this node's span.
 *
 * @param <B> the blackboard type
 */
public final class Call<B> extends Step<B> {

  private final ContextFunction<B, ?> function;

  private Call(String name, ContextFunction<B, ?> function) {
    super(name, "Call");
    this.function = function;
  }

  /** The descriptor of {@code call(function)}. */
  public static <B> Spec<B> spec(ContextFunction<B, ?> function) {
    return Spec.<B>leaf("Call", name -> new Call<>(name, function)).notNull(function, "function");
  }

  /** A returned {@link Result} passes through; any other value is {@code OK(value)}. */
  static Result wrap(Object value) {
    return value instanceof Result r ? r : Result.ok(value);
  }

  @Override
  protected Result exec(B blackboard, Frame frame) throws Exception {
    return wrap(function.apply(blackboard, frame.context()));
  }
}
