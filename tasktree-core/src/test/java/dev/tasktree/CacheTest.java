package dev.tasktree;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasktree.store.CacheStore;
import dev.tasktree.store.InMemoryCacheStore;
import dev.tasktree.store.StoreException;
import dev.tasktree.trace.InMemoryTraceSink;
import dev.tasktree.trace.LogLevel;
import dev.tasktree.trace.Span;
import dev.tasktree.trace.TraceJson;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CacheTest {

  /** A clock the test moves by hand. */
  static final class ManualClock extends Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private final InMemoryTraceSink traces = new InMemoryTraceSink();
  private final ManualClock clock = new ManualClock();
  private final InMemoryCacheStore store = new InMemoryCacheStore(clock);
  private final RunOptions options =
      RunOptions.defaults().withTraceSink(traces).withCacheStore(store);

  record Answer(String text, int tokens) {}

  private Span cacher() {
    return traces.last().spansOfKind("Cache").getFirst();
  }

  private Tree<Board> cached(CachePolicy<Board> policy) {
    return Tree.<Board>named("T")
        .cache(policy)
        .call(b -> new Answer(b.text.toUpperCase(), b.counter.incrementAndGet()))
        .build();
  }

  @Test
  void aHitReturnsTheValueWithoutRunningTheChild() {
    Tree<Board> tree = cached(CachePolicy.key(Board::getText).as(Answer.class));
    Board board = new Board("q");
    assertThat(tree.run(board, options)).isEqualTo(Result.ok(new Answer("Q", 1)));
    assertThat(cacher().attribute("cache").asText()).isEqualTo("miss");
    assertThat(tree.run(board, options)).isEqualTo(Result.ok(new Answer("Q", 1)));
    assertThat(cacher().attribute("cache").asText()).isEqualTo("hit");
    assertThat(cacher().children()).isEmpty();
    assertThat(board.counter).hasValue(1);
  }

  @Test
  void withoutATypeAHitIsPlainJsonValues() {
    Tree<Board> tree = cached(CachePolicy.key(Board::getText));
    Board board = new Board("q");
    tree.run(board, options);
    assertThat(tree.run(board, options)).isEqualTo(Result.ok(Map.of("text", "Q", "tokens", 1)));
  }

  @Test
  void entriesExpireAfterTheirTtl() {
    Tree<Board> tree =
        cached(CachePolicy.key(Board::getText).ttl(Duration.ofMillis(1500)).as(Answer.class));
    Board board = new Board("q");
    tree.run(board, options);
    clock.advance(Duration.ofMillis(1499));
    tree.run(board, options);
    assertThat(cacher().attribute("cache").asText()).isEqualTo("hit");
    clock.advance(Duration.ofMillis(1));
    tree.run(board, options);
    assertThat(cacher().attribute("cache").asText()).isEqualTo("miss");
    assertThat(board.counter).hasValue(2);
  }

  @Test
  void aRandomTtlRangeSpreadsExpiryInMilliseconds() {
    CachePolicy<Board> policy =
        CachePolicy.<Board>key(b -> "k")
            .ttlBetween(Duration.ofMillis(1000), Duration.ofMillis(2000));
    Random random = new Random(3);
    List<Long> ttls = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      ttls.add(policy.ttl(random).toMillis());
    }
    assertThat(ttls).allMatch(t -> t >= 1000 && t <= 2000);
    assertThat(ttls.stream().distinct().count()).isGreaterThan(100);
  }

  @Test
  void aChangedValidatorInvalidatesTheEntry() {
    AtomicInteger version = new AtomicInteger(1);
    Tree<Board> tree =
        cached(CachePolicy.key(Board::getText).validator(b -> version.get()).as(Answer.class));
    Board board = new Board("q");
    tree.run(board, options);
    tree.run(board, options);
    assertThat(cacher().attribute("cache").asText()).isEqualTo("hit");
    version.set(2);
    assertThat(tree.run(board, options)).isEqualTo(Result.ok(new Answer("Q", 2)));
    assertThat(cacher().attribute("cache").asText()).isEqualTo("invalidated");
    tree.run(board, options);
    assertThat(cacher().attribute("cache").asText()).isEqualTo("hit");
  }

  @Test
  void disabledCachingJustRunsTheChild() {
    Tree<Board> tree =
        cached(CachePolicy.key(Board::getText).enabledWhen(Board::isFlag).as(Answer.class));
    Board board = new Board("q");
    tree.run(board, options);
    tree.run(board, options);
    assertThat(cacher().attribute("cache").asText()).isEqualTo("disabled");
    assertThat(board.counter).hasValue(2);
    assertThat(store.get("q")).isEmpty();
  }

  @Test
  void failIsNeverCached() {
    Tree<Board> tree =
        Tree.<Board>named("T")
            .cache(CachePolicy.key(Board::getText))
            .call(b -> Result.fail(b.counter.incrementAndGet()))
            .build();
    Board board = new Board("q");
    tree.run(board, options);
    tree.run(board, options);
    assertThat(board.counter).hasValue(2);
    assertThat(store.get("q")).isEmpty();
  }

  @Test
  void valuesAreStoredAsJsonNotJavaSerialisation() throws Exception {
    cached(CachePolicy.key(Board::getText).validator(b -> "v7")).run(new Board("q"), options);
    JsonNode entry = TraceJson.newMapper().readTree(store.get("q").orElseThrow());
    assertThat(entry.get("value").get("text").asText()).isEqualTo("Q");
    assertThat(entry.get("validator").asText()).isEqualTo("v7");
  }

  @Test
  void garbageUnderTheKeyIsAMissWithAWarningAndIsOverwritten() {
    store.set("q", "\u00ac\u00ed\u0000\u0005 not json", Duration.ofMinutes(1));
    Tree<Board> tree = cached(CachePolicy.key(Board::getText).as(Answer.class));
    Board board = new Board("q");
    assertThat(tree.run(board, options)).isEqualTo(Result.ok(new Answer("Q", 1)));
    assertThat(cacher().attribute("cache").asText()).isEqualTo("corrupt");
    assertThat(cacher().logs()).anySatisfy(l -> assertThat(l.level()).isEqualTo(LogLevel.WARN));
    tree.run(board, options);
    assertThat(cacher().attribute("cache").asText()).isEqualTo("hit");
  }

  /** A store that is down. */
  static final class BrokenStore implements CacheStore {
    @Override
    public Optional<String> get(String key) {
      throw new StoreException("connection refused");
    }

    @Override
    public void set(String key, String value, Duration ttl) {
      throw new StoreException("connection refused");
    }

    @Override
    public boolean setIfAbsent(String key, String value, Duration ttl) {
      throw new StoreException("connection refused");
    }

    @Override
    public void delete(String key) {
      throw new StoreException("connection refused");
    }

    @Override
    public boolean deleteIfEquals(String key, String expected) {
      throw new StoreException("connection refused");
    }
  }

  @Test
  void aStoreErrorIsAWarningAndTheChildsResultStands() {
    Tree<Board> tree =
        cached(
            CachePolicy.key(Board::getText).as(Answer.class).singleFlight(Duration.ofSeconds(1)));
    Board board = new Board("q");
    Result result = tree.run(board, options.withCacheStore(new BrokenStore()));
    assertThat(result).isEqualTo(Result.ok(new Answer("Q", 1)));
    assertThat(cacher().attribute("cache").asText()).isEqualTo("error");
    assertThat(cacher().logs())
        .filteredOn(l -> l.level() == LogLevel.WARN)
        .extracting(l -> l.message())
        .anySatisfy(m -> assertThat(m).contains("on get"))
        .anySatisfy(m -> assertThat(m).contains("on set"));
  }

  @Test
  void singleFlightRunsTheChildOnceForConcurrentMisses() throws Exception {
    AtomicInteger childRuns = new AtomicInteger();
    CountDownLatch allWaiting = new CountDownLatch(1);
    Tree<Board> tree =
        Tree.<Board>named("T")
            .cache(CachePolicy.key(Board::getText).singleFlight(Duration.ofSeconds(10)))
            .call(
                () -> {
                  childRuns.incrementAndGet();
                  allWaiting.await();
                  return "computed once";
                })
            .build();
    RunOptions real = RunOptions.defaults().withCacheStore(new InMemoryCacheStore());
    List<RunHandle> runs = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      runs.add(tree.start(new Board("same"), real));
    }
    org.awaitility.Awaitility.await().until(() -> childRuns.get() >= 1);
    allWaiting.countDown();
    for (RunHandle run : runs) {
      assertThat(run.await()).isEqualTo(Result.ok("computed once"));
    }
    assertThat(childRuns).hasValue(1);
  }
}
