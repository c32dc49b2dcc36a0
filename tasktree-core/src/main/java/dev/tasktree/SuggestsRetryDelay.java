package dev.tasktree;

import java.time.Duration;
import java.util.Optional;

/**
 * Implemented by a FAIL's data that knows when trying again makes sense — an HTTP 429 with {@code
 * Retry-After: 7}, say. A Retry waits at least that long before its next try (never after its last
 * one), however short its {@link Backoff}, up to the backoff's {@linkplain
 * Backoff#withSuggestedDelayCap cap} (30 s unless set).
 *
 * <pre>{@code
 * record Throttled(Duration after) implements SuggestsRetryDelay {
 *   public Optional<Duration> suggestedRetryDelay() { return Optional.of(after); }
 * }
 * }</pre>
 */
public interface SuggestsRetryDelay {

  /** How long to wait before trying again; empty when the failure does not say. */
  Optional<Duration> suggestedRetryDelay();

  /**
   * Whether the delay is the remote service's word (a 429's {@code Retry-After}), so that a
   * RateLimit around the failed node pauses its limiter for it. False for a delay that a local
   * policy computed (a refusal of our own limiter or budget): pausing on it would throttle every
   * process for a limit the service never reported. True unless overridden.
   */
  default boolean pausesRateLimiters() {
    return true;
  }
}
