package dev.tasktree.node;

import dev.tasktree.CircuitBreaker;
import dev.tasktree.CircuitOpenException;
import dev.tasktree.Result;
import dev.tasktree.runtime.Frame;
import dev.tasktree.runtime.Spec;
import dev.tasktree.runtime.Step;
import java.util.Map;

/**
 * <b>Breaker</b> ({@code breaker(circuitBreaker)} + a node): runs its child only when the {@link
 * CircuitBreaker} lets it.
 *
 * <ul>
 *   <li>Closed: the child runs; its result is the node's result and counts in the breaker's window
 *       (a FAIL counts as a failure when the breaker's {@code countFailuresIf} says so).
 *   <li>Open, or half-open with every probe taken: the child does not run; the node fails at once
 *       with {@link CircuitOpenException} (category {@code circuit_open}), so an enclosing Selector
 *       moves on in microseconds.
 *   <li>Half-open with a probe left: the child runs as a probe; its outcome closes or reopens the
 *       breaker for every process sharing the store.
 * </ul>
 *
 * <p>The span records {@code circuit} (the breaker's name), {@code circuit_permit} ({@code closed},
 * {@code probe}, {@code refused}, or {@code unchecked} when the store failed: the call then goes
 * through with a WARN) and, when this call changed the state, {@code circuit_transition} (e.g.
 * {@code closed->open}) with an INFO log, also logged through SLF4J. A cancelled child records
 * nothing; a probe it held is handed out again after a cooldown.
 *
 * @param <B> the blackboard type
 */
public final class Breaker<B> extends PolicyDecorator<B, CircuitBreaker> {

  private Breaker(String name, Step<B> child, CircuitBreaker breaker) {
    super(name, "Breaker", child, breaker);
  }

  /** The descriptor of {@code breaker(circuitBreaker)}. */
  public static <B> Spec<B> spec(CircuitBreaker breaker) {
    return PolicyDecorator.spec("Breaker", breaker, "breaker", Breaker<B>::new);
  }

  @Override
  public String details() {
    return policy.name();
  }

  @Override
  public Map<String, Object> arguments() {
    return Map.of("breaker", policy.name());
  }

  @Override
  protected Result exec(B blackboard, Frame frame) {
    frame.attribute("circuit", policy.name());
    CircuitBreaker.Permit permit = policy.acquire(frame.context());
    frame.attribute("circuit_permit", permit.label());
    if (permit.refusal() != null) {
      return frame.failWith(permit.refusal());
    }
    Result result = frame.run(child, blackboard);
    policy.complete(frame.context(), permit, result);
    return result;
  }
}
