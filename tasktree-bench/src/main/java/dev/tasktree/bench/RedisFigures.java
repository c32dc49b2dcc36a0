package dev.tasktree.bench;

import static dev.tasktree.bench.BenchMain.f;

import dev.tasktree.CachePolicy;
import dev.tasktree.Result;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import dev.tasktree.redis.RedisStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * The Redis figures, against the Redis at {@code TASKTREE_REDIS_URL} (skipped with a reason when it
 * is not set): a Cache hit through a tree against a raw lettuce GET of the same key, and the time
 * from raising a termination signal here to the run being cancelled in another JVM, via pub/sub
 * ({@link RedisStore#raise}: SET + PUBLISH) and via a plain SET that only the poll finds.
 */
final class RedisFigures {

  static final String URL_VARIABLE = "TASKTREE_REDIS_URL";
  private static final long POLL_MILLIS = 250;
  private static final String CACHER = "Cache hit on Redis vs raw lettuce GET of the same key";
  private static final String CACHER_GOAL = "≤ 1.3×";
  private static final String PUB_SUB = "termination across processes, pub/sub (SET + PUBLISH)";
  private static final String PUB_SUB_GOAL = "p99 ≤ 50 ms";
  private static final String PLAIN =
      "termination across processes, plain SET (" + POLL_MILLIS + " ms poll)";
  private static final String PLAIN_GOAL =
      "p99 ≤ poll interval + 50 ms = " + (POLL_MILLIS + 50) + " ms";

  private RedisFigures() {}

  static void run(Report report, boolean quick) throws Exception {
    String url = System.getenv(URL_VARIABLE);
    if (url == null || url.isBlank()) {
      String reason = URL_VARIABLE + " is not set (e.g. redis://127.0.0.1:6379)";
      report.add(Figure.skipped(CACHER, CACHER_GOAL, reason));
      report.add(Figure.skipped(PUB_SUB, PUB_SUB_GOAL, reason));
      report.add(Figure.skipped(PLAIN, PLAIN_GOAL, reason));
      return;
    }
    url = url.strip();
    String prefix = "tt-bench-" + UUID.randomUUID().toString().substring(0, 8) + ":";
    RedisClient client = RedisClient.create(url);
    try (StatefulRedisConnection<String, String> connection = client.connect();
        RedisStore store = RedisStore.builder(url).keyPrefix(prefix).build()) {
      RedisCommands<String, String> raw = connection.sync();
      try {
        cacherHit(report, quick, store, raw);
        termination(report, quick, url, prefix, store, raw);
      } finally {
        deleteAll(raw, prefix);
      }
    } finally {
      client.shutdown();
    }
  }

  private static void cacherHit(
      Report report, boolean quick, RedisStore store, RedisCommands<String, String> raw) {
    int warmUp = quick ? 500 : 3_000;
    int rounds = quick ? 1_000 : 5_000;
    Tree<String> tree =
        Tree.<String>named("Hit probe")
            .cache(CachePolicy.<String>key(k -> k).ttl(Duration.ofMinutes(10)))
            .call(k -> "the cached answer")
            .build();
    RunOptions options = RunOptions.defaults().withCacheStore(store);
    tree.run("probe", options); // the one miss that fills the entry
    String redisKey = store.cacheKey("probe");
    long[] viaTree = new long[rounds];
    long[] viaLettuce = new long[rounds];
    for (int i = -warmUp; i < rounds; i++) { // interleaved, so drift hits both alike
      boolean treeFirst = (i & 1) == 0;
      long treeNanos = 0;
      long rawNanos = 0;
      for (int turn = 0; turn < 2; turn++) {
        if ((turn == 0) == treeFirst) {
          long t0 = System.nanoTime();
          Result result = tree.run("probe", options);
          treeNanos = System.nanoTime() - t0;
          if (!result.isOk() || !"the cached answer".equals(result.data())) {
            throw new IllegalStateException("Cache hit returned " + result);
          }
        } else {
          long t0 = System.nanoTime();
          String value = raw.get(redisKey);
          rawNanos = System.nanoTime() - t0;
          if (value == null || !value.contains("the cached answer")) {
            throw new IllegalStateException("raw GET returned " + value);
          }
        }
      }
      if (i >= 0) {
        viaTree[i] = treeNanos;
        viaLettuce[i] = rawNanos;
      }
    }
    double ours = Samples.of(viaTree).medianMicros();
    double base = Samples.of(viaLettuce).medianMicros();
    report.add(
        new Figure(
            f("%s (medians of %,d)", CACHER, rounds),
            f("tree.run %.0f µs", ours),
            f("lettuce sync GET %.0f µs", base),
            f("%.2f×", ours / base),
            CACHER_GOAL,
            Figure.yesNo(ours / base <= 1.3)));
  }

  private static void termination(
      Report report,
      boolean quick,
      String url,
      String prefix,
      RedisStore store,
      RedisCommands<String, String> raw)
      throws Exception {
    int warmUp = quick ? 10 : 20;
    int pubSubRounds = quick ? 60 : 200;
    int plainRounds = quick ? 30 : 100;
    // Warm-up rounds use pub/sub; the measured rounds are the two modes shuffled together.
    List<Boolean> viaPubSub = new ArrayList<>();
    for (int i = 0; i < pubSubRounds; i++) {
      viaPubSub.add(true);
    }
    for (int i = 0; i < plainRounds; i++) {
      viaPubSub.add(false);
    }
    Random random = new Random(42);
    Collections.shuffle(viaPubSub, random);
    int runs = warmUp + viaPubSub.size();
    long[] pubSub = new long[pubSubRounds];
    long[] plain = new long[plainRounds];
    int pubSubCount = 0;
    int plainCount = 0;
    try (ChildProcess child =
        ChildProcess.start(
            TerminationChild.class,
            url,
            prefix,
            Integer.toString(runs),
            Long.toString(POLL_MILLIS))) {
      for (int i = 0; i < runs; i++) {
        String key = TerminationChild.key(i);
        child.awaitLine("READY " + key, Duration.ofSeconds(60));
        boolean pub = i < warmUp || viaPubSub.get(i - warmUp);
        // A random phase against the child's poll timer: without it every raise would land just
        // after a poll (the child's run starts right after the previous one was cancelled).
        Thread.sleep(random.nextLong(pub ? 20 : POLL_MILLIS));
        long raisedAt = TerminationChild.epochMicros();
        if (pub) {
          store.raise(key, "bench", Duration.ofMinutes(2));
        } else {
          raw.set(store.signalKey(key), "bench", SetArgs.Builder.px(120_000));
        }
        // Cancelled = the first moment the node learns it: its cancel hook or its interrupt.
        long hook = micros(child.awaitLine("HOOK " + key + " ", Duration.ofSeconds(30)));
        long interrupt =
            micros(child.awaitLine("INTERRUPTED " + key + " ", Duration.ofSeconds(30)));
        long nanos = (Math.min(hook, interrupt) - raisedAt) * 1_000;
        if (Math.abs(hook - interrupt) > 5_000) {
          System.err.printf(
              "  %s (%s): hook after %.1f ms, interrupt after %.1f ms%n",
              key,
              pub ? "pub/sub" : "plain SET",
              (hook - raisedAt) / 1e3,
              (interrupt - raisedAt) / 1e3);
        }
        if (i >= warmUp) {
          if (pub) {
            pubSub[pubSubCount++] = nanos;
          } else {
            plain[plainCount++] = nanos;
          }
        }
      }
      if (child.awaitExit(Duration.ofSeconds(30)) != 0) {
        throw new IllegalStateException("termination child exited with an error");
      }
    }
    Samples p = Samples.of(pubSub);
    report.add(
        new Figure(
            f("%s, %d runs", PUB_SUB, pubSubRounds),
            f("p50 %.1f ms, p99 %.1f ms", p.medianMillis(), p.percentileMillis(99)),
            "—",
            "—",
            PUB_SUB_GOAL,
            Figure.yesNo(p.percentileMillis(99) <= 50)));
    Samples s = Samples.of(plain);
    report.add(
        new Figure(
            f("%s, %d runs", PLAIN, plainRounds),
            f("p50 %.1f ms, p99 %.1f ms", s.medianMillis(), s.percentileMillis(99)),
            "—",
            "—",
            PLAIN_GOAL,
            Figure.yesNo(s.percentileMillis(99) <= POLL_MILLIS + 50)));
  }

  private static long micros(String line) {
    return Long.parseLong(line.substring(line.lastIndexOf(' ') + 1));
  }

  private static void deleteAll(RedisCommands<String, String> raw, String prefix) {
    List<String> keys = new ArrayList<>();
    ScanIterator.scan(raw, ScanArgs.Builder.matches(prefix + "*").limit(500))
        .forEachRemaining(keys::add);
    if (!keys.isEmpty()) {
      raw.del(keys.toArray(String[]::new));
    }
  }
}
