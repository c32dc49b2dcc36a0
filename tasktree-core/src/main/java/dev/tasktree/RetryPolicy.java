package dev.tasktree;

import java.util.function.Predicate;

/**
 * How a Retry node retries: how many tries in all, the {@link Backoff} between them, and which
 * failures are worth retrying. Immutable.
 *
 * <pre>{@code
 * RetryPolicy.tries(4)
 *     .backoff(Backoff.exponential(Duration.ofMillis(200), 2, Duration.ofSeconds(3)).withJitter(0.2))
 *     .retryIf(data -> !(data instanceof IllegalArgumentException))
 * }</pre>
 *
 * @param maxTries tries in all, the first included (at least 1)
 * @param backoff the wait before each retry (never after the last try)
 * @param retryIf whether a FAIL with this data should be retried
 */
public record RetryPolicy(int maxTries, Backoff backoff, Predicate<Object> retryIf) {

  /** Validates the policy. */
  public RetryPolicy {
    if (maxTries < 1) {
      throw new IllegalArgumentException("maxTries must be at least 1, got " + maxTries);
    }
    if (backoff == null || retryIf == null) {
      throw new NullPointerException("backoff and retryIf must not be null");
    }
  }

  /** {@code maxTries} tries in all, no backoff, every failure retried. */
  public static RetryPolicy tries(int maxTries) {
    return new RetryPolicy(maxTries, Backoff.none(), data -> true);
  }

  /** This policy with another backoff. */
  public RetryPolicy backoff(Backoff backoff) {
    return new RetryPolicy(maxTries, backoff, retryIf);
  }

  /** This policy, retrying only failures whose data matches. */
  public RetryPolicy retryIf(Predicate<Object> retryIf) {
    return new RetryPolicy(maxTries, backoff, retryIf);
  }
}
