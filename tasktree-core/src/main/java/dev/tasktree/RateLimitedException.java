package dev.tasktree;

import java.time.Duration;
import java.util.Optional;

/**
 * A rate limiter could not hand out the permits within its longest wait: the call was not made.
 * Category {@code rate_limited}; suggests when the permits would have been there.
 */
public final class RateLimitedException extends RejectedException implements SuggestsRetryDelay {

  private final Duration retryAfter;

  /** The limiter {@code limiter} refused; the permits would be there after {@code retryAfter}. */
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
