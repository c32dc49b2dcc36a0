package dev.tasktree.node;

import dev.tasktree.Result;
import dev.tasktree.runtime.Frame;
import dev.tasktree.runtime.Spec;
import dev.tasktree.runtime.Step;
import java.util.List;

/**
 * <b>Selector</b> ({@code selector() … end()}): tries its children in order until one is OK — a
 * fallback chain.
 *
 * <p>OK with the first OK child's data; later children do not run. FAIL with the <em>last</em>
 * child's data when every child fails.
 *
 * @param <B> the blackboard type
 */
public final class Selector<B> extends Step<B> {

  private final List<Step<B>> children;

  private Selector(String name, List<Step<B>> children) {
    super(name, "Selector");
    this.children = List.copyOf(children);
  }

  /** The descriptor of {@code selector()}. */
  public static <B> Spec<B> spec() {
    return Spec.block("Selector", (name, children, branch) -> new Selector<>(name, children));
  }

  @Override
  public List<? extends Step<?>> children() {
    return children;
  }

  @Override
  protected Result exec(B blackboard, Frame frame) {
    return firstOk(children, blackboard, frame);
  }

  /** Runs {@code order} until one is OK; the last result otherwise. */
  static <B> Result firstOk(List<Step<B>> order, B blackboard, Frame frame) {
    Result result = Result.fail();
    for (Step<B> child : order) {
      result = frame.run(child, blackboard);
      if (result.isOk()) {
        return result;
      }
    }
    return result;
  }
}
