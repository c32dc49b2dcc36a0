package dev.tasktree.node;

import dev.tasktree.Result;
import dev.tasktree.runtime.Frame;
import dev.tasktree.runtime.Spec;
import dev.tasktree.runtime.Step;
import java.util.function.Function;

/**
 * <b>Failure</b> ({@code failure()}, {@code failure(b -> data)}): fails on purpose.
 *
 * <p>Always FAIL, with null or the data computed from the blackboard.
 *
 * @param <B> the blackboard type
 */
public final class Failure<B> extends Step<B> {

  private final Function<B, ?> data;

  private Failure(String name, Function<B, ?> data) {
    super(name, "Failure");
    this.data = data;
  }

  /** The descriptor of {@code failure(data)}. */
  public static <B> Spec<B> spec(Function<B, ?> data) {
    return Spec.<B>leaf("Failure", name -> new Failure<>(name, data)).notNull(data, "data");
  }

  @Override
  protected Result exec(B blackboard, Frame frame) {
    return Result.fail(data.apply(blackboard));
  }
}
