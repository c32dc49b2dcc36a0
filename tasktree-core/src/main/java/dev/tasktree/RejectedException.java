package dev.tasktree;

/**
 * A resilience policy refused a call before it was made: an open circuit breaker, a rate limit that
 * could not be met in time, a budget that the call would not fit. The FAIL data of the refusing
 * node. Cheap to create (no stack trace), so an open breaker fails in microseconds.
 */
public abstract sealed class RejectedException extends RuntimeException
    permits CircuitOpenException,
        RateLimitedException,
        BudgetExceededException,
        BulkheadFullException {

  private final String policy;

  RejectedException(String policy, String message) {
    super(message, null, false, false);
    this.policy = policy;
  }

  /** The name of the breaker, limiter or budget that refused. */
  public String policy() {
    return policy;
  }

  /**
   * The category a tree can act on: {@code circuit_open}, {@code rate_limited}, {@code
   * budget_exceeded} or {@code bulkhead_full}.
   */
  public abstract String category();
}
