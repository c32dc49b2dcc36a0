package dev.tasktree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasktree.store.CacheStore;
import dev.tasktree.store.InMemoryCacheStore;
import dev.tasktree.store.InMemorySignalStore;
import dev.tasktree.store.StoreException;
import dev.tasktree.trace.InMemoryTraceSink;
import dev.tasktree.trace.Span;
import dev.tasktree.trace.Status;
import dev.tasktree.trace.TraceJson;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Each known weakness of the Python ancestor (DESIGN §6, items 1–6), proven fixed. */
class AncestorWeaknessesTest {

  private final InMemoryTraceSink traces = new InMemoryTraceSink();
  private final RunOptions options = RunOptions.defaults().withTraceSink(traces);

  @Test
  @DisplayName("§6.1 Timeout over a composite stops retries and still runs the fallback")
  void timeoutStopsACompositeAndRunsTheFallback() {
    AtomicInteger attempts = new AtomicInteger();
    Tree<Board> tree =
        Tree.<Board>named("T")
            .timeout(Duration.ofMillis(100))
            .sequence()
            .retry(1_000)
            .call(
                () -> {
                  attempts.incrementAndGet();
                  Thread.sleep(5);
                  return Result.fail("again");
                })
            .end()
            .fallback()
            .call(() -> "fallback ran")
            .build();
    assertThat(tree.run(new Board(), options)).isEqualTo(Result.ok("fallback ran"));
    int atReturn = attempts.get();
    org.awaitility.Awaitility.await()
        .during(Duration.ofMillis(200))
        .atMost(Duration.ofSeconds(1))
        .until(() -> attempts.get() == atReturn);
  }

  @Test
  @DisplayName("§6.1 Terminable over a composite stops it and runs the fallback")
  void terminableStopsACompositeAndRunsTheFallback() throws Exception {
    InMemorySignalStore signals = new InMemorySignalStore();
    AtomicInteger attempts = new AtomicInteger();
    Tree<Board> tree =
        Tree.<Board>named("T")
            .terminable(b -> "stop")
            .retry(1_000)
            .call(
                () -> {
                  attempts.incrementAndGet();
                  Thread.sleep(5);
                  return Result.fail("again");
                })
            .fallback()
            .call(() -> "fallback ran")
            .build();
    RunHandle run = tree.start(new Board(), options.withSignalStore(signals));
    org.awaitility.Awaitility.await().until(() -> attempts.get() > 3);
    signals.raise("stop", "enough", Duration.ofMinutes(1));
    assertThat(run.await()).isEqualTo(Result.ok("fallback ran"));
  }

  @Test
  @DisplayName("§6.2 a decorator takes exactly one child; Else is checked; a built builder refuses")
  void decoratorChildrenElseAndBuiltBuilders() {
    // The node after a decorator's one child is its sibling, never silently swallowed.
    Tree<Board> tree =
        Tree.<Board>named("T").sequence().retry(3).call(() -> "a").call(() -> "b").end().build();
    assertThat(tree.describe()).contains("Retry [3 tries, no backoff]\n   │  └─ Call\n   └─ Call");
    assertThatThrownBy(
            () ->
                Tree.<Board>named("T")
                    .sequence()
                    .when(b -> true)
                    .call(() -> 1)
                    .call(() -> 2)
                    .orElse()
                    .call(() -> 3)
                    .end()
                    .build())
        .isInstanceOf(TreeShapeException.class)
        .hasMessageContaining("orElse() must directly follow a When");
    TreeBuilder<Board> builder = Tree.<Board>named("T").call(() -> 1);
    builder.build();
    assertThatThrownBy(builder::end).hasMessageContaining("already built");
  }

  @Test
  @DisplayName("§6.3 Retry honours whole-second waits and never sleeps after the last try")
  void retryWaitsWholeSecondsButNotAfterTheLastTry() {
    Tree<Board> tree =
        Tree.<Board>named("T")
            .retry(RetryPolicy.tries(2).backoff(Backoff.fixed(Duration.ofSeconds(1))))
            .call(() -> Result.fail("no"))
            .build();
    tree.run(new Board(), options);
    Span retry = traces.last().spansOfKind("Retry").getFirst();
    Span first = retry.children().get(0);
    Span last = retry.children().get(1);
    assertThat(Duration.between(first.end(), last.start()))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    // Retry ends right after its last attempt: far less than another one-second wait.
    assertThat(Duration.between(last.end(), retry.end())).isLessThan(Duration.ofMillis(500));
  }

  @Test
  @DisplayName("§6.4 loops keep one span per iteration and values stay typed JSON")
  void loopsKeepEverySpanAndValuesStayTyped() {
    Tree<Board> tree =
        Tree.<Board>named("T")
            .repeatWhile(b -> b.count < 3)
            .call(b -> List.of(++b.count, "n" + b.count, Map.of("ok", true)))
            .build();
    tree.run(new Board(), options);
    List<Span> loops = traces.last().spansOfKind("Call");
    assertThat(loops).hasSize(3);
    JsonNode data = loops.get(2).data();
    assertThat(data.isArray()).isTrue();
    assertThat(data.get(0).isInt()).isTrue();
    assertThat(data.get(0).asInt()).isEqualTo(3);
    assertThat(data.get(2).get("ok").isBoolean()).isTrue();
  }

  @Test
  @DisplayName("§6.5 Cacher stores JSON, and a store error after the child succeeded keeps OK")
  void cacherStoresJsonAndSurvivesStoreErrorsAfterSuccess() throws Exception {
    InMemoryCacheStore memory = new InMemoryCacheStore();
    Tree<Board> tree =
        Tree.<Board>named("T")
            .cache(CachePolicy.key(Board::getText))
            .call(() -> Map.of("answer", 42))
            .build();
    tree.run(new Board("k"), options.withCacheStore(memory));
    assertThat(
            TraceJson.newMapper()
                .readTree(memory.get("k").orElseThrow())
                .get("value")
                .get("answer")
                .asInt())
        .isEqualTo(42);

    CacheStore failsOnSet =
        new CacheStore() {
          @Override
          public Optional<String> get(String key) {
            return Optional.empty();
          }

          @Override
          public void set(String key, String value, Duration ttl) {
            throw new StoreException("disk full");
          }

          @Override
          public boolean setIfAbsent(String key, String value, Duration ttl) {
            return true;
          }

          @Override
          public void delete(String key) {}

          @Override
          public boolean deleteIfEquals(String key, String expected) {
            return true;
          }
        };
    assertThat(tree.run(new Board("k"), options.withCacheStore(failsOnSet)))
        .isEqualTo(Result.ok(Map.of("answer", 42)));
    assertThat(traces.last().spansOfKind("Cache").getFirst().status()).isEqualTo(Status.OK);
  }

  @Test
  @DisplayName("§6.6 an early signal is honoured and a store error is not a termination")
  void earlySignalsCountAndStoreErrorsDoNot() {
    InMemorySignalStore signals = new InMemorySignalStore();
    signals.raise("stop", "raised before the run", Duration.ofMinutes(1));
    AtomicBoolean ran = new AtomicBoolean();
    Tree<Board> tree =
        Tree.<Board>named("T").terminable(b -> "stop").call(() -> ran.getAndSet(true)).build();
    assertThat(tree.run(new Board(), options.withSignalStore(signals)).data())
        .isInstanceOf(TerminatedException.class);
    assertThat(ran).isFalse();
    assertThat(signals.check("stop")).isPresent();

    signals.clear("stop");
    assertThat(tree.run(new Board(), options.withSignalStore(signals))).isEqualTo(Result.ok(false));
  }
}
