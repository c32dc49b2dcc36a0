package dev.tasktree.runtime;

import dev.tasktree.BudgetExceededException;
import dev.tasktree.BudgetPolicy;
import dev.tasktree.OnStoreError;
import dev.tasktree.spi.NodeContext;
import dev.tasktree.store.BudgetStore;
import dev.tasktree.store.InMemoryBudgetStore;
import dev.tasktree.store.Spend;
import dev.tasktree.store.StoreException;
import java.time.Duration;

/**
 * One execution's view of a {@link BudgetPolicy}: the meter its calls reserve in and settle with,
 * and the figures the Budget node records at the end.
 */
public final class BudgetAccount implements Meters.Meter {

  private final String name;
  private final BudgetStore store;
  private final Spend limit;
  private final long periodMillis;
  private final long leaseMillis;
  private final OnStoreError onStoreError;
  private final long deadlineNanos;
  private final StoreOutage outage;
  private volatile BudgetStore.Outcome last;

  /** The account for one execution of a Budget node under {@code policy}. */
  public static BudgetAccount open(BudgetPolicy policy) {
    if (policy.sharedName() == null) {
      return new BudgetAccount(
          "budget",
          new InMemoryBudgetStore(),
          policy.limit(),
          0,
          Long.MAX_VALUE / 4,
          OnStoreError.FAIL,
          policy.wallTime());
    }
    return new BudgetAccount(
        policy.sharedName(),
        policy.store(),
        policy.limit(),
        policy.resetEvery() == null ? 0 : policy.resetEvery().toMillis(),
        policy.lease().toMillis(),
        policy.onStoreError(),
        policy.wallTime());
  }

  private BudgetAccount(
      String name,
      BudgetStore store,
      Spend limit,
      long periodMillis,
      long leaseMillis,
      OnStoreError onStoreError,
      Duration wallTime) {
    this.name = name;
    this.store = store;
    this.limit = limit;
    this.periodMillis = periodMillis;
    this.leaseMillis = leaseMillis;
    this.onStoreError = onStoreError;
    this.deadlineNanos = wallTime == null ? 0 : System.nanoTime() + wallTime.toNanos();
    this.outage = new StoreOutage("budget '" + name + "'");
  }

  @Override
  public Meters.Held reserve(NodeContext context, Spend estimate) {
    if (deadlineNanos != 0 && System.nanoTime() - deadlineNanos >= 0) {
      throw refused(context, "wall_time", "budget '" + name + "': wall time is used up");
    }
    BudgetStore.Outcome outcome;
    try {
      outcome = store.reserve(name, limit, periodMillis, estimate, leaseMillis);
    } catch (StoreException e) {
      if (onStoreError == OnStoreError.FAIL) {
        outage.report(context, e, "refusing the call (onStoreError FAIL)");
        throw new BudgetExceededException(
            name, "store", "budget '" + name + "' cannot be checked: " + e.getMessage());
      }
      outage.report(context, e, "letting the call through uncounted (onStoreError CONTINUE)");
      return (ctx, est, actual) -> {};
    }
    last = outcome;
    if (!outcome.granted()) {
      String dimension =
          outcome.spent().plus(outcome.reserved()).plus(estimate).firstExceeding(limit);
      throw refused(
          context,
          dimension == null ? "unknown" : dimension,
          "budget '"
              + name
              + "': the call's estimate "
              + describe(estimate)
              + " does not fit; spent "
              + describe(outcome.spent())
              + ", in flight "
              + describe(outcome.reserved())
              + ", limit "
              + describe(limit));
    }
    String id = outcome.reservation();
    return (ctx, est, actual) -> {
      try {
        last = store.settle(name, id, actual);
      } catch (StoreException e) {
        outage.report(
            ctx,
            e,
            "charge of "
                + describe(actual)
                + " lost; its reservation expires"
                + " and is charged at the estimate");
      }
    };
  }

  private BudgetExceededException refused(NodeContext context, String dimension, String message) {
    context.attribute("budget_refused", dimension);
    return new BudgetExceededException(name, dimension, message);
  }

  /** The account's latest figures (reads the store when nothing was charged yet). */
  public BudgetStore.Outcome figures(NodeContext context) {
    BudgetStore.Outcome known = last;
    if (known != null) {
      return known;
    }
    try {
      return store.read(name, periodMillis);
    } catch (StoreException e) {
      outage.report(context, e, "figures unknown");
      return null;
    }
  }

  public Spend limit() {
    return limit;
  }

  /** A spend as traces and messages show it: only the non-zero, limited or used dimensions. */
  public static String describe(Spend spend) {
    StringBuilder out = new StringBuilder("{");
    append(out, "input_tokens", spend.inputTokens());
    append(out, "output_tokens", spend.outputTokens());
    if (spend.costMicros() != Spend.UNLIMITED && spend.costMicros() != 0) {
      sep(out).append("cost_usd=").append(spend.costMicros() / 1_000_000.0);
    }
    append(out, "calls", spend.calls());
    return out.append('}').toString();
  }

  private static void append(StringBuilder out, String key, long value) {
    if (value != Spend.UNLIMITED && value != 0) {
      sep(out).append(key).append('=').append(value);
    }
  }

  private static StringBuilder sep(StringBuilder out) {
    return out.length() > 1 ? out.append(", ") : out;
  }
}
