package dev.tasktree.node;

import dev.tasktree.HedgePolicy;
import dev.tasktree.Result;
import dev.tasktree.runtime.Fork;
import dev.tasktree.runtime.Frame;
import dev.tasktree.runtime.LatencyWindow;
import dev.tasktree.runtime.Spec;
import dev.tasktree.runtime.Step;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * <b>Hedge</b> ({@code hedge(policy)} + a node): runs its child and, when no attempt has answered
 * OK after the policy's delay, starts another attempt beside it — up to {@code maxExtra} extra
 * attempts, one delay apart. Attempts run on virtual threads.
 *
 * <p>The first OK wins and is the node's result: every other attempt is cancelled at once (its
 * whole subtree; HTTP calls in flight are aborted through their cancel hooks) and its span ends
 * CANCELLED. A FAIL does not start an extra attempt (that is Retry's job) and does not end the node
 * while another attempt still runs; when every started attempt failed, the node fails with the last
 * failure. Each attempt is a child span with {@code hedge_attempt} (1 = the first); the node's span
 * records {@code hedge_winner} (the winning attempt, absent when none won), {@code hedge_attempts}
 * (how many started) and {@code hedge_delay_ms}. With a percentile policy the delay follows the
 * latencies of this node's winning attempts.
 *
 * @param <B> the blackboard type
 */
public final class Hedge<B> extends PolicyDecorator<B, HedgePolicy> {

  private final LatencyWindow latencies;

  private Hedge(String name, Step<B> child, HedgePolicy policy) {
    super(name, "Hedge", child, policy);
    this.latencies =
        policy.percentile() > 0
            ? new LatencyWindow(policy.window(), policy.percentile(), policy.minSamples())
            : null;
  }

  /** The descriptor of {@code hedge(policy)}. */
  public static <B> Spec<B> spec(HedgePolicy policy) {
    return PolicyDecorator.spec("Hedge", policy, "policy", Hedge<B>::new);
  }

  @Override
  protected Result exec(B blackboard, Frame frame) {
    long delayNanos =
        latencies == null
            ? policy.delay().toNanos()
            : latencies.percentileNanos(policy.delay().toNanos());
    frame.attribute("hedge_delay_ms", delayNanos / 1_000_000.0);
    AtomicReference<Result> winner = new AtomicReference<>();
    AtomicReference<Result> lastFailure = new AtomicReference<>(Result.fail());
    AtomicInteger winning = new AtomicInteger();
    int started = 0;
    long nodeStart = System.nanoTime();
    try (Fork fork = new Fork(frame, 0)) {
      while (true) {
        int attempt = ++started;
        fork.spawn(
            f -> f.run(child, blackboard, "hedge_attempt", attempt),
            task -> {
              if (task.result().isOk()) {
                if (winner.compareAndSet(null, task.result())) {
                  winning.set(attempt);
                  if (latencies != null) {
                    latencies.add(System.nanoTime() - nodeStart); // what callers waited
                  }
                  fork.cancel("attempt " + attempt + " answered first");
                }
              } else {
                lastFailure.set(task.result());
              }
            });
        long deadline =
            started <= policy.maxExtra() ? System.nanoTime() + delayNanos : Long.MAX_VALUE;
        Fork.Outcome outcome = fork.join(deadline);
        if (winner.get() != null || outcome != Fork.Outcome.DEADLINE) {
          break;
        }
      }
      fork.join(Long.MAX_VALUE);
    }
    frame.attribute("hedge_attempts", started);
    if (winner.get() != null) {
      frame.attribute("hedge_winner", winning.get());
      return winner.get();
    }
    return lastFailure.get();
  }
}
