package dev.tasktree.node;

import dev.tasktree.Result;
import dev.tasktree.runtime.Branch;
import dev.tasktree.runtime.Durations;
import dev.tasktree.runtime.Fork;
import dev.tasktree.runtime.Frame;
import dev.tasktree.runtime.Spec;
import dev.tasktree.runtime.Step;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * <b>Timeout</b> ({@code timeout(duration)} + a node, optionally {@code fallback()} + a node): runs
 * its child with a deadline.
 *
 * <p>OK or FAIL as the child when it ends in time. At the deadline the child's whole subtree is
 * cancelled: every thread in it, at any depth, is interrupted, every {@code onCancel} hook runs and
 * no node starts in it any more. The node waits for the child to unwind for at most the run's
 * cancel grace (100 ms by default); work still running then ignored interruption and is abandoned
 * (its span ends CANCELLED with {@code tasktree.abandoned}). Then the {@code fallback()} runs on
 * the caller's thread, outside the cancelled scope, and is the result; without one the node fails
 * with a {@link TimeoutException}. The span records {@code timed_out}. A Timeout cancelled by an
 * ancestor does not run its fallback; it unwinds too.
 *
 * @param <B> the blackboard type
 */
public final class Timeout<B> extends Step<B> {

  private final Step<B> child;
  private final Step<B> fallback;
  private final Duration timeout;

  private Timeout(String name, Step<B> child, Step<B> fallback, Duration timeout) {
    super(name, "Timeout");
    this.child = child;
    this.fallback = fallback;
    this.timeout = timeout;
  }

  /** The descriptor of {@code timeout(timeout)}. */
  public static <B> Spec<B> spec(Duration timeout) {
    return Spec.<B>decorator(
            "Timeout",
            (name, children, branch) -> new Timeout<>(name, children.getFirst(), branch, timeout))
        .accepts(Branch.FALLBACK)
        .notNull(timeout, "timeout")
        .check(
            timeout == null || (!timeout.isNegative() && !timeout.isZero()),
            "timeout must be positive, found " + timeout);
  }

  @Override
  public List<? extends Step<?>> children() {
    return Fallbacks.children(child, fallback);
  }

  @Override
  public String details() {
    return Durations.human(timeout);
  }

  @Override
  public Map<String, Object> arguments() {
    return Map.of("timeout", timeout.toString(), "fallback", fallback != null);
  }

  @Override
  public boolean forks() {
    return true;
  }

  @Override
  protected Result exec(B blackboard, Frame frame) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Fork fork = new Fork(frame, 0)) {
      Fork.Task task = fork.spawn(f -> f.run(child, blackboard), null);
      if (fork.join(deadline) == Fork.Outcome.DONE && task.result() != null) {
        return task.result();
      }
      fork.cancel("timed out after " + details());
      fork.join(Long.MAX_VALUE);
    }
    frame.attribute("timed_out", true);
    return Fallbacks.cutShort(
        fallback, blackboard, frame, new TimeoutException("timed out after " + details()));
  }
}
