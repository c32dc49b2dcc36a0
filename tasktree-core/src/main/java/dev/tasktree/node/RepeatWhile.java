package dev.tasktree.node;

import dev.tasktree.Result;
import dev.tasktree.runtime.Frame;
import dev.tasktree.runtime.Spec;
import dev.tasktree.runtime.Step;
import dev.tasktree.trace.Attributes;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * <b>RepeatWhile</b> ({@code repeatWhile(b -> …[, maxLoops])}): runs its child again and again
 * while the condition holds, checked before each loop.
 *
 * <p>OK with the last loop's data when the condition turns false (OK(null) when it never held).
 * FAIL at the first failing loop, with its data; FAIL when the condition still holds after {@code
 * maxLoops} loops (default 1,000). Each loop is its own child span with {@code tasktree.attempt}
 * (0-based); the span records {@code loops}. Inside a loop, {@code NodeContext.attempt()} is the
 * loop's number (1 for the first).
 *
 * @param <B> the blackboard type
 */
public final class RepeatWhile<B> extends Step<B> {

  private final Step<B> child;
  private final Predicate<B> condition;
  private final int maxLoops;

  private RepeatWhile(String name, Step<B> child, Predicate<B> condition, int maxLoops) {
    super(name, "RepeatWhile");
    this.child = child;
    this.condition = condition;
    this.maxLoops = maxLoops;
  }

  /** The descriptor of {@code repeatWhile(condition, maxLoops)}. */
  public static <B> Spec<B> spec(Predicate<B> condition, int maxLoops) {
    return Spec.<B>decorator(
            "RepeatWhile",
            (name, children, branch) ->
                new RepeatWhile<>(name, children.getFirst(), condition, maxLoops))
        .notNull(condition, "condition")
        .check(maxLoops > 0, "maxLoops must be positive, found " + maxLoops);
  }

  @Override
  public List<? extends Step<?>> children() {
    return List.of(child);
  }

  @Override
  public String details() {
    return "at most " + maxLoops + " loops";
  }

  @Override
  public Map<String, Object> arguments() {
    return Map.of("maxLoops", maxLoops);
  }

  @Override
  protected Result exec(B blackboard, Frame frame) {
    Result last = Result.ok();
    for (int loop = 0; condition.test(blackboard); loop++) {
      if (loop == maxLoops) {
        return frame.failWith(
            new IllegalStateException(
                "RepeatWhile: condition still true after the maximum of " + maxLoops + " loops"));
      }
      last = frame.runAttempt(child, blackboard, Attributes.ATTEMPT, loop + 1, null);
      frame.attribute("loops", loop + 1);
      if (!last.isOk()) {
        return last;
      }
    }
    return last;
  }
}
