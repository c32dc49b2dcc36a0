package dev.tasktree.redis;

import dev.tasktree.testsupport.MissingService;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;

/**
 * Where the tests find a real Redis: {@code TASKTREE_REDIS_URL} when set (it must answer a PING);
 * otherwise a {@code redis:7-alpine} container when Docker is available; otherwise the test is
 * skipped with a message naming what is missing — except under {@code CI=true}, where a missing
 * Redis fails the test ({@link MissingService}). Nothing falls back to a default address.
 */
final class TestRedis {

  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
  private static final ReentrantLock LOCK = new ReentrantLock();
  private static final ThreadLocal<String> PRETENDED_MISSING = new ThreadLocal<>();
  private static String url;
  private static String missing;
  private static GenericContainer<?> container;

  private TestRedis() {}

  /** The URL of the Redis to test against; skips (or, under CI, fails) when there is none. */
  static String url() {
    String pretended = PRETENDED_MISSING.get();
    if (pretended != null) {
      missing(pretended);
    }
    LOCK.lock();
    try {
      if (url == null && missing == null) {
        url = resolve();
      }
      if (url == null) {
        missing(missing);
      }
      return url;
    } finally {
      LOCK.unlock();
    }
  }

  /**
   * Runs {@code body} on this thread as if this machine had no Redis, no Docker and no {@code
   * redis-server} binary ({@code reason} being the message): for tests of the skip rule itself.
   */
  static <T> T asIfMissing(String reason, Supplier<T> body) {
    PRETENDED_MISSING.set(reason);
    try {
      return body.get();
    } finally {
      PRETENDED_MISSING.remove();
    }
  }

  /** The reason set by {@link #asIfMissing} on this thread, or null. */
  static String pretendedMissing() {
    return PRETENDED_MISSING.get();
  }

  private static String resolve() {
    String fromEnv = System.getenv("TASKTREE_REDIS_URL");
    if (fromEnv != null && !fromEnv.isBlank()) {
      String unreachable = probe(fromEnv.strip());
      if (unreachable == null) {
        return fromEnv.strip();
      }
      missing = unreachable;
      return null;
    }
    if (dockerAvailable()) {
      container = new GenericContainer<>("redis:7-alpine").withExposedPorts(6379);
      container.start();
      return "redis://" + container.getHost() + ":" + container.getMappedPort(6379);
    }
    missing =
        "no Redis for this test: TASKTREE_REDIS_URL is not set (e.g. redis://127.0.0.1:6379) and"
            + " Docker is not available for Testcontainers";
    return null;
  }

  /** Null when the Redis at {@code url} answers a PING, else why not (without credentials). */
  private static String probe(String url) {
    RedisURI uri;
    try {
      uri = RedisURI.create(url);
    } catch (RuntimeException e) {
      return "TASKTREE_REDIS_URL is not a Redis URL (" + e.getMessage() + ")";
    }
    uri.setTimeout(PROBE_TIMEOUT);
    String where = uri.getHost() + ":" + uri.getPort();
    RedisClient client = RedisClient.create(uri);
    client.setOptions(
        ClientOptions.builder()
            .socketOptions(SocketOptions.builder().connectTimeout(PROBE_TIMEOUT).build())
            .autoReconnect(false)
            .build());
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      connection.sync().ping();
      return null;
    } catch (RuntimeException e) {
      Throwable cause = e;
      while (cause.getCause() != null) {
        cause = cause.getCause();
      }
      return "no Redis answers at "
          + where
          + " (TASKTREE_REDIS_URL): "
          + cause.getMessage()
          + " — start Redis there or point TASKTREE_REDIS_URL at one";
    } finally {
      client.shutdown(Duration.ZERO, PROBE_TIMEOUT);
    }
  }

  private static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  /** Skips the calling test, or fails it when {@code CI=true}. */
  static void missing(String message) {
    MissingService.skipOrFail(message);
  }

  /** A key prefix no other test (or earlier run) uses. */
  static String uniquePrefix() {
    return "tt-test-" + UUID.randomUUID().toString().substring(0, 8) + ":";
  }

  /** A plain lettuce connection to the test Redis, for setting up and inspecting keys. */
  static final class Raw implements AutoCloseable {
    final RedisClient client;
    final StatefulRedisConnection<String, String> connection;
    final RedisCommands<String, String> redis;

    Raw(String url) {
      client = RedisClient.create(url);
      connection = client.connect();
      redis = connection.sync();
    }

    /** Deletes every key under {@code prefix}. */
    void deleteAll(String prefix) {
      List<String> keys = new ArrayList<>();
      ScanIterator.scan(redis, ScanArgs.Builder.matches(prefix + "*").limit(500))
          .forEachRemaining(keys::add);
      if (!keys.isEmpty()) {
        redis.del(keys.toArray(String[]::new));
      }
    }

    @Override
    public void close() {
      connection.close();
      client.shutdown();
    }
  }
}
