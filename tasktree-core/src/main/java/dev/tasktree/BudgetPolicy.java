package dev.tasktree;

import dev.tasktree.store.BudgetStore;
import dev.tasktree.store.InMemoryBudgetStore;
import dev.tasktree.store.Spend;
import java.time.Duration;
import java.util.Objects;

/**
 * Limits on what the LLM calls under a {@link TreeBuilder#budget(BudgetPolicy) .budget(...)} node
 * may use: input and output tokens, cost in USD, number of calls, wall time. Each call reserves its
 * estimate (from {@code max_tokens} and prices) before sending and is refused with {@link
 * BudgetExceededException} when it would not fit; afterwards it is charged its real usage.
 *
 * <pre>{@code
 * BudgetPolicy perAnswer = BudgetPolicy.limits().costUsd(0.05).calls(6).wallTime(Duration.ofSeconds(30)).build();
 * BudgetPolicy tenantDaily = BudgetPolicy.limits().costUsd(20.00)
 *     .shared("tenant-42", redis.budgets())        // one account for every run, every process
 *     .resetEvery(Duration.ofDays(1))
 *     .build();
 * }</pre>
 *
 * <p>Without {@code shared}, each execution of the node has its own account (so a budget at a
 * tree's root is a per-run budget). A shared account is charged atomically; it is exceeded only by
 * calls that use more than their estimate, by that excess (recorded as {@code charge_breach}). When
 * the shared store fails, {@link OnStoreError#FAIL} (the default) refuses the call and {@link
 * OnStoreError#CONTINUE} lets it through uncounted, with a warning either way. Wall time is local:
 * a call that starts after it has passed is refused. Immutable and thread-safe.
 */
public final class BudgetPolicy {

  private final Spend limit;
  private final Duration wallTime;
  private final String sharedName;
  private final BudgetStore store;
  private final Duration resetEvery;
  private final Duration lease;
  private final OnStoreError onStoreError;

  private BudgetPolicy(Builder builder) {
    this.limit =
        new Spend(builder.inputTokens, builder.outputTokens, builder.costMicros, builder.calls);
    this.wallTime = builder.wallTime;
    this.sharedName = builder.sharedName;
    this.store = builder.store;
    this.resetEvery = builder.resetEvery;
    this.lease = builder.lease;
    this.onStoreError = builder.onStoreError;
  }

  /** A builder with no limit set. */
  public static Builder limits() {
    return new Builder();
  }

  /**
   * The limits in store units (cost in micro-USD); unlimited dimensions hold {@link
   * Spend#UNLIMITED}.
   */
  public Spend limit() {
    return limit;
  }

  /** The shared account's name, or null for a per-execution budget. */
  public String sharedName() {
    return sharedName;
  }

  /** The wall-time limit, or null. */
  public Duration wallTime() {
    return wallTime;
  }

  /** The shared store (the process-wide in-memory one unless set). */
  public BudgetStore store() {
    return store;
  }

  /** The reset period of a shared account, or null for none. */
  public Duration resetEvery() {
    return resetEvery;
  }

  /** How long an unsettled reservation is held before it is charged at its estimate. */
  public Duration lease() {
    return lease;
  }

  /** What a shared budget does when its store fails. */
  public OnStoreError onStoreError() {
    return onStoreError;
  }

  /**
   * Settings of a {@link BudgetPolicy}; every dimension is unlimited until set. Shared budgets
   * default to the process-wide in-memory store, no reset, a 10-minute lease and {@link
   * OnStoreError#FAIL}.
   */
  public static final class Builder {
    private long inputTokens = Spend.UNLIMITED;
    private long outputTokens = Spend.UNLIMITED;
    private long costMicros = Spend.UNLIMITED;
    private long calls = Spend.UNLIMITED;
    private Duration wallTime;
    private String sharedName;
    private BudgetStore store = InMemoryBudgetStore.shared();
    private Duration resetEvery;
    private Duration lease = Duration.ofMinutes(10);
    private OnStoreError onStoreError = OnStoreError.FAIL;

    private Builder() {}

    /** At most {@code tokens} prompt tokens. */
    public Builder inputTokens(long tokens) {
      this.inputTokens = nonNegative(tokens, "input tokens");
      return this;
    }

    /** At most {@code tokens} completion tokens. */
    public Builder outputTokens(long tokens) {
      this.outputTokens = nonNegative(tokens, "output tokens");
      return this;
    }

    /**
     * At most {@code usd} US dollars (kept in micro-USD).
     *
     * @throws IllegalArgumentException when negative or not a number
     */
    public Builder costUsd(double usd) {
      if (!(usd >= 0) || Double.isInfinite(usd)) {
        throw new IllegalArgumentException("cost limit must be a non-negative amount, got " + usd);
      }
      this.costMicros = Math.round(usd * 1_000_000);
      return this;
    }

    /** At most {@code calls} LLM calls. */
    public Builder calls(long calls) {
      this.calls = nonNegative(calls, "calls");
      return this;
    }

    /** No call starts once {@code limit} has passed since the node started (not shared). */
    public Builder wallTime(Duration limit) {
      Objects.requireNonNull(limit, "limit");
      if (limit.isNegative() || limit.isZero()) {
        throw new IllegalArgumentException("wall time must be positive, got " + limit);
      }
      this.wallTime = limit;
      return this;
    }

    /** One account named {@code name} in {@code store}, shared by every run using it. */
    public Builder shared(String name, BudgetStore store) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("a shared budget needs a non-blank name");
      }
      this.sharedName = name;
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /** A shared account starts from zero at every multiple of {@code period} (store clock, UTC). */
    public Builder resetEvery(Duration period) {
      Objects.requireNonNull(period, "period");
      if (period.toMillis() < 1) {
        throw new IllegalArgumentException("reset period must be at least 1 ms, got " + period);
      }
      this.resetEvery = period;
      return this;
    }

    /** How long a reservation whose process died is held before it is charged (10 minutes). */
    public Builder lease(Duration lease) {
      Objects.requireNonNull(lease, "lease");
      if (lease.toMillis() < 1) {
        throw new IllegalArgumentException("lease must be at least 1 ms, got " + lease);
      }
      this.lease = lease;
      return this;
    }

    /** What a shared budget does when its store fails (default {@link OnStoreError#FAIL}). */
    public Builder onStoreError(OnStoreError choice) {
      this.onStoreError = Objects.requireNonNull(choice, "choice");
      return this;
    }

    /**
     * The budget.
     *
     * @throws IllegalStateException when no limit was set
     */
    public BudgetPolicy build() {
      if (inputTokens == Spend.UNLIMITED
          && outputTokens == Spend.UNLIMITED
          && costMicros == Spend.UNLIMITED
          && calls == Spend.UNLIMITED
          && wallTime == null) {
        throw new IllegalStateException("a budget needs at least one limit");
      }
      if (sharedName == null && (resetEvery != null)) {
        throw new IllegalStateException("resetEvery applies to shared budgets only");
      }
      return new BudgetPolicy(this);
    }

    private static long nonNegative(long value, String what) {
      if (value < 0) {
        throw new IllegalArgumentException(what + " limit must be >= 0, got " + value);
      }
      return value;
    }
  }
}
