package dev.tasktree;

/**
 * {@code .breaker(circuitBreaker)}: runs its child only when the {@link CircuitBreaker} lets it.
 *
 * <ul>
 *   <li>Closed: the child runs; its result is the node's result and counts in the breaker's window
 *       (a FAIL counts as a failure when the breaker's {@code countFailuresIf} says so).
 *   <li>Open, or half-open with every probe taken: the child does not run; the node fails at once
 *       with {@link CircuitOpenException} (category {@code circuit_open}), so an enclosing Selector
 *       moves on in microseconds.
 *   <li>Half-open with a probe left: the child runs as a probe ({@code circuit_probe: true}); its
 *       outcome closes or reopens the breaker for every process sharing the store.
 * </ul>
 *
 * <p>The span records {@code circuit} (the breaker's name), {@code circuit_permit} ({@code closed},
 * {@code probe}, {@code refused} or {@code unchecked} when the store failed) and, when this call
 * changed the state, {@code circuit_transition} with an INFO log (also logged through SLF4J). A
 * cancelled child records nothing: a probe it held is handed out again after a cooldown.
 */
final class BreakerNode<B> extends Decorators.Decorator<B> {

  private final CircuitBreaker breaker;

  BreakerNode(String name, Step<B> child, CircuitBreaker breaker) {
    super(name, "Breaker", child);
    this.breaker = breaker;
  }

  @Override
  String details() {
    return breaker.name();
  }

  @Override
  Result exec(B blackboard, Frame frame) {
    frame.attribute("circuit", breaker.name());
    CircuitBreaker.Permit permit = breaker.acquire(frame);
    if (permit.refusal() != null) {
      frame.attribute("circuit_permit", "refused");
      return frame.failWith(permit.refusal());
    }
    frame.attribute(
        "circuit_permit",
        permit == CircuitBreaker.Permit.UNCHECKED
            ? "unchecked"
            : permit == CircuitBreaker.Permit.PROBE ? "probe" : "closed");
    Result result = frame.run(child, blackboard);
    breaker.complete(frame, permit, result);
    return result;
  }
}
