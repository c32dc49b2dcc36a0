package dev.tasktree;

import dev.tasktree.runtime.Durations;
import dev.tasktree.runtime.StoreOutage;
import dev.tasktree.spi.NodeContext;
import dev.tasktree.store.InMemoryLimiterStore;
import dev.tasktree.store.LimiterStore;
import dev.tasktree.store.StoreException;
import java.time.Duration;
import java.util.Objects;

/**
 * A named token bucket, for {@link TreeBuilder#rateLimit(RateLimiter)}: requests per period (each
 * run of the child takes one permit) or tokens per period (each LLM call under it takes its
 * estimated tokens through {@link dev.tasktree.spi.Charges}, settled with the real count
 * afterwards).
 *
 * <pre>{@code
 * RateLimiter rpm = RateLimiter.requests("openai-rpm").perMinute(500).burst(20)
 *     .maxWait(Duration.ofSeconds(5)).store(redis.limiters()).build();
 * RateLimiter tpm = RateLimiter.tokens("openai-tpm").perMinute(200_000)
 *     .store(redis.limiters()).build();
 * }</pre>
 *
 * <p>The bucket starts full with {@code burst} permits and refills at {@code permits / period}; in
 * any interval of length T it hands out at most {@code burst + rate × T}, across every process
 * sharing its store. A caller short of permits reserves them ahead and waits up to {@code maxWait};
 * when that is not enough it takes nothing and fails with {@link RateLimitedException}, which
 * suggests retrying when the permits come within {@code maxWait} (the earliest a retry can
 * succeed). A failed child whose FAIL data suggests a delay (an HTTP 429's {@code Retry-After}, see
 * {@link SuggestsRetryDelay}) pauses the bucket for that long, for every process. When the store
 * fails the limiter lets the call through and warns. Immutable and thread-safe.
 */
public final class RateLimiter {

  /** What a permit stands for. */
  public enum Unit {
    /** One permit per run of the child. */
    REQUESTS,
    /** One permit per LLM token (prompt plus completion). */
    TOKENS
  }

  private final String name;
  private final Unit unit;
  private final LimiterStore.Spec spec;
  private final long maxWaitMillis;
  private final LimiterStore store;
  private final StoreOutage outage;

  private RateLimiter(Builder builder) {
    this.name = builder.name;
    this.unit = builder.unit;
    long burst = builder.burst > 0 ? builder.burst : builder.permits;
    this.spec = new LimiterStore.Spec(builder.permits, builder.period.toMillis(), burst);
    this.maxWaitMillis = builder.maxWait.toMillis();
    this.store = builder.store;
    this.outage = new StoreOutage("rate limiter '" + name + "'");
  }

  /** A builder for a requests-per-period limiter named {@code name}. */
  public static Builder requests(String name) {
    return new Builder(name, Unit.REQUESTS);
  }

  /** A builder for a tokens-per-period limiter named {@code name}. */
  public static Builder tokens(String name) {
    return new Builder(name, Unit.TOKENS);
  }

  /** The limiter's name (also its key in the store). */
  public String name() {
    return name;
  }

  /** What a permit stands for. */
  public Unit unit() {
    return unit;
  }

  /** The bucket's rules. */
  public LimiterStore.Spec spec() {
    return spec;
  }

  /**
   * Takes {@code permits}, waiting up to the limiter's bound. Returns how long it waited (ms).
   *
   * @throws RateLimitedException when the permits cannot be had within the bound (nothing taken)
   * @throws InterruptedException when the run is cancelled while waiting
   */
  public long acquire(NodeContext context, long permits) throws InterruptedException {
    if (permits > spec.burst()) {
      throw new RateLimitedException(
          name,
          "rate limiter '"
              + name
              + "': "
              + permits
              + " permits can never be had at once (burst "
              + spec.burst()
              + ")",
          Duration.ofMillis(spec.periodMillis()));
    }
    long wait;
    try {
      wait = store.acquire(name, spec, permits, maxWaitMillis);
    } catch (StoreException e) {
      outage.report(context, e, "letting the call through");
      return 0;
    }
    if (wait < 0) {
      throw new RateLimitedException(
          name,
          "rate limiter '"
              + name
              + "': "
              + permits
              + " permits not available within "
              + Durations.human(Duration.ofMillis(maxWaitMillis))
              + " (would take "
              + Durations.human(Duration.ofMillis(-wait))
              + ")",
          // the earliest moment a retry can succeed: when the permits come within maxWait. Not
          // the full wait: callers told the full wait all lose to whoever asks first, and one
          // process of a fleet can starve for minutes
          Duration.ofMillis(Math.max(1, -wait - maxWaitMillis)));
    }
    if (wait > 0) {
      Thread.sleep(wait);
    }
    return wait;
  }

  /** Takes {@code delta} more permits, or gives {@code -delta} back. Never throws for the store. */
  public void adjust(NodeContext context, long delta) {
    if (delta == 0) {
      return;
    }
    try {
      store.adjust(name, spec, delta);
    } catch (StoreException e) {
      outage.report(context, e, "adjustment of " + delta + " lost");
    }
  }

  /** Hands out nothing for {@code delay}, in every process. Never throws for the store. */
  public void pause(NodeContext context, Duration delay) {
    long millis = Math.max(1, delay.toMillis());
    try {
      store.pause(name, spec, millis);
      if (context != null) {
        context.log(
            dev.tasktree.trace.LogLevel.INFO,
            "rate limiter '" + name + "' paused for " + Durations.human(delay));
      }
    } catch (StoreException e) {
      outage.report(context, e, "pause not shared");
    }
  }

  /**
   * Settings of a {@link RateLimiter}. Required: the rate ({@link #permits(long, Duration)} or
   * {@link #perMinute(long)}). Defaults: burst = the permits of one period, max wait 0 (refuse at
   * once when short), the process-wide in-memory store.
   */
  public static final class Builder {
    private final String name;
    private final Unit unit;
    private long permits;
    private Duration period;
    private long burst;
    private Duration maxWait = Duration.ZERO;
    private LimiterStore store = InMemoryLimiterStore.shared();

    private Builder(String name, Unit unit) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("a rate limiter needs a non-blank name");
      }
      this.name = name;
      this.unit = unit;
    }

    /**
     * {@code permits} per {@code period}.
     *
     * @throws IllegalArgumentException when permits is below 1 or the period under 1 ms
     */
    public Builder permits(long permits, Duration period) {
      if (permits < 1) {
        throw new IllegalArgumentException("permits must be at least 1, got " + permits);
      }
      Objects.requireNonNull(period, "period");
      if (period.toMillis() < 1) {
        throw new IllegalArgumentException("period must be at least 1 ms, got " + period);
      }
      this.permits = permits;
      this.period = period;
      return this;
    }

    /** {@code permits} per minute (RPM or TPM). */
    public Builder perMinute(long permits) {
      return permits(permits, Duration.ofMinutes(1));
    }

    /** The most permits handed out at once after a quiet spell (default: one period's permits). */
    public Builder burst(long burst) {
      if (burst < 1) {
        throw new IllegalArgumentException("burst must be at least 1, got " + burst);
      }
      this.burst = burst;
      return this;
    }

    /** The longest a caller waits for permits before failing with RATE_LIMITED (default 0). */
    public Builder maxWait(Duration maxWait) {
      Objects.requireNonNull(maxWait, "maxWait");
      if (maxWait.isNegative()) {
        throw new IllegalArgumentException("maxWait must not be negative, got " + maxWait);
      }
      this.maxWait = maxWait;
      return this;
    }

    /** Where the bucket lives; a shared store makes one bucket for every process using it. */
    public Builder store(LimiterStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * The limiter.
     *
     * @throws IllegalStateException when no rate was set
     */
    public RateLimiter build() {
      if (period == null) {
        throw new IllegalStateException(
            "rate limiter '" + name + "' needs a rate: permits(n, period) or perMinute(n)");
      }
      return new RateLimiter(this);
    }
  }
}
