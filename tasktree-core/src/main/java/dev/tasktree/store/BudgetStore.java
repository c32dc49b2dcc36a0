package dev.tasktree.store;

/**
 * Where shared budgets are kept, so that every run in every process charges one account per name
 * (e.g. a tenant's daily cost cap). A call first {@linkplain #reserve reserves} its estimate —
 * refused when spent plus reserved plus the estimate would exceed the limit — and afterwards
 * {@linkplain #settle settles} with what it really used. So a budget is exceeded only when a call
 * uses more than its estimate, by that excess.
 *
 * <p>Both operations are atomic. A reservation never settled (its process died) expires after its
 * lease and is then charged at its estimate. With a period, the account starts from zero at each
 * multiple of the period (on the store's clock). {@link InMemoryBudgetStore} serves one process;
 * {@code dev.tasktree.redis.RedisStore#budgets()} serves many. Failures are {@link
 * StoreException}s.
 */
public interface BudgetStore {

  /**
   * Reserves {@code estimate} against {@code limit} in the current period of account {@code name}
   * ({@code periodMillis} 0 = one period for ever).
   *
   * @throws StoreException when the store cannot answer
   */
  Outcome reserve(String name, Spend limit, long periodMillis, Spend estimate, long leaseMillis);

  /**
   * Replaces the reservation {@code reservation} (from {@link Outcome#reservation()}) with the real
   * usage {@code actual}.
   *
   * @throws StoreException when the store cannot record it
   */
  Outcome settle(String name, String reservation, Spend actual);

  /**
   * The account's current spent and reserved amounts.
   *
   * @throws StoreException when the store cannot answer
   */
  Outcome read(String name, long periodMillis);

  /**
   * A store's answer.
   *
   * @param granted whether the reservation was made (always true for settle and read)
   * @param reservation the id to settle with, or null when none was made
   * @param spent what settled calls (and expired reservations) used in this period
   * @param reserved what calls in flight have reserved
   */
  record Outcome(boolean granted, String reservation, Spend spent, Spend reserved) {}
}
