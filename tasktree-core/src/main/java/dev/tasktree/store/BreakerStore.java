package dev.tasktree.store;

/**
 * Where circuit breakers keep their state, so that every process pointing at the same store sees
 * one breaker. Both operations are atomic per breaker name: the state machine (closed → open after
 * enough failures in the window, open → half-open after the cooldown, half-open → closed after
 * {@link BreakerSpec#halfOpenProbes()} successful probes or back to open on a failed one) runs
 * inside the store, so concurrent processes can never hand out more probes than the limit.
 *
 * <p>{@link InMemoryBreakerStore} serves one process; {@code
 * dev.tasktree.redis.RedisStore#breakers()} serves many (Lua scripts on the Redis server's clock).
 * Implementations report every failure as a {@link StoreException}.
 */
public interface BreakerStore {

  /**
   * Asks whether a call may go through now; moves an open breaker whose cooldown has passed to
   * half-open and hands out probes while any are left.
   *
   * @throws StoreException when the store cannot answer
   */
  Decision acquire(String name, BreakerSpec spec);

  /**
   * Records the outcome of a call that {@link #acquire} let through. {@code probe} says whether the
   * permit was a half-open probe; outcomes of calls that started in an earlier state are ignored.
   *
   * @throws StoreException when the store cannot record it
   */
  Decision record(String name, BreakerSpec spec, boolean failure, boolean probe);

  /** What a store said. */
  enum Verdict {
    /** Closed: the call may go. */
    PERMIT,
    /** Half-open: the call may go as one of the limited probes. */
    PROBE,
    /** Open (or half-open with every probe taken): the call must not go. */
    REJECT
  }

  /**
   * A store's answer.
   *
   * @param verdict what the caller may do (for {@link #record}, always {@link Verdict#PERMIT})
   * @param state the breaker's state after the operation
   * @param previous the state before, when the operation changed it; null when it did not
   * @param retryAfterMillis for a rejection (or an open state), how long until probes are let
   *     through; 0 otherwise
   */
  record Decision(
      Verdict verdict, CircuitState state, CircuitState previous, long retryAfterMillis) {

    /** Whether the operation changed the state. */
    public boolean changed() {
      return previous != null && previous != state;
    }
  }
}
