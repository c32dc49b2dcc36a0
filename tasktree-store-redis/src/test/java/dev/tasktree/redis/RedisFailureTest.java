package dev.tasktree.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tasktree.CachePolicy;
import dev.tasktree.OnStoreError;
import dev.tasktree.Result;
import dev.tasktree.RunHandle;
import dev.tasktree.RunOptions;
import dev.tasktree.TerminatedException;
import dev.tasktree.Tree;
import dev.tasktree.redis.RedisSignalTest.Recorder;
import dev.tasktree.store.StoreException;
import dev.tasktree.trace.InMemoryTraceSink;
import dev.tasktree.trace.LogLevel;
import dev.tasktree.trace.Span;
import dev.tasktree.trace.Trace;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What happens when Redis is not there: unreachable from the start (a closed loopback port), or a
 * private {@code redis-server} stopped in the middle of a run and started again.
 */
class RedisFailureTest {

  private static final Duration NEVER = Duration.ofHours(1);

  private final InMemoryTraceSink traces = new InMemoryTraceSink();
  private RedisServerProcess server;
  private final List<RedisStore> stores = new java.util.concurrent.CopyOnWriteArrayList<>();

  @AfterEach
  void cleanUp() {
    stores.forEach(RedisStore::close);
    if (server != null) {
      server.close();
    }
  }

  private RedisStore store(String url, Duration pollInterval) {
    RedisStore store =
        RedisStore.builder(url)
            .pollInterval(pollInterval)
            .commandTimeout(Duration.ofMillis(500))
            .reconnectInterval(Duration.ofMillis(100))
            .build();
    stores.add(store);
    return store;
  }

  private static String closedPortUrl() {
    return "redis://127.0.0.1:" + RedisServerProcess.freePort();
  }

  private RunOptions options(RedisStore store) {
    return RunOptions.defaults().withCacheStore(store).withSignalStore(store).withTraceSink(traces);
  }

  private static List<String> warnings(Span span) {
    return span.logs().stream()
        .filter(log -> log.level() == LogLevel.WARN)
        .map(log -> log.message())
        .toList();
  }

  private static Tree<String> cachedTree() {
    return Tree.<String>named("Cached")
        .cache(CachePolicy.<String>key(k -> k).ttl(Duration.ofMinutes(1)))
        .call(k -> "computed " + k)
        .build();
  }

  // ---- Redis unreachable from the start ----

  @Test
  void unreachableRedisMakesTheCacherRunItsChildWithAWarning() {
    String url = closedPortUrl();
    RedisStore store = store(url, NEVER);

    Result result = cachedTree().run("q", options(store));

    assertThat(result).isEqualTo(Result.ok("computed q"));
    Span cacher = traces.last().spansOfKind("Cache").getFirst();
    assertThat(cacher.attribute("cache").asText()).isEqualTo("error");
    assertThat(warnings(cacher))
        .anySatisfy(
            w ->
                assertThat(w)
                    .contains(
                        "cache store error on get", "cannot connect to Redis at " + url + "/0"))
        .anySatisfy(w -> assertThat(w).contains("cache store error on set"));
  }

  @Test
  void unreachableRedisLetsTheTerminableChildFinishWithAWarning() {
    RedisStore store = store(closedPortUrl(), Duration.ofMillis(50));
    Tree<String> tree =
        Tree.<String>named("Watched").terminable(k -> k).call(k -> "finished " + k).build();

    Result result = tree.run("job", options(store));

    assertThat(result).isEqualTo(Result.ok("finished job"));
    Span terminable = traces.last().spansOfKind("Terminable").getFirst();
    assertThat(warnings(terminable))
        .anySatisfy(w -> assertThat(w).contains("signal store error (not a termination)"));
    assertThat(store.watchedKeys()).isZero();
  }

  @Test
  void aTerminableConfiguredToFailOnStoreErrorsFails() {
    RedisStore store = store(closedPortUrl(), Duration.ofMillis(50));
    Tree<String> tree =
        Tree.<String>named("Strict")
            .terminable(k -> k, OnStoreError.FAIL)
            .call(
                k -> {
                  new CountDownLatch(1).await();
                  return "never";
                })
            .build();

    Result result = tree.run("job", options(store));

    assertThat(result.isOk()).isFalse();
    assertThat(result.data()).isInstanceOf(StoreException.class);
  }

  @Test
  void everyCallFailsWithAStoreExceptionThatDoesNotLeakThePassword() {
    RedisStore store =
        store("redis://:s3cret-pw@127.0.0.1:" + RedisServerProcess.freePort(), NEVER);

    List<Runnable> calls =
        List.of(
            () -> store.get("k"),
            () -> store.set("k", "v", Duration.ofSeconds(1)),
            () -> store.setIfAbsent("k", "v", Duration.ofSeconds(1)),
            () -> store.delete("k"),
            () -> store.raise("k", "r", Duration.ofSeconds(1)),
            () -> store.check("k"),
            () -> store.clear("k"),
            store::ping);
    for (Runnable call : calls) {
      assertThatThrownBy(call::run)
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("127.0.0.1")
          .hasMessageNotContaining("s3cret-pw");
    }
  }

  @Test
  void aSubscriptionToAnUnreachableRedisReportsTheErrorOnceAndNeverThrows() {
    RedisStore store = store(closedPortUrl(), Duration.ofMillis(20));
    Recorder recorder = new Recorder();

    var subscription = store.subscribe("job", recorder);
    long polls = store.polls();
    // several failing polls later, still one report
    await().atMost(Duration.ofSeconds(5)).until(() -> store.polls() >= polls + 5);

    assertThat(recorder.errors).hasSize(1);
    assertThat(recorder.signals).isEmpty();
    subscription.close();
  }

  // ---- Redis dropping mid-run and coming back ----

  @Test
  void redisDroppingWhileTheCachedChildRunsKeepsTheChildsResult() throws Exception {
    server = RedisServerProcess.start();
    RedisStore store = store(server.url(), NEVER);
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Tree<String> tree =
        Tree.<String>named("Cached")
            .cache(CachePolicy.<String>key(k -> k).ttl(Duration.ofMinutes(1)))
            .call(
                k -> {
                  started.countDown();
                  release.await();
                  return "computed " + k;
                })
            .build();

    RunHandle handle = tree.start("q", options(store));
    started.await();
    server.stop();
    release.countDown();
    Optional<Result> result = handle.await(Duration.ofSeconds(10));

    assertThat(result).contains(Result.ok("computed q"));
    Span cacher = traces.trace(handle.traceId()).spansOfKind("Cache").getFirst();
    assertThat(cacher.attribute("cache").asText()).isEqualTo("miss");
    assertThat(warnings(cacher))
        .anySatisfy(
            w -> assertThat(w).contains("cache store error on set (result kept, not cached)"));
  }

  @Test
  void aTerminableSurvivesRedisDroppingAndIsStillTerminatedAfterItReturns() throws Exception {
    server = RedisServerProcess.start();
    RedisStore store = store(server.url(), Duration.ofMillis(50));
    CountDownLatch started = new CountDownLatch(1);
    Tree<String> tree =
        Tree.<String>named("Long job")
            .terminable(k -> k)
            .call(
                k -> {
                  started.countDown();
                  new CountDownLatch(1).await();
                  return "never";
                })
            .build();

    RunHandle handle = tree.start("job-9", options(store));
    try {
      started.await();
      server.stop();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  warnings(terminableSpan(traces.trace(handle.traceId()))).stream()
                      .anyMatch(w -> w.contains("signal store error (not a termination)")));
      assertThat(handle.isDone()).isFalse();

      server.startAgain();
      RedisStore other = store(server.url(), NEVER);
      other.raise("job-9", "stopped after the outage", Duration.ofMinutes(1));
      Optional<Result> result = handle.await(Duration.ofSeconds(15));

      assertThat(result).isPresent();
      assertThat(result.get().data())
          .isInstanceOfSatisfying(
              TerminatedException.class,
              e -> assertThat(e.reason()).isEqualTo("stopped after the outage"));
      assertThat(warnings(terminableSpan(traces.trace(handle.traceId()))))
          .filteredOn(w -> w.contains("signal store error"))
          .hasSize(1);
    } finally {
      handle.cancel();
    }
  }

  private static Span terminableSpan(Trace trace) {
    return trace.spansOfKind("Terminable").getFirst();
  }

  @Test
  void theStoreReconnectsWhenRedisReturns() {
    server = RedisServerProcess.start();
    RedisStore store = store(server.url(), NEVER);
    store.set("k", "before", Duration.ofMinutes(1));

    server.stop();
    assertThatThrownBy(() -> store.get("k")).isInstanceOf(StoreException.class);

    server.startAgain(); // empty: the server keeps nothing across restarts
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptionsInstanceOf(StoreException.class)
        .until(() -> store.get("k").isEmpty());
    store.set("k", "after", Duration.ofMinutes(1));
    assertThat(store.get("k")).contains("after");
  }

  @Test
  void pubSubResubscribesAfterRedisReturns() {
    server = RedisServerProcess.start();
    // no polling: only the pub/sub connection, resubscribed after the restart, can deliver
    RedisStore watcher = store(server.url(), NEVER);
    Recorder recorder = new Recorder();
    watcher.subscribe("job-10", recorder);

    server.stop();
    server.startAgain();
    RedisStore raiser = store(server.url(), NEVER);
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptionsInstanceOf(StoreException.class)
        .until(
            () -> {
              raiser.raise("job-10", "after restart", Duration.ofMinutes(1));
              return !recorder.signals.isEmpty();
            });
    assertThat(recorder.signals.getFirst().reason()).isEqualTo("after restart");
  }

  @Test
  void aStoreThatStartsWhileRedisIsDownConnectsOnceItIsUp() {
    int port = RedisServerProcess.freePort();
    RedisStore store = store("redis://127.0.0.1:" + port, Duration.ofMillis(50));
    Recorder recorder = new Recorder();
    store.subscribe("late", recorder);
    assertThat(recorder.errors).hasSize(1);

    server = RedisServerProcess.startOn(port);
    RedisStore raiser = store(server.url(), NEVER);
    raiser.raise("late", "Redis came up", Duration.ofMinutes(1));

    await().atMost(Duration.ofSeconds(10)).until(() -> !recorder.signals.isEmpty());
    assertThat(store.get("anything")).isEmpty();
  }

  // ---- resources ----

  @Test
  void closingLeavesNoThreadsBehind() {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    server = RedisServerProcess.start();
    RedisStore up = RedisStore.builder(server.url()).pollInterval(Duration.ofMillis(20)).build();
    RedisStore down = RedisStore.create(closedPortUrl());
    up.set("k", "v", Duration.ofSeconds(5));
    up.subscribe("s", new Recorder());
    down.subscribe("s", new Recorder());
    cachedTree().run("q", options(down));
    server.stop();
    assertThatThrownBy(() -> up.get("k")).isInstanceOf(StoreException.class);
    assertThat(storeThreads(before)).isNotEmpty();

    up.close();
    down.close();

    await().atMost(Duration.ofSeconds(10)).until(() -> storeThreads(before).isEmpty());
    assertThatThrownBy(() -> up.get("k"))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("closed");
  }

  private static Set<String> storeThreads(Set<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> !before.contains(t) && t.isAlive())
        .map(Thread::getName)
        .filter(name -> name.startsWith("lettuce-") || name.startsWith("tasktree-redis"))
        .collect(Collectors.toSet());
  }

  @Test
  void aStoreOnAnExistingClientLeavesTheClientOpen() {
    server = RedisServerProcess.start();
    RedisClient client = RedisClient.create(server.url());
    try {
      try (RedisStore store = RedisStore.builder(client).keyPrefix("shared:").build()) {
        store.set("k", "v", Duration.ofMinutes(1));
        assertThat(store.get("k")).contains("v");
      }
      try (StatefulRedisConnection<String, String> connection = client.connect()) {
        assertThat(connection.sync().get("shared:cache:k")).isEqualTo("v");
      }
    } finally {
      client.shutdown();
    }
  }

  @Test
  void aPasswordInTheUriAuthenticatesAndAWrongOneFailsWithoutLeakingIt() {
    server = RedisServerProcess.start("--requirepass", "right-pw");
    RedisStore good = store("redis://:right-pw@127.0.0.1:" + server.port() + "/3", NEVER);
    RedisStore bad = store("redis://:wrong-pw@127.0.0.1:" + server.port(), NEVER);

    good.set("k", "v", Duration.ofMinutes(1));
    assertThat(good.get("k")).contains("v");
    assertThatThrownBy(() -> bad.get("k"))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("redis://127.0.0.1:" + server.port() + "/0")
        .hasMessageNotContaining("wrong-pw");
  }

  @Test
  void aTlsUriIsNamedWithoutItsPassword() {
    RedisStore store = store("rediss://:tls-pw@127.0.0.1:" + RedisServerProcess.freePort(), NEVER);

    assertThatThrownBy(() -> store.get("k"))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("rediss://127.0.0.1:")
        .hasMessageNotContaining("tls-pw");
  }

  @Test
  void aBadUriIsRejectedClearly() {
    assertThatThrownBy(() -> RedisStore.create("http://nope"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a Redis URI");
  }
}
