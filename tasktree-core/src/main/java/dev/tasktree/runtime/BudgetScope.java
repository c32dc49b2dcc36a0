package dev.tasktree.runtime;

import dev.tasktree.BudgetPolicy;
import dev.tasktree.Result;
import dev.tasktree.store.BudgetStore;
import dev.tasktree.store.Spend;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs a body with a {@link BudgetPolicy}'s account in scope and records the account on the span of
 * the frame that holds it: what the Budget node does for its child, and what a run does for its
 * whole tree under {@link dev.tasktree.RunOptions#withBudget RunOptions.withBudget}.
 */
public final class BudgetScope {

  private static final String[] DIMENSIONS = {"input_tokens", "output_tokens", "cost_usd", "calls"};

  private BudgetScope() {}

  /**
   * Opens an account for {@code policy}, runs {@code body} with it in scope, and records {@code
   * budget}, {@code budget_spent} and {@code budget_remaining} on {@code frame}'s span.
   *
   * @param policy the limits
   * @param frame the frame whose span records the account
   * @param body what the budget encloses
   * @return the body's result
   */
  public static Result enclose(BudgetPolicy policy, Frame frame, Supplier<Result> body) {
    frame.attribute("budget", policy.sharedName() == null ? "local" : policy.sharedName());
    BudgetAccount account = BudgetAccount.open(policy);
    try {
      return Meters.with(account, body);
    } finally {
      BudgetStore.Outcome figures = account.figures(frame.context());
      if (figures != null) {
        frame.attribute("budget_spent", view(figures.spent(), null));
        frame.attribute(
            "budget_remaining",
            view(
                account.limit().minus(figures.spent()).minus(figures.reserved()), account.limit()));
      }
    }
  }

  /** Dimensions as a map for the trace; with {@code limit}, only the limited ones. */
  private static Map<String, Object> view(Spend spend, Spend limit) {
    Map<String, Object> out = new LinkedHashMap<>();
    long[] v = spend.toArray();
    long[] l = limit == null ? null : limit.toArray();
    for (int i = 0; i < v.length; i++) {
      if (l != null && l[i] == Spend.UNLIMITED) {
        continue;
      }
      out.put(DIMENSIONS[i], i == 2 ? v[i] / 1_000_000.0 : v[i]);
    }
    return out;
  }
}
