package dev.tasktree;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasktree.store.CacheStore;
import dev.tasktree.store.StoreException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A node's warnings reach SLF4J even when the run has no trace sink (the default), so a failing
 * store is never silent. The test backend is slf4j-simple, which writes to {@code System.err} as it
 * is at each call; the test captures that stream.
 */
class NodeWarningsToSlf4jTest {

  /** A store whose every call fails, like Redis when it is down. */
  private static final class DownStore implements CacheStore {
    private static StoreException down() {
      return new StoreException("connection refused (the store is down)", null);
    }

    @Override
    public Optional<String> get(String key) {
      throw down();
    }

    @Override
    public void set(String key, String value, Duration ttl) {
      throw down();
    }

    @Override
    public boolean setIfAbsent(String key, String value, Duration ttl) {
      throw down();
    }

    @Override
    public void delete(String key) {
      throw down();
    }

    @Override
    public boolean deleteIfEquals(String key, String expected) {
      throw down();
    }
  }

  @Test
  void aFailingCacheStoreWithoutATraceSinkWarnsThroughSlf4j() {
    Tree<String> tree =
        Tree.<String>named("Cached answer")
            .cache(
                CachePolicy.<String>key(q -> q).ttl(Duration.ofMinutes(1)).store(new DownStore()))
            .call(q -> "answer to " + q)
            .build();
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    Result result;
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      result = tree.run("q1", RunOptions.defaults());
    } finally {
      System.setErr(original);
    }
    assertThat(result)
        .as("a store failure never fails the run")
        .isEqualTo(Result.ok("answer to q1"));
    String log = captured.toString(StandardCharsets.UTF_8);
    assertThat(log)
        .contains("WARN dev.tasktree.node")
        .contains("Cached answer > Cache")
        .contains("cache store error on get")
        .contains("cache store error on set")
        .contains("connection refused");
  }
}
