package dev.tasktree.node;

import dev.tasktree.Result;
import dev.tasktree.runtime.Frame;
import dev.tasktree.runtime.Spec;
import dev.tasktree.runtime.Step;
import dev.tasktree.spi.Around;
import java.util.List;

/**
 * <b>Wrap</b> ({@code wrap(Around)} + a node): runs its child through your advice, which decides
 * when, whether and how often the child runs, and what the result is.
 *
 * <p>OK or FAIL as the advice returns; FAIL when it throws or returns null. Each {@code
 * child.run()} is its own child span.
 *
 * @param <B> the blackboard type
 */
public final class Wrap<B> extends Step<B> {

  private final Step<B> child;
  private final Around<B> around;

  private Wrap(String name, Step<B> child, Around<B> around) {
    super(name, "Wrap");
    this.child = child;
    this.around = around;
  }

  /** The descriptor of {@code wrap(around)}. */
  public static <B> Spec<B> spec(Around<B> around) {
    return Spec.<B>decorator(
            "Wrap", (name, children, branch) -> new Wrap<>(name, children.getFirst(), around))
        .notNull(around, "around");
  }

  @Override
  public List<? extends Step<?>> children() {
    return List.of(child);
  }

  @Override
  protected Result exec(B blackboard, Frame frame) throws Exception {
    Result result = around.around(blackboard, frame.context(), () -> frame.run(child, blackboard));
    if (result == null) {
      return frame.failWith(new IllegalStateException("Wrap advice returned null"));
    }
    return result;
  }
}
