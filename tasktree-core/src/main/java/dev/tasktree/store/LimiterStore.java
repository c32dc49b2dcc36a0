package dev.tasktree.store;

/**
 * Where token buckets live, so that every process pointing at the same store draws from one bucket.
 * A bucket holds at most {@link Spec#burst()} tokens and refills at {@code permits / periodMillis};
 * in any interval of length T at most {@code burst + rate × T} tokens are handed out, whatever the
 * number of processes. Every operation is atomic per bucket name.
 *
 * <p>{@link InMemoryLimiterStore} serves one process; {@code
 * dev.tasktree.redis.RedisStore#limiters()} serves many (Lua on the Redis server's clock). Failures
 * are reported as {@link StoreException}.
 */
public interface LimiterStore {

  /**
   * Takes {@code permits} tokens, reserving them ahead when the bucket is short: the answer is how
   * long the caller must wait before it may act (0 = at once). When that wait would exceed {@code
   * maxWaitMillis}, nothing is taken and the answer is negative: minus the wait that would have
   * been needed.
   *
   * @throws StoreException when the store cannot answer
   */
  long acquire(String name, Spec spec, long permits, long maxWaitMillis);

  /**
   * Takes {@code delta} more tokens (or gives {@code -delta} back) without waiting — to settle a
   * reservation made on an estimate. The bucket may go into debt; it never exceeds its burst.
   *
   * @throws StoreException when the store cannot record it
   */
  void adjust(String name, Spec spec, long delta);

  /**
   * Hands out nothing for the next {@code millis} (a provider's {@code Retry-After}); later
   * acquires wait at least until then.
   *
   * @throws StoreException when the store cannot record it
   */
  void pause(String name, Spec spec, long millis);

  /**
   * A bucket's rules.
   *
   * @param permits tokens added per period
   * @param periodMillis the period, at least 1 ms
   * @param burst the most tokens the bucket holds (and starts with)
   */
  record Spec(long permits, long periodMillis, long burst) {

    /** Tokens per millisecond. */
    public double ratePerMilli() {
      return (double) permits / periodMillis;
    }
  }
}
