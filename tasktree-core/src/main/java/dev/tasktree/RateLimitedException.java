package dev.tasktree;

import java.time.Duration;
import java.util.Optional;

/**
 * A rate limiter could not hand out the permits within its longest wait: the call was not made.
 * Category {@code rate_limited}; suggests the earliest moment a retry can get the permits.
 */
public final class RateLimitedException extends RejectedException implements SuggestsRetryDelay {

  private final Duration retryAfter;

  /** The limiter {@code limiter} refused; a retry after {@code retryAfter} can get the permits. */
  public RateLimitedException(String limiter, String message, Duration retryAfter) {
    super(limiter, message);
    this.retryAfter = retryAfter;
  }

  @Override
  public String category() {
    return "rate_limited";
  }

  @Override
  public Optional<Duration> suggestedRetryDelay() {
    return Optional.of(retryAfter);
  }
}
