package dev.tasktree.redis;

import dev.tasktree.store.BreakerStore;
import dev.tasktree.store.BudgetStore;
import dev.tasktree.store.LimiterStore;
import dev.tasktree.store.ResilienceStoreContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The resilience store rules on Redis (the same contract as the in-memory stores). */
class RedisResilienceStoresTest extends ResilienceStoreContract {

  private String prefix;
  private RedisStore store;

  @BeforeEach
  void connect() {
    prefix = TestRedis.uniquePrefix();
    store = RedisStore.builder(TestRedis.url()).keyPrefix(prefix).build();
  }

  @AfterEach
  void cleanUp() {
    if (store != null) {
      store.close();
      try (TestRedis.Raw raw = new TestRedis.Raw(TestRedis.url())) {
        raw.deleteAll(prefix);
      }
    }
  }

  @Override
  protected BreakerStore breakers() {
    return store.breakers();
  }

  @Override
  protected LimiterStore limiters() {
    return store.limiters();
  }

  @Override
  protected BudgetStore budgets() {
    return store.budgets();
  }
}
