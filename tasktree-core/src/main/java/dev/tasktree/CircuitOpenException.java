package dev.tasktree;

import dev.tasktree.runtime.Durations;
import java.time.Duration;
import java.util.Optional;

/**
 * A circuit breaker is open (or half-open with every probe taken): the call was not made. Category
 * {@code circuit_open}; suggests retrying once the breaker lets probes through.
 */
public final class CircuitOpenException extends RejectedException implements SuggestsRetryDelay {

  private final Duration retryAfter;

  /** The breaker {@code breaker} refused; probes again after {@code retryAfter}. */
  public CircuitOpenException(String breaker, Duration retryAfter) {
    super(
        breaker,
        "circuit breaker '"
            + breaker
            + "' is open; probes again in "
            + Durations.human(retryAfter));
    this.retryAfter = retryAfter;
  }

  @Override
  public String category() {
    return "circuit_open";
  }

  @Override
  public Optional<Duration> suggestedRetryDelay() {
    return Optional.of(retryAfter);
  }
}
