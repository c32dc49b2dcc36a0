package dev.tasktree.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasktree.CachePolicy;
import dev.tasktree.Result;
import dev.tasktree.RunHandle;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import dev.tasktree.trace.InMemoryTraceSink;
import dev.tasktree.trace.LogLevel;
import dev.tasktree.trace.Span;
import dev.tasktree.trace.Trace;
import io.lettuce.core.SetArgs;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The cache half of {@link RedisStore}, directly and through Cacher nodes, on a real Redis. */
class RedisCacheTest {

  private String url;
  private String prefix;
  private TestRedis.Raw raw;
  private RedisStore store;
  private final InMemoryTraceSink traces = new InMemoryTraceSink();

  /** The blackboard: which key to cache under and what the child computes. */
  static final class Job {
    final String key;
    String answer;
    String promptVersion = "v1";

    Job(String key, String answer) {
      this.key = key;
      this.answer = answer;
    }
  }

  @BeforeEach
  void connect() {
    url = TestRedis.url();
    prefix = TestRedis.uniquePrefix();
    raw = new TestRedis.Raw(url);
    store = RedisStore.builder(url).keyPrefix(prefix).build();
  }

  @AfterEach
  void cleanUp() {
    if (store != null) {
      store.close();
    }
    if (raw != null) {
      raw.deleteAll(prefix);
      raw.close();
    }
  }

  private RunOptions options() {
    return RunOptions.defaults().withCacheStore(store).withTraceSink(traces);
  }

  private static Span cacher(Trace trace) {
    return trace.spansOfKind("Cache").getFirst();
  }

  private static String text(JsonNode node) {
    return node == null ? null : node.asText();
  }

  @Test
  void setGetDeleteUnderThePrefixedKey() {
    store.set("greeting", "{\"v\":1}", Duration.ofMinutes(1));

    assertThat(raw.redis.get(prefix + "cache:greeting")).isEqualTo("{\"v\":1}");
    assertThat(store.cacheKey("greeting")).isEqualTo(prefix + "cache:greeting");
    assertThat(store.get("greeting")).contains("{\"v\":1}");
    store.delete("greeting");
    assertThat(store.get("greeting")).isEmpty();
    assertThat(raw.redis.exists(prefix + "cache:greeting")).isZero();
  }

  @Test
  void ttlIsKeptInMillisecondsNotRoundedToSeconds() {
    store.set("short", "1", Duration.ofMillis(1500));

    long pttl = raw.redis.pttl(prefix + "cache:short");
    // whole-second rounding would give 1000 or 2000
    assertThat(pttl).isGreaterThan(1000).isLessThanOrEqualTo(1500);
  }

  @Test
  void entriesExpireAfterTheirTtl() {
    store.set("brief", "1", Duration.ofMillis(1_000));
    assertThat(store.get("brief")).contains("1");

    await().atMost(Duration.ofSeconds(10)).until(() -> store.get("brief").isEmpty());
    assertThat(raw.redis.exists(prefix + "cache:brief")).isZero();
  }

  @Test
  void deleteIfEqualsReleasesOnlyTheHoldersLock() {
    store.set("held", "token-a", Duration.ofSeconds(10));
    assertThat(store.deleteIfEquals("held", "token-b")).isFalse();
    assertThat(store.get("held")).contains("token-a");
    assertThat(store.deleteIfEquals("held", "token-a")).isTrue();
    assertThat(raw.redis.exists(prefix + "cache:held")).isZero();
    assertThat(store.deleteIfEquals("held", "token-a")).isFalse();
  }

  @Test
  void setIfAbsentStoresOnlyOnce() {
    assertThat(store.setIfAbsent("lock", "first", Duration.ofSeconds(10))).isTrue();
    assertThat(store.setIfAbsent("lock", "second", Duration.ofSeconds(10))).isFalse();
    assertThat(store.get("lock")).contains("first");
    assertThat(raw.redis.pttl(prefix + "cache:lock")).isBetween(1L, 10_000L);
  }

  @Test
  void aTtlBelowOneMillisecondIsRejectedClearly() {
    assertThatThrownBy(() -> store.set("k", "v", Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1 ms");
  }

  @Test
  void aCachedValueIsAHitThroughATree() {
    AtomicInteger runs = new AtomicInteger();
    Tree<Job> tree =
        Tree.<Job>named("Cached")
            .cache(CachePolicy.<Job>key(j -> j.key).ttl(Duration.ofMinutes(1)))
            .call(
                j -> {
                  runs.incrementAndGet();
                  return j.answer;
                })
            .build();

    Result first = tree.run(new Job("q1", "forty-two"), options());
    Result second = tree.run(new Job("q1", "something else"), options());

    assertThat(first).isEqualTo(Result.ok("forty-two"));
    assertThat(second).isEqualTo(Result.ok("forty-two"));
    assertThat(runs).hasValue(1);
    assertThat(text(cacher(traces.last()).attribute("cache"))).isEqualTo("hit");
    assertThat(raw.redis.get(prefix + "cache:q1")).contains("\"value\":\"forty-two\"");
  }

  @Test
  void randomTtlRangeGivesEachEntryItsOwnLifetimeWithinTheRange() {
    Tree<Job> tree =
        Tree.<Job>named("Spread")
            .cache(
                CachePolicy.<Job>key(j -> j.key)
                    .ttlBetween(Duration.ofSeconds(100), Duration.ofSeconds(200)))
            .call(j -> j.answer)
            .build();
    RunOptions seeded = options().withRandom(() -> new Random(7));
    Random perRun = new Random(11);
    Set<Long> ttls = new HashSet<>();
    for (int i = 0; i < 8; i++) {
      long seed = perRun.nextLong();
      tree.run(new Job("spread-" + i, "x"), seeded.withRandom(() -> new Random(seed)));
      long pttl = raw.redis.pttl(prefix + "cache:spread-" + i);
      assertThat(pttl).isBetween(90_000L, 200_000L);
      ttls.add(pttl / 1000);
    }
    // eight draws from a 100 s window do not all land in the same second
    assertThat(ttls).hasSizeGreaterThan(1);
  }

  @Test
  void aChangedValidatorInvalidatesTheEntryAndTheChildRunsAgain() {
    AtomicInteger runs = new AtomicInteger();
    Tree<Job> tree =
        Tree.<Job>named("Validated")
            .cache(
                CachePolicy.<Job>key(j -> j.key)
                    .ttl(Duration.ofMinutes(1))
                    .validator(j -> j.promptVersion))
            .call(
                j -> {
                  runs.incrementAndGet();
                  return j.answer + "@" + j.promptVersion;
                })
            .build();

    Job v1 = new Job("validated", "a");
    assertThat(tree.run(v1, options())).isEqualTo(Result.ok("a@v1"));
    assertThat(tree.run(v1, options())).isEqualTo(Result.ok("a@v1"));
    assertThat(runs).hasValue(1);

    Job v2 = new Job("validated", "b");
    v2.promptVersion = "v2";
    assertThat(tree.run(v2, options())).isEqualTo(Result.ok("b@v2"));
    assertThat(runs).hasValue(2);
    assertThat(text(cacher(traces.last()).attribute("cache"))).isEqualTo("invalidated");
    assertThat(raw.redis.get(prefix + "cache:validated")).contains("\"validator\":\"v2\"");

    // the new entry is a hit for v2 and invalid again for v1
    assertThat(tree.run(v2, options())).isEqualTo(Result.ok("b@v2"));
    assertThat(runs).hasValue(2);
    assertThat(tree.run(v1, options())).isEqualTo(Result.ok("a@v1"));
    assertThat(runs).hasValue(3);
  }

  @Test
  void garbageUnderACacheKeyIsAMissWithAWarningAndIsOverwritten() {
    raw.redis.set(prefix + "cache:garbage", "\u0000not json{{{");
    AtomicInteger runs = new AtomicInteger();
    Tree<Job> tree = countingTree(runs);

    Result result = tree.run(new Job("garbage", "fresh"), options());

    assertThat(result).isEqualTo(Result.ok("fresh"));
    assertThat(runs).hasValue(1);
    Span span = cacher(traces.last());
    assertThat(text(span.attribute("cache"))).isEqualTo("corrupt");
    assertThat(span.logs())
        .anySatisfy(
            log -> {
              assertThat(log.level()).isEqualTo(LogLevel.WARN);
              assertThat(log.message()).contains("unreadable cache entry");
            });
    assertThat(raw.redis.get(prefix + "cache:garbage")).contains("\"value\":\"fresh\"");

    assertThat(tree.run(new Job("garbage", "other"), options())).isEqualTo(Result.ok("fresh"));
    assertThat(runs).hasValue(1);
  }

  @Test
  void validJsonThatIsNotACacheEntryIsAlsoAMissAndIsOverwritten() {
    raw.redis.set(prefix + "cache:foreign", "[1,2,3]");
    AtomicInteger runs = new AtomicInteger();

    Result result = countingTree(runs).run(new Job("foreign", "mine"), options());

    assertThat(result).isEqualTo(Result.ok("mine"));
    assertThat(text(cacher(traces.last()).attribute("cache"))).isEqualTo("corrupt");
    assertThat(raw.redis.get(prefix + "cache:foreign")).contains("\"value\":\"mine\"");
  }

  @Test
  void aKeyOfTheWrongRedisTypeIsAStoreWarningAndIsReplaced() {
    raw.redis.rpush(prefix + "cache:listy", "a", "b");
    AtomicInteger runs = new AtomicInteger();

    Result result = countingTree(runs).run(new Job("listy", "string again"), options());

    assertThat(result).isEqualTo(Result.ok("string again"));
    Span span = cacher(traces.last());
    assertThat(text(span.attribute("cache"))).isEqualTo("error");
    assertThat(span.logs()).anySatisfy(log -> assertThat(log.message()).contains("WRONGTYPE"));
    assertThat(raw.redis.type(prefix + "cache:listy")).isEqualTo("string");
  }

  @Test
  void storesWithDifferentPrefixesShareNothing() {
    try (RedisStore other = RedisStore.builder(url).keyPrefix(prefix + "other:").build()) {
      store.set("shared-name", "mine", Duration.ofMinutes(1));
      other.set("shared-name", "theirs", Duration.ofMinutes(1));

      assertThat(store.get("shared-name")).contains("mine");
      assertThat(other.get("shared-name")).contains("theirs");
      other.delete("shared-name");
      assertThat(store.get("shared-name")).contains("mine");

      AtomicInteger runs = new AtomicInteger();
      Tree<Job> tree = countingTree(runs);
      tree.run(new Job("isolated", "a"), options());
      tree.run(new Job("isolated", "b"), RunOptions.defaults().withCacheStore(other));
      assertThat(runs).hasValue(2);
    }
  }

  private static Tree<Job> countingTree(AtomicInteger runs) {
    return Tree.<Job>named("Counting")
        .cache(CachePolicy.<Job>key(j -> j.key).ttl(Duration.ofMinutes(1)))
        .call(
            j -> {
              runs.incrementAndGet();
              return j.answer;
            })
        .build();
  }

  @Test
  void theSingleFlightLockExpiresOnItsOwnSoADeadHolderBlocksNobodyForLong() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Tree<Job> tree =
        Tree.<Job>named("Flight")
            .cache(
                CachePolicy.<Job>key(j -> j.key)
                    .ttl(Duration.ofMinutes(1))
                    .singleFlight(Duration.ofSeconds(5)))
            .call(
                j -> {
                  started.countDown();
                  release.await();
                  return j.answer;
                })
            .build();

    RunHandle handle = tree.start(new Job("flight", "done"), options());
    try {
      started.await();
      String lock = prefix + "cache:flight:lock";
      assertThat(raw.redis.get(lock)).startsWith(handle.traceId() + "/");
      assertThat(raw.redis.pttl(lock)).isBetween(1L, 5000L);
    } finally {
      release.countDown();
    }
    assertThat(handle.await(Duration.ofSeconds(10))).contains(Result.ok("done"));
    assertThat(raw.redis.exists(prefix + "cache:flight:lock")).isZero();
  }

  @Test
  void aWaiterWhoseLockHolderDiedRunsTheChildAfterTheWait() {
    // a holder that died: its lock is there, its value never comes
    // (it outlives the waiter's bound by far, so a slow start of the run cannot let it lapse first)
    raw.redis.set(prefix + "cache:orphan:lock", "dead-trace", SetArgs.Builder.px(3_000));
    AtomicInteger runs = new AtomicInteger();
    Tree<Job> tree =
        Tree.<Job>named("Orphan")
            .cache(
                CachePolicy.<Job>key(j -> j.key)
                    .ttl(Duration.ofMinutes(1))
                    .singleFlight(Duration.ofMillis(600)))
            .call(
                j -> {
                  runs.incrementAndGet();
                  return j.answer;
                })
            .build();

    assertThat(tree.run(new Job("orphan", "recovered"), options()))
        .isEqualTo(Result.ok("recovered"));
    assertThat(runs).hasValue(1);
    assertThat(text(cacher(traces.last()).attribute("single_flight"))).isEqualTo("gave up waiting");
    assertThat(store.get("orphan")).isPresent();
    // the waiter never held that lock, so it left it alone; it expires on its own
    assertThat(raw.redis.get(prefix + "cache:orphan:lock")).isEqualTo("dead-trace");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> raw.redis.exists(prefix + "cache:orphan:lock") == 0);
  }

  @Test
  void keysAreListedUnderThePrefixOnly() {
    store.set("one", "1", Duration.ofMinutes(1));
    store.raise("two", "why", Duration.ofMinutes(1));

    List<String> keys = raw.redis.keys(prefix + "*");
    assertThat(keys).containsExactlyInAnyOrder(prefix + "cache:one", prefix + "signal:two");
  }
}
