package dev.tasktree.node;

import dev.tasktree.Result;
import dev.tasktree.runtime.Branch;
import dev.tasktree.runtime.Frame;
import dev.tasktree.runtime.Spec;
import dev.tasktree.runtime.Step;
import java.util.List;
import java.util.function.Predicate;

/**
 * <b>When</b> ({@code when(b -> …)} + a node, optionally {@code orElse()} + a node): runs the next
 * node when the condition holds, else the {@code orElse()} branch.
 *
 * <p>OK or FAIL as the branch taken; OK(null) when the condition is false and there is no {@code
 * orElse()}; FAIL(exception) when the condition throws. The span records the {@code condition}'s
 * value.
 *
 * @param <B> the blackboard type
 */
public final class When<B> extends Step<B> {

  private final Predicate<B> condition;
  private final Step<B> then;
  private final Step<B> otherwise;

  private When(String name, Predicate<B> condition, Step<B> then, Step<B> otherwise) {
    super(name, "When");
    this.condition = condition;
    this.then = then;
    this.otherwise = otherwise;
  }

  /** The descriptor of {@code when(condition)}. */
  public static <B> Spec<B> spec(Predicate<B> condition) {
    return Spec.<B>decorator(
            "When",
            (name, children, branch) -> new When<>(name, condition, children.getFirst(), branch))
        .accepts(Branch.OR_ELSE)
        .notNull(condition, "condition");
  }

  @Override
  public List<? extends Step<?>> children() {
    return otherwise == null ? List.of(then) : List.of(then, otherwise);
  }

  @Override
  protected Result exec(B blackboard, Frame frame) {
    boolean holds = condition.test(blackboard);
    frame.attribute("condition", holds);
    if (holds) {
      return frame.run(then, blackboard);
    }
    return otherwise == null ? Result.ok() : frame.run(otherwise, blackboard);
  }
}
