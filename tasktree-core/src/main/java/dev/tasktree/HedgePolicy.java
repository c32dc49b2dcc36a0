package dev.tasktree;

import java.time.Duration;
import java.util.Objects;

/**
 * When a {@link TreeBuilder#hedge(HedgePolicy) Hedge} starts another attempt of its child: after a
 * fixed delay, or after a percentile of that node's recent latencies (the delay it would take most
 * attempts to answer), and how many extra attempts it may add.
 *
 * <pre>{@code
 * HedgePolicy.after(Duration.ofMillis(800))            // fixed: a second attempt after 800 ms
 * HedgePolicy.atPercentile(90).initialDelay(Duration.ofSeconds(1)).maxExtra(2)
 * }</pre>
 *
 * <p>With a percentile, the delay is that percentile of the last {@code window} successful
 * attempts' latencies (default 200) once there are at least {@code minSamples} (default 20); before
 * that it is the initial delay. At the 90th percentile about one call in ten gets an extra attempt.
 * Immutable.
 */
public final class HedgePolicy {

  private final Duration delay;
  private final double percentile;
  private final int maxExtra;
  private final int window;
  private final int minSamples;

  private HedgePolicy(Duration delay, double percentile, int maxExtra, int window, int minSamples) {
    this.delay = delay;
    this.percentile = percentile;
    this.maxExtra = maxExtra;
    this.window = window;
    this.minSamples = minSamples;
  }

  /**
   * Starts one extra attempt when none has answered after {@code delay}.
   *
   * @throws IllegalArgumentException when the delay is negative
   */
  public static HedgePolicy after(Duration delay) {
    return new HedgePolicy(nonNegative(delay, "delay"), 0, 1, 200, 20);
  }

  /**
   * Starts one extra attempt when none has answered after the {@code percentile}-th percentile of
   * this node's recent latencies (1 s until there are enough of them).
   *
   * @throws IllegalArgumentException when the percentile is not in (0, 100)
   */
  public static HedgePolicy atPercentile(double percentile) {
    if (!(percentile > 0 && percentile < 100)) {
      throw new IllegalArgumentException("percentile must be in (0, 100), got " + percentile);
    }
    return new HedgePolicy(Duration.ofSeconds(1), percentile, 1, 200, 20);
  }

  /**
   * At most {@code extra} attempts besides the first (default 1), each one delay after the last.
   *
   * @throws IllegalArgumentException when below 1
   */
  public HedgePolicy maxExtra(int extra) {
    if (extra < 1) {
      throw new IllegalArgumentException("maxExtra must be at least 1, got " + extra);
    }
    return new HedgePolicy(delay, percentile, extra, window, minSamples);
  }

  /** For a percentile policy: the delay used until there are enough samples (default 1 s). */
  public HedgePolicy initialDelay(Duration initial) {
    return new HedgePolicy(
        nonNegative(initial, "initial delay"), percentile, maxExtra, window, minSamples);
  }

  /**
   * For a percentile policy: how many recent latencies are kept ({@code window}, default 200) and
   * how many are needed before the percentile is used ({@code minSamples}, default 20).
   *
   * @throws IllegalArgumentException when minSamples is below 1 or above the window
   */
  public HedgePolicy samples(int window, int minSamples) {
    if (minSamples < 1 || window < minSamples) {
      throw new IllegalArgumentException(
          "need 1 <= minSamples <= window, got " + minSamples + " and " + window);
    }
    return new HedgePolicy(delay, percentile, maxExtra, window, minSamples);
  }

  /** The fixed delay, or the initial delay of a percentile policy. */
  public Duration delay() {
    return delay;
  }

  /** The percentile (0 for a fixed delay). */
  public double percentile() {
    return percentile;
  }

  /** The most extra attempts. */
  public int maxExtra() {
    return maxExtra;
  }

  /** How many recent latencies a percentile policy keeps. */
  public int window() {
    return window;
  }

  /** How many latencies a percentile policy needs before it uses them. */
  public int minSamples() {
    return minSamples;
  }

  @Override
  public String toString() {
    return (percentile > 0 ? "p" + percentile : delay.toString()) + " +" + maxExtra;
  }

  private static Duration nonNegative(Duration value, String what) {
    Objects.requireNonNull(value, what);
    if (value.isNegative()) {
      throw new IllegalArgumentException(what + " must not be negative, got " + value);
    }
    return value;
  }
}
