package dev.tasktree.node;

import dev.tasktree.BudgetExceededException;
import dev.tasktree.BudgetPolicy;
import dev.tasktree.Result;
import dev.tasktree.runtime.BudgetAccount;
import dev.tasktree.runtime.BudgetScope;
import dev.tasktree.runtime.Frame;
import dev.tasktree.runtime.Spec;
import dev.tasktree.runtime.Step;
import java.util.Map;

/**
 * <b>Budget</b> ({@code budget(policy)} + a node): runs its child with a {@link BudgetPolicy} in
 * scope. Every metered call in the child's subtree (the LLM node, through {@link
 * dev.tasktree.spi.Charges}) reserves its estimate in the budget's account before it is sent — and
 * fails with {@link BudgetExceededException} (category {@code budget_exceeded}) without sending
 * when it does not fit — then is charged its real usage; a call that used more than its estimate
 * records {@code charge_breach} with a WARN. Nested budgets are all charged; the tightest refuses.
 *
 * <p>OK or FAIL as its child. Without {@code shared(...)} each execution of the node has its own
 * account (a Budget at the root is a per-run budget); a shared account is one for every run in
 * every process on its store. The span records {@code budget} (the shared name, or {@code local}),
 * {@code budget_spent} and {@code budget_remaining} as the account stood when the child finished
 * (cost in USD; remaining for the limited dimensions only).
 *
 * @param <B> the blackboard type
 */
public final class Budget<B> extends PolicyDecorator<B, BudgetPolicy> {

  private Budget(String name, Step<B> child, BudgetPolicy policy) {
    super(name, "Budget", child, policy);
  }

  /** The descriptor of {@code budget(policy)}. */
  public static <B> Spec<B> spec(BudgetPolicy policy) {
    return PolicyDecorator.spec("Budget", policy, "budget", Budget<B>::new);
  }

  @Override
  public String details() {
    return (policy.sharedName() == null ? "" : policy.sharedName() + " ")
        + BudgetAccount.describe(policy.limit());
  }

  @Override
  public Map<String, Object> arguments() {
    return Map.of(
        "shared",
        policy.sharedName() == null ? "" : policy.sharedName(),
        "limit",
        BudgetAccount.describe(policy.limit()));
  }

  @Override
  protected Result exec(B blackboard, Frame frame) {
    return BudgetScope.enclose(policy, frame, () -> frame.run(child, blackboard));
  }
}
