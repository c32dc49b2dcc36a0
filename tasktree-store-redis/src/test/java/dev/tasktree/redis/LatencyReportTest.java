package dev.tasktree.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasktree.CachePolicy;
import dev.tasktree.Result;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import dev.tasktree.store.SignalStore;
import dev.tasktree.trace.ChildJvm;
import io.lettuce.core.SetArgs;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Measures, in one run, and prints (to the test output and {@code target/redis-latency.txt}): the
 * latency of a Cacher hit through a tree against a raw lettuce GET of the same key, and the time
 * from raising a signal in this process to a run being cancelled in another, via pub/sub and via
 * plain-SET polling. It asserts only that every measured operation worked: performance goals live
 * in tasktree-bench, never in timed unit tests.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LatencyReportTest {

  private static final List<String> REPORT = new ArrayList<>();
  private static String url;
  private static String prefix;
  private static TestRedis.Raw raw;
  private static RedisStore store;

  @BeforeAll
  static void connect() {
    url = TestRedis.url();
    prefix = TestRedis.uniquePrefix();
    raw = new TestRedis.Raw(url);
    store = RedisStore.builder(url).keyPrefix(prefix).build();
  }

  @AfterAll
  static void report() throws IOException {
    if (store != null) {
      store.close();
    }
    if (raw != null) {
      raw.deleteAll(prefix);
      raw.close();
    }
    if (!REPORT.isEmpty()) {
      String text = String.join("\n", REPORT) + "\n";
      System.out.print(text);
      Files.writeString(Path.of("target", "redis-latency.txt"), text);
    }
  }

  @Test
  @Order(1)
  void cacherHitAgainstRawGet() {
    Tree<String> tree =
        Tree.<String>named("Hit probe")
            .cache(CachePolicy.<String>key(k -> k).ttl(Duration.ofMinutes(5)))
            .call(k -> "the cached answer")
            .build();
    RunOptions options = RunOptions.defaults().withCacheStore(store);
    tree.run("probe", options); // the one miss that fills the entry
    String redisKey = store.cacheKey("probe");
    int rounds = 3000;
    long[] viaTree = new long[rounds];
    long[] viaStore = new long[rounds];
    long[] viaLettuce = new long[rounds];
    for (int warm = 0; warm < 2000; warm++) {
      tree.run("probe", options);
      store.get("probe");
      raw.redis.get(redisKey);
    }
    for (int i = 0; i < rounds; i++) { // interleaved, so drift hits all three alike
      long t0 = System.nanoTime();
      Result result = tree.run("probe", options);
      long t1 = System.nanoTime();
      store.get("probe");
      long t2 = System.nanoTime();
      String value = raw.redis.get(redisKey);
      long t3 = System.nanoTime();
      viaTree[i] = t1 - t0;
      viaStore[i] = t2 - t1;
      viaLettuce[i] = t3 - t2;
      assertThat(result).isEqualTo(Result.ok("the cached answer"));
      assertThat(value).contains("the cached answer");
    }
    REPORT.add("Cacher hit latency, " + rounds + " rounds, microseconds:");
    REPORT.add(line("  tree.run (Cacher hit)", viaTree));
    REPORT.add(line("  RedisStore.get", viaStore));
    REPORT.add(line("  raw lettuce sync GET", viaLettuce));
  }

  @Test
  @Order(2)
  void signalToCancellationInAnotherProcess() throws Exception {
    int warmUp = 10;
    int perMode = 30;
    long[] pubSub = new long[perMode];
    long[] polling = new long[perMode];
    Random phase = new Random(42);
    int runs = warmUp + 2 * perMode;
    try (ChildJvm child =
        ChildJvm.start(ChildMain.class, "latency", url, prefix, String.valueOf(runs))) {
      for (int i = 0; i < runs; i++) {
        String key = "lat-" + i;
        child.awaitLine("READY " + key, Duration.ofSeconds(60));
        boolean viaPubSub = i < warmUp || i % 2 == 0;
        // A random phase against the child's poll timer (not a wait for an effect): without it
        // every raise would land just after a poll, right when the child's next run started.
        Thread.sleep(phase.nextInt(250));
        long raisedAt = ChildMain.epochMicros();
        if (viaPubSub) {
          store.raise(key, "latency probe", Duration.ofMinutes(1));
        } else {
          raw.redis.set(store.signalKey(key), "latency probe", SetArgs.Builder.px(60_000));
        }
        String[] cancelled =
            child.awaitLine("CANCELLED " + key + " ", Duration.ofSeconds(30)).split(" ");
        long nanos = (Long.parseLong(cancelled[2]) - raisedAt) * 1000;
        if (i >= warmUp) {
          int index = (i - warmUp) / 2;
          if (viaPubSub) {
            pubSub[index] = nanos;
          } else {
            polling[index] = nanos;
          }
        }
      }
      assertThat(child.awaitExit(Duration.ofSeconds(30))).isZero();
    }
    REPORT.add(
        "Signal raised here -> run cancelled in another JVM, " + perMode + " each, microseconds:");
    REPORT.add(line("  RedisStore.raise (SET + PUBLISH)", pubSub));
    REPORT.add(line("  plain SET (no PUBLISH), 250 ms polls", polling));
  }

  @Test
  @Order(3)
  void raiseToListenerInThisProcessAgainstRawPubSub() throws Exception {
    int rounds = 400;
    int warmUp = 100;
    long[] viaStore = new long[rounds];
    long[] viaLettuce = new long[rounds];
    BlockingQueue<Long> received = new LinkedBlockingQueue<>();
    String channel = prefix + "raw-channel";
    try (RedisStore watcher = RedisStore.builder(url).keyPrefix(prefix).build();
        StatefulRedisPubSubConnection<String, String> subscriber = raw.client.connectPubSub()) {
      subscriber.addListener(
          new RedisPubSubAdapter<>() {
            @Override
            public void message(String ch, String message) {
              received.add(System.nanoTime());
            }
          });
      subscriber.sync().subscribe(channel);
      for (int i = 0; i < warmUp + rounds; i++) {
        long t0 = System.nanoTime();
        raw.redis.publish(channel, "x");
        Long t1 = received.poll(10, TimeUnit.SECONDS);
        assertThat(t1).isNotNull();

        CompletableFuture<Long> signalled = new CompletableFuture<>();
        SignalStore.Subscription subscription =
            watcher.subscribe("in-process-" + i, signal -> signalled.complete(System.nanoTime()));
        long t2 = System.nanoTime();
        store.raise("in-process-" + i, "probe", Duration.ofMinutes(1));
        long t3 = signalled.get(10, TimeUnit.SECONDS);
        subscription.close();
        if (i >= warmUp) {
          viaLettuce[i - warmUp] = t1 - t0;
          viaStore[i - warmUp] = t3 - t2;
        }
      }
    }
    REPORT.add("Signal to listener in this process, " + rounds + " rounds, microseconds:");
    REPORT.add(line("  RedisStore.raise -> Listener", viaStore));
    REPORT.add(line("  raw lettuce PUBLISH -> listener", viaLettuce));
  }

  private static String line(String label, long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return String.format(
        Locale.ROOT,
        "%-36s median %9.1f   p10 %9.1f   p90 %9.1f",
        label,
        sorted[sorted.length / 2] / 1000.0,
        sorted[sorted.length / 10] / 1000.0,
        sorted[sorted.length * 9 / 10] / 1000.0);
  }
}
