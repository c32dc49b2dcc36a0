package dev.tasktree.node;

import dev.tasktree.Result;
import dev.tasktree.runtime.Frame;
import dev.tasktree.runtime.Spec;
import dev.tasktree.runtime.Step;
import java.util.List;

/**
 * <b>Sequence</b> ({@code sequence() … end()}): runs its children in order.
 *
 * <p>OK with the last child's data when every child is OK. FAIL with the failing child's data at
 * the first failure; later children do not run.
 *
 * @param <B> the blackboard type
 */
public final class Sequence<B> extends Step<B> {

  private final List<Step<B>> children;

  private Sequence(String name, List<Step<B>> children) {
    super(name, "Sequence");
    this.children = List.copyOf(children);
  }

  /** The descriptor of {@code sequence()}. */
  public static <B> Spec<B> spec() {
    return Spec.block("Sequence", (name, children, branch) -> new Sequence<>(name, children));
  }

  @Override
  public List<? extends Step<?>> children() {
    return children;
  }

  @Override
  protected Result exec(B blackboard, Frame frame) {
    Result result = Result.ok();
    for (Step<B> child : children) {
      result = frame.run(child, blackboard);
      if (!result.isOk()) {
        return result;
      }
    }
    return result;
  }
}
