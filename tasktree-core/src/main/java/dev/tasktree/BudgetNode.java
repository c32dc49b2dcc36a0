package dev.tasktree;

import dev.tasktree.store.BudgetStore;
import dev.tasktree.store.Spend;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code .budget(budget)}: runs its child with a {@link Budget} in scope. Every metered call in the
 * child's subtree (the LLM node, through {@link Charges}) reserves its estimate in the budget's
 * account before it is sent — and fails with {@link BudgetExceededException} (category {@code
 * budget_exceeded}) without sending when it does not fit — then is charged its real usage. Nested
 * budgets are all charged; the tightest refuses.
 *
 * <p>The node's result is its child's. Its span records {@code budget} (the shared name, or {@code
 * local}), {@code budget_spent} and {@code budget_remaining} as the account stood when the child
 * finished (cost in USD).
 */
final class BudgetNode<B> extends Decorators.Decorator<B> {

  private final Budget budget;

  BudgetNode(String name, Step<B> child, Budget budget) {
    super(name, "Budget", child);
    this.budget = budget;
  }

  @Override
  String details() {
    return (budget.sharedName() == null ? "" : budget.sharedName() + " ")
        + BudgetAccount.describe(budget.limit());
  }

  @Override
  Result exec(B blackboard, Frame frame) {
    frame.attribute("budget", budget.sharedName() == null ? "local" : budget.sharedName());
    BudgetAccount account = budget.open();
    try {
      return Meters.with(account, () -> frame.run(child, blackboard));
    } finally {
      BudgetStore.Outcome figures = account.figures(frame);
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
    String[] names = {"input_tokens", "output_tokens", "cost_usd", "calls"};
    for (int i = 0; i < v.length; i++) {
      if (l != null && l[i] == Spend.UNLIMITED) {
        continue;
      }
      out.put(names[i], i == 2 ? v[i] / 1_000_000.0 : v[i]);
    }
    return out;
  }
}
