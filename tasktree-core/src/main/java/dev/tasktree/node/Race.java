package dev.tasktree.node;

import dev.tasktree.Result;
import dev.tasktree.runtime.Fork;
import dev.tasktree.runtime.Frame;
import dev.tasktree.runtime.Spec;
import dev.tasktree.runtime.Step;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * <b>Race</b> ({@code race() … end()}): runs its children concurrently; the first OK wins — hedged
 * requests.
 *
 * <p>OK with the winner's data; the other children are cancelled (their spans end CANCELLED with
 * the reason {@code lost the race to X}) and the span records the {@code winner}. FAIL with the
 * data of the child that failed <em>last</em> when none is OK.
 *
 * @param <B> the blackboard type
 */
public final class Race<B> extends Step<B> {

  private final List<Step<B>> children;

  private Race(String name, List<Step<B>> children) {
    super(name, "Race");
    this.children = List.copyOf(children);
  }

  /** The descriptor of {@code race()}. */
  public static <B> Spec<B> spec() {
    return Spec.block("Race", (name, children, branch) -> new Race<>(name, children));
  }

  @Override
  public List<? extends Step<?>> children() {
    return children;
  }

  @Override
  public boolean forks() {
    return true;
  }

  @Override
  protected Result exec(B blackboard, Frame frame) {
    AtomicReference<Result> winner = new AtomicReference<>();
    AtomicReference<Result> lastFailure = new AtomicReference<>(Result.fail());
    try (Fork fork = new Fork(frame, 0)) {
      for (Step<B> child : children) {
        fork.spawn(
            f -> f.run(child, blackboard),
            task -> {
              if (task.result().isOk()) {
                if (winner.compareAndSet(null, task.result())) {
                  frame.attribute("winner", child.segment());
                  fork.cancel("lost the race to " + child.segment());
                }
              } else {
                lastFailure.set(task.result());
              }
            });
      }
      fork.join(Long.MAX_VALUE);
      return winner.get() != null ? winner.get() : lastFailure.get();
    }
  }
}
