package dev.tasktree.node;

import dev.tasktree.BulkheadFullException;
import dev.tasktree.BulkheadPolicy;
import dev.tasktree.Result;
import dev.tasktree.runtime.Frame;
import dev.tasktree.runtime.Spec;
import dev.tasktree.runtime.Step;
import java.util.Map;

/**
 * <b>Bulkhead</b> ({@code bulkhead(policy)} + a node): runs its child in one of the {@link
 * BulkheadPolicy}'s slots, shared by every run in the process under bulkheads of that name.
 *
 * <p>OK or FAIL as its child. When no slot comes free within the policy's wait, the child does not
 * run and the node fails with {@link BulkheadFullException} (category {@code bulkhead_full}). The
 * slot is given back when the child ends, also when it fails or is cancelled. The span records
 * {@code bulkhead} and {@code bulkhead_wait_ms} when it waited.
 *
 * @param <B> the blackboard type
 */
public final class Bulkhead<B> extends PolicyDecorator<B, BulkheadPolicy> {

  private Bulkhead(String name, Step<B> child, BulkheadPolicy policy) {
    super(name, "Bulkhead", child, policy);
  }

  /** The descriptor of {@code bulkhead(policy)}. */
  public static <B> Spec<B> spec(BulkheadPolicy policy) {
    return PolicyDecorator.spec("Bulkhead", policy, "policy", Bulkhead<B>::new);
  }

  @Override
  public String details() {
    return policy.name() + " " + policy.maxConcurrent();
  }

  @Override
  public Map<String, Object> arguments() {
    return Map.of("bulkhead", policy.name(), "max_concurrent", policy.maxConcurrent());
  }

  @Override
  protected Result exec(B blackboard, Frame frame) throws InterruptedException {
    frame.attribute("bulkhead", policy.name());
    long start = System.nanoTime();
    try {
      policy.acquire();
    } catch (BulkheadFullException full) {
      return frame.failWith(full);
    }
    try {
      long waited = (System.nanoTime() - start) / 1_000_000;
      if (waited > 0) {
        frame.attribute("bulkhead_wait_ms", waited);
      }
      return frame.run(child, blackboard);
    } finally {
      policy.release();
    }
  }
}
