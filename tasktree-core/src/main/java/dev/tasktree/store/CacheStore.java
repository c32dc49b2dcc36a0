package dev.tasktree.store;

import java.time.Duration;
import java.util.Optional;

/**
 * A key-value store for cached results. Values are JSON text (never Java serialisation); the Cacher
 * node decides what goes in them. Implementations must be thread-safe and report every failure as a
 * {@link StoreException}.
 *
 * <p>{@link InMemoryCacheStore} serves one process; {@code dev.tasktree.redis.RedisStore} serves
 * many.
 */
public interface CacheStore {

  /** The value under {@code key}, or empty when absent or expired. */
  Optional<String> get(String key);

  /** Stores {@code value} under {@code key} for {@code ttl} (millisecond precision). */
  void set(String key, String value, Duration ttl);

  /**
   * Stores {@code value} only when {@code key} holds nothing.
   *
   * @return whether it was stored
   */
  boolean setIfAbsent(String key, String value, Duration ttl);

  /** Removes {@code key}; nothing happens when it is absent. */
  void delete(String key);

  /**
   * Removes {@code key} only while it holds {@code expected}, atomically — so a lock is released
   * only by its holder, never after it expired and another process took it.
   *
   * @return whether it was removed
   */
  boolean deleteIfEquals(String key, String expected);
}
