package dev.tasktree;

import dev.tasktree.runtime.Durations;
import dev.tasktree.store.CacheStore;
import java.time.Duration;
import java.util.Random;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * How a Cacher node caches its child's OK data: the key, the time to live (fixed or a random range
 * so that entries do not all expire at once), an optional validator stored beside the value (a hit
 * only counts while it is unchanged), an enabled flag, the type to read a hit back as, the store,
 * and opt-in single-flight. FAIL is never cached. Immutable.
 *
 * <pre>{@code
 * CachePolicy.key(Question::text)
 *     .ttlBetween(Duration.ofMinutes(50), Duration.ofMinutes(70))
 *     .validator(q -> PROMPT_VERSION)
 *     .as(Answer.class)
 * }</pre>
 *
 * @param <B> the blackboard type
 */
public final class CachePolicy<B> {

  private final Function<B, String> key;
  private final Duration minTtl;
  private final Duration maxTtl;
  private final Function<B, ?> validator;
  private final Predicate<B> enabled;
  private final Class<?> type;
  private final CacheStore store;
  private final Duration singleFlightWait;

  private CachePolicy(
      Function<B, String> key,
      Duration minTtl,
      Duration maxTtl,
      Function<B, ?> validator,
      Predicate<B> enabled,
      Class<?> type,
      CacheStore store,
      Duration singleFlightWait) {
    this.key = key;
    this.minTtl = minTtl;
    this.maxTtl = maxTtl;
    this.validator = validator;
    this.enabled = enabled;
    this.type = type;
    this.store = store;
    this.singleFlightWait = singleFlightWait;
  }

  /** Caches under the key computed from the blackboard, for one hour, as generic JSON values. */
  public static <B> CachePolicy<B> key(Function<B, String> key) {
    Duration hour = Duration.ofHours(1);
    return new CachePolicy<>(key, hour, hour, null, b -> true, Object.class, null, null);
  }

  /** Entries live for {@code ttl} (millisecond precision). */
  public CachePolicy<B> ttl(Duration ttl) {
    return ttlBetween(ttl, ttl);
  }

  /** Each entry lives for a random time within [min, max], drawn from the run's random source. */
  public CachePolicy<B> ttlBetween(Duration min, Duration max) {
    if (min.toMillis() < 1 || max.compareTo(min) < 0) {
      throw new IllegalArgumentException(
          "TTL range needs 1 ms <= min <= max, got " + min + ".." + max);
    }
    return new CachePolicy<>(key, min, max, validator, enabled, type, store, singleFlightWait);
  }

  /**
   * A hit only counts while {@code validator} computes the same value (compared as JSON) as when
   * the entry was stored; otherwise the child runs again and the entry is replaced.
   */
  public CachePolicy<B> validator(Function<B, ?> validator) {
    return new CachePolicy<>(
        key, minTtl, maxTtl, validator, enabled, type, store, singleFlightWait);
  }

  /** Caching applies only to runs where {@code enabled} holds; others just run the child. */
  public CachePolicy<B> enabledWhen(Predicate<B> enabled) {
    return new CachePolicy<>(
        key, minTtl, maxTtl, validator, enabled, type, store, singleFlightWait);
  }

  /** A hit is read back as {@code type} (a record, a POJO, a String, ...) instead of plain JSON. */
  public CachePolicy<B> as(Class<?> type) {
    return new CachePolicy<>(
        key, minTtl, maxTtl, validator, enabled, type, store, singleFlightWait);
  }

  /** Uses this store instead of the run's {@link RunOptions#cacheStore()}. */
  public CachePolicy<B> store(CacheStore store) {
    return new CachePolicy<>(
        key, minTtl, maxTtl, validator, enabled, type, store, singleFlightWait);
  }

  /**
   * Single-flight: when several runs (in any process sharing the store) miss the same key at once,
   * one runs the child while the others wait up to {@code maxWait} for its value, then run the
   * child themselves. The lock expires after {@code maxWait} if its holder dies.
   */
  public CachePolicy<B> singleFlight(Duration maxWait) {
    if (maxWait.toMillis() < 1) {
      throw new IllegalArgumentException("single-flight wait must be at least 1 ms");
    }
    return new CachePolicy<>(key, minTtl, maxTtl, validator, enabled, type, store, maxWait);
  }

  /** The cache key for this blackboard. */
  public String key(B blackboard) {
    return key.apply(blackboard);
  }

  /** The validator value for this blackboard, or null when the policy has none. */
  public Object validator(B blackboard) {
    return validator == null ? null : validator.apply(blackboard);
  }

  /** Whether caching applies to this blackboard's run. */
  public boolean enabled(B blackboard) {
    return enabled.test(blackboard);
  }

  /** The type a hit is read back as. */
  public Class<?> type() {
    return type;
  }

  /** The policy's own store, or null for the run's. */
  public CacheStore store() {
    return store;
  }

  /** The single-flight wait bound, or null when single-flight is off. */
  public Duration singleFlightWait() {
    return singleFlightWait;
  }

  /** A TTL for one entry, drawn from {@code random} when the policy has a range. */
  public Duration ttl(Random random) {
    long min = minTtl.toMillis();
    long max = maxTtl.toMillis();
    return Duration.ofMillis(
        min == max ? min : min + (long) (random.nextDouble() * (max - min + 1)));
  }

  @Override
  public String toString() {
    return "ttl "
        + (minTtl.equals(maxTtl)
            ? Durations.human(minTtl)
            : Durations.human(minTtl) + ".." + Durations.human(maxTtl))
        + (validator == null ? "" : ", validated")
        + (singleFlightWait == null ? "" : ", single-flight");
  }
}
