package dev.tasktree.otel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tasktree.CachePolicy;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import dev.tasktree.store.CacheStore;
import dev.tasktree.store.InMemoryCacheStore;
import dev.tasktree.store.StoreException;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Run metrics arrive over OTLP: durations by kind/name/status, cache, cancels, store errors. */
class OtelMetricsTest extends OtelTestSupport {

  static final class Board {
    final java.util.concurrent.CountDownLatch sleepyStarted =
        new java.util.concurrent.CountDownLatch(1);
  }

  @Test
  void nodeDurationsCacheLookupsCancelsAndStoreErrorsAreExported() {
    CacheStore cache = new InMemoryCacheStore();
    // spotless:off
    Tree<Board> cached = Tree.<Board>named("Cached")
        .cache(CachePolicy.<Board>key(b -> "k").store(cache).ttl(Duration.ofMinutes(1)))
            .name("compute").call(b -> "v")
        .build();
    Tree<Board> deadline = Tree.<Board>named("Race")
        .race()
            .name("sleepy").call(b -> { b.sleepyStarted.countDown(); TimeUnit.SECONDS.sleep(30); return "late"; })
            .name("quick").call(b -> { b.sleepyStarted.await(); return "first"; })
        .end()
        .build();
    Tree<Board> broken = Tree.<Board>named("Broken")
        .cache(CachePolicy.<Board>key(b -> "k").store(new FailingCache()))
            .name("compute").call(b -> "v")
        .build();
    // spotless:on
    RunOptions options = otel.applyTo(RunOptions.defaults());
    cached.run(new Board(), options); // miss
    cached.run(new Board(), options); // hit
    deadline.run(new Board(), options);
    broken.run(new Board(), options);

    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              otel.flush(Duration.ofSeconds(5));
              return metric("tasktree.node.cancels").isPresent()
                  && metric("tasktree.store.errors").isPresent();
            });

    Metric duration = metric("tasktree.node.duration").orElseThrow();
    assertThat(duration.getUnit()).isEqualTo("s");
    assertThat(duration.getHistogram().getDataPointsList())
        .anySatisfy(
            p -> {
              assertThat(attrs(p.getAttributesList()))
                  .containsEntry("tasktree.node.kind", "Call")
                  .containsEntry("tasktree.node.name", "compute")
                  .containsEntry("tasktree.status", "OK");
              assertThat(p.getCount())
                  .isEqualTo(2); // the miss, and the broken cache's fallback run
            })
        .anySatisfy(
            p ->
                assertThat(attrs(p.getAttributesList()))
                    .containsEntry("tasktree.node.name", "sleepy")
                    .containsEntry("tasktree.status", "CANCELLED"));

    Map<String, Long> lookups = sums("tasktree.cache.lookups", "tasktree.cache.result");
    assertThat(lookups).containsEntry("hit", 1L).containsEntry("miss", 1L);
    assertThat(sums("tasktree.node.cancels", "tasktree.node.name")).containsEntry("sleepy", 1L);
    assertThat(
            sums("tasktree.store.errors", "tasktree.node.kind").values().stream()
                .mapToLong(Long::longValue)
                .sum())
        .isGreaterThanOrEqualTo(1L);
  }

  private Optional<Metric> metric(String name) {
    List<Metric> all = receiver.metrics().stream().filter(m -> m.getName().equals(name)).toList();
    return all.isEmpty() ? Optional.empty() : Optional.of(all.getLast()); // cumulative: latest
  }

  /** The latest cumulative sum of a counter, by one attribute's value. */
  private Map<String, Long> sums(String name, String by) {
    return metric(name).orElseThrow().getSum().getDataPointsList().stream()
        .collect(
            java.util.stream.Collectors.toMap(
                p -> String.valueOf(attrs(p.getAttributesList()).get(by)),
                p -> p.getAsInt(),
                Long::sum));
  }

  private static Map<String, Object> attrs(List<KeyValue> list) {
    return OtlpReceiver.attributes(list);
  }

  /** A cache store whose every call fails, as a Redis outage would. */
  static final class FailingCache implements CacheStore {
    @Override
    public Optional<String> get(String key) {
      throw new StoreException("connection refused", null);
    }

    @Override
    public void set(String key, String value, Duration ttl) {
      throw new StoreException("connection refused", null);
    }

    @Override
    public void delete(String key) {
      throw new StoreException("connection refused", null);
    }

    @Override
    public boolean setIfAbsent(String key, String value, Duration ttl) {
      throw new StoreException("connection refused", null);
    }

    @Override
    public boolean deleteIfEquals(String key, String expected) {
      throw new StoreException("connection refused", null);
    }
  }
}
