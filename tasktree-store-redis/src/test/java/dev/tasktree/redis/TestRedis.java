package dev.tasktree.redis;

import static org.junit.jupiter.api.Assertions.fail;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;

/**
 * Where the tests find a real Redis: {@code TASKTREE_REDIS_URL} when set; otherwise a {@code
 * redis:7-alpine} container when Docker is available; otherwise the test is skipped with a message
 * — except under {@code CI=true}, where a missing Redis fails the test.
 */
final class TestRedis {

  private static final ReentrantLock LOCK = new ReentrantLock();
  private static String url;
  private static String missing;
  private static GenericContainer<?> container;

  private TestRedis() {}

  /** The URL of the Redis to test against; skips (or, under CI, fails) when there is none. */
  static String url() {
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

  private static String resolve() {
    String fromEnv = System.getenv("TASKTREE_REDIS_URL");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv.strip();
    }
    if (dockerAvailable()) {
      container = new GenericContainer<>("redis:7-alpine").withExposedPorts(6379);
      container.start();
      return "redis://" + container.getHost() + ":" + container.getMappedPort(6379);
    }
    missing =
        "no Redis for this test: set TASKTREE_REDIS_URL (e.g. redis://127.0.0.1:6379) or make"
            + " Docker available for Testcontainers";
    return null;
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
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(message + " (CI=true: a missing Redis is an error)");
    }
    Assumptions.abort(message);
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
