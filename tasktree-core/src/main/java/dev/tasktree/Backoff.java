package dev.tasktree;

import dev.tasktree.runtime.Durations;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * How long a {@link RetryPolicy} waits before each retry. Immutable.
 *
 * <pre>{@code
 * Backoff.none()
 * Backoff.fixed(Duration.ofMillis(200))
 * Backoff.perTry(Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(2))
 * Backoff.exponential(Duration.ofMillis(100), 2.0, Duration.ofSeconds(5)).withJitter(0.2)
 * }</pre>
 */
public final class Backoff {

  private final List<Duration> steps;
  private final double multiplier;
  private final Duration max;
  private final double jitter;
  private final Duration suggestedDelayCap;

  /** How long a failure's {@link SuggestsRetryDelay suggested delay} is honoured at most. */
  public static final Duration DEFAULT_SUGGESTED_DELAY_CAP = Duration.ofSeconds(30);

  private Backoff(List<Duration> steps, double multiplier, Duration max, double jitter) {
    this(steps, multiplier, max, jitter, DEFAULT_SUGGESTED_DELAY_CAP);
  }

  private Backoff(
      List<Duration> steps,
      double multiplier,
      Duration max,
      double jitter,
      Duration suggestedDelayCap) {
    for (Duration step : steps) {
      if (step.isNegative()) {
        throw new IllegalArgumentException("backoff delays must not be negative: " + step);
      }
    }
    if (multiplier < 1) {
      throw new IllegalArgumentException("multiplier must be >= 1, got " + multiplier);
    }
    if (jitter < 0 || jitter > 1) {
      throw new IllegalArgumentException("jitter must be within [0, 1], got " + jitter);
    }
    this.steps = List.copyOf(steps);
    this.multiplier = multiplier;
    this.max = max;
    this.jitter = jitter;
    if (suggestedDelayCap.isNegative()) {
      throw new IllegalArgumentException("the suggested-delay cap must not be negative");
    }
    this.suggestedDelayCap = suggestedDelayCap;
  }

  /** Retry at once. */
  public static Backoff none() {
    return new Backoff(List.of(Duration.ZERO), 1, null, 0);
  }

  /** The same delay before every retry. */
  public static Backoff fixed(Duration delay) {
    return new Backoff(List.of(delay), 1, null, 0);
  }

  /** One delay per retry, in order; the last one repeats. */
  public static Backoff perTry(Duration... delays) {
    if (delays.length == 0) {
      throw new IllegalArgumentException("perTry needs at least one delay");
    }
    return new Backoff(Arrays.asList(delays), 1, null, 0);
  }

  /** {@code initial}, then times {@code multiplier} per retry, never above {@code max}. */
  public static Backoff exponential(Duration initial, double multiplier, Duration max) {
    return new Backoff(List.of(initial), multiplier, max, 0);
  }

  /**
   * This backoff with each delay moved randomly by up to {@code fraction} of itself (0.2 = ±20%),
   * drawn from the run's random source.
   */
  public Backoff withJitter(double fraction) {
    return new Backoff(steps, multiplier, max, fraction, suggestedDelayCap);
  }

  /**
   * This backoff, honouring a failure's {@link SuggestsRetryDelay suggested delay} (such as an HTTP
   * {@code Retry-After}) up to {@code cap}; {@code Duration.ZERO} ignores suggestions. Default 30
   * s.
   *
   * @throws IllegalArgumentException when {@code cap} is negative
   */
  public Backoff withSuggestedDelayCap(Duration cap) {
    return new Backoff(
        steps, multiplier, max, jitter, java.util.Objects.requireNonNull(cap, "cap"));
  }

  /**
   * The delay before retry number {@code retry} after a failure with data {@code failure}: this
   * backoff's delay, or the failure's suggested delay (capped) when that is longer.
   */
  public Duration delay(int retry, Random random, Object failure) {
    Duration delay = delay(retry, random);
    if (failure instanceof SuggestsRetryDelay hint) {
      Duration suggested = hint.suggestedRetryDelay().orElse(Duration.ZERO);
      if (suggested.compareTo(suggestedDelayCap) > 0) {
        suggested = suggestedDelayCap;
      }
      if (suggested.compareTo(delay) > 0) {
        return suggested;
      }
    }
    return delay;
  }

  /** The delay before retry number {@code retry} (0 = before the second try). */
  public Duration delay(int retry, Random random) {
    double millis;
    if (multiplier > 1) {
      millis = steps.getFirst().toNanos() / 1e6 * Math.pow(multiplier, retry);
      if (max != null) {
        millis = Math.min(millis, max.toNanos() / 1e6);
      }
    } else {
      millis = steps.get(Math.min(retry, steps.size() - 1)).toNanos() / 1e6;
    }
    if (jitter > 0) {
      millis *= 1 + jitter * (2 * random.nextDouble() - 1);
    }
    return Duration.ofNanos((long) (Math.max(0, millis) * 1e6));
  }

  @Override
  public String toString() {
    if (multiplier > 1) {
      return "exponential "
          + Durations.human(steps.getFirst())
          + " x"
          + multiplier
          + (max == null ? "" : " max " + Durations.human(max))
          + jitterText();
    }
    if (steps.size() == 1) {
      return steps.getFirst().isZero()
          ? "no backoff"
          : "fixed " + Durations.human(steps.getFirst()) + jitterText();
    }
    return "per try " + steps.stream().map(Durations::human).toList() + jitterText();
  }

  private String jitterText() {
    return jitter > 0 ? " jitter " + jitter : "";
  }
}
