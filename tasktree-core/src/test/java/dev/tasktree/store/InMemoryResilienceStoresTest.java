package dev.tasktree.store;

/** The resilience store rules on the in-memory stores. */
class InMemoryResilienceStoresTest extends ResilienceStoreContract {

  private final InMemoryBreakerStore breakers = new InMemoryBreakerStore();
  private final InMemoryLimiterStore limiters = new InMemoryLimiterStore();
  private final InMemoryBudgetStore budgets = new InMemoryBudgetStore();

  @Override
  protected BreakerStore breakers() {
    return breakers;
  }

  @Override
  protected LimiterStore limiters() {
    return limiters;
  }

  @Override
  protected BudgetStore budgets() {
    return budgets;
  }
}
