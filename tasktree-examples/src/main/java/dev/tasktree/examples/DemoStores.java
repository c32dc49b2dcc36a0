package dev.tasktree.examples;

import dev.tasktree.redis.RedisStore;
import dev.tasktree.store.CacheStore;
import dev.tasktree.store.InMemoryCacheStore;
import dev.tasktree.store.InMemorySignalStore;
import dev.tasktree.store.SignalStore;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * The demo's cache and signal stores: Redis when {@code TASKTREE_REDIS_URL} is set, else in memory.
 */
record DemoStores(CacheStore cache, SignalStore signals, RedisStore redis, String description)
    implements AutoCloseable {

  static DemoStores fromEnvironment(Map<String, String> env) throws Problem {
    String url = env.get("TASKTREE_REDIS_URL");
    if (url == null || url.isBlank()) {
      return new DemoStores(
          new InMemoryCacheStore(),
          new InMemorySignalStore(),
          null,
          "Store: in memory (set TASKTREE_REDIS_URL=redis://host:6379 to share the cache and"
              + " stop signals between processes)");
    }
    RedisStore redis;
    try {
      redis = RedisStore.builder(url.strip()).commandTimeout(Duration.ofSeconds(2)).build();
    } catch (RuntimeException e) {
      throw new Problem(
          "TASKTREE_REDIS_URL is not a Redis URL ("
              + Report.reason(e)
              + "); use e.g. redis://127.0.0.1:6379, or unset it to use the in-memory store.");
    }
    return new DemoStores(redis, redis, redis, "Store: Redis at " + withoutPassword(url.strip()));
  }

  /** Fails with one clear line when Redis does not answer. */
  void check() throws Problem {
    if (redis == null) {
      return;
    }
    try {
      redis.ping();
    } catch (RuntimeException e) {
      throw new Problem(
          "Cannot reach Redis ("
              + Report.reason(e)
              + "). Start Redis, fix TASKTREE_REDIS_URL, or unset it to use the in-memory"
              + " store.");
    }
  }

  @Override
  public void close() {
    if (redis != null) {
      redis.close();
    }
  }

  private static String withoutPassword(String url) {
    try {
      URI uri = URI.create(url);
      return uri.getUserInfo() == null ? url : url.replace(uri.getRawUserInfo() + "@", "***@");
    } catch (IllegalArgumentException e) {
      return "(the configured URL)";
    }
  }
}
