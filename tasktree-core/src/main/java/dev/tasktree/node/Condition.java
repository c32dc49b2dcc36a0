package dev.tasktree.node;

import dev.tasktree.Result;
import dev.tasktree.runtime.Frame;
import dev.tasktree.runtime.Spec;
import dev.tasktree.runtime.Step;
import java.util.function.Predicate;

/**
 * <b>Condition</b> ({@code condition(b -> …)}): tests the blackboard.
 *
 * <p>OK(true) when the predicate holds, FAIL(false) when it does not; FAIL(exception) when it
 * throws.
 *
 * @param <B> the blackboard type
 */
public final class Condition<B> extends Step<B> {

  private final Predicate<B> predicate;

  private Condition(String name, Predicate<B> predicate) {
    super(name, "Condition");
    this.predicate = predicate;
  }

  /** The descriptor of {@code condition(predicate)}. */
  public static <B> Spec<B> spec(Predicate<B> predicate) {
    return Spec.<B>leaf("Condition", name -> new Condition<>(name, predicate))
        .notNull(predicate, "predicate");
  }

  @Override
  protected Result exec(B blackboard, Frame frame) {
    boolean holds = predicate.test(blackboard);
    return Result.of(holds, holds);
  }
}
