package dev.tasktree.bench;

import static dev.tasktree.bench.BenchMain.f;

import dev.tasktree.Result;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import dev.tasktree.TreeBuilder;
import dev.tasktree.redis.RedisJournal;
import dev.tasktree.redis.RedisStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A checkpoint's added cost on the Redis journal: the same tree of {@value #CHECKPOINTS} {@code
 * .checkpoint()} subtrees run with {@code RunOptions.withJournal(redis.journal())} and without a
 * journal, interleaved in one run, against the Redis at {@code TASKTREE_REDIS_URL}. The added cost
 * per checkpoint (the run's begin and end records amortised over its checkpoints) is compared with
 * a raw lettuce {@code RPUSH} round trip measured in the same run: an append should cost about one
 * round trip.
 */
final class DurableRedisFigures {

  static final int CHECKPOINTS = 20;
  private static final String NAME =
      "checkpoint added cost, Redis journal (" + CHECKPOINTS + " checkpoints/run) vs no journal";
  private static final String GOAL = "≤ 2 raw RPUSH round trips per checkpoint";

  private DurableRedisFigures() {}

  /** The measured tree: a Sequence of checkpointed calls, each a small JSON-able value. */
  static Tree<String> tree() {
    TreeBuilder<String> builder = Tree.<String>named("Checkpoints").sequence();
    for (int i = 0; i < CHECKPOINTS; i++) {
      int index = i;
      builder.checkpoint(String.class).call(input -> "answer " + index + " to " + input);
    }
    return builder.end().build();
  }

  static void run(Report report, boolean quick) throws Exception {
    String url = System.getenv(RedisFigures.URL_VARIABLE);
    if (url == null || url.isBlank()) {
      report.add(
          Figure.skipped(
              NAME, GOAL, RedisFigures.URL_VARIABLE + " is not set (redis://host:port)"));
      return;
    }
    url = url.strip();
    String prefix = "tt-bench-" + UUID.randomUUID().toString().substring(0, 8) + ":";
    RedisClient client = RedisClient.create(url);
    try (StatefulRedisConnection<String, String> connection = client.connect();
        RedisStore store = RedisStore.builder(url).keyPrefix(prefix).build()) {
      RedisCommands<String, String> raw = connection.sync();
      try {
        measure(report, quick, store, raw, prefix);
      } finally {
        deleteAll(raw, prefix);
      }
    } finally {
      client.shutdown();
    }
  }

  private static void measure(
      Report report,
      boolean quick,
      RedisStore store,
      RedisCommands<String, String> raw,
      String prefix) {
    int warmUp = quick ? 100 : 500;
    int rounds = quick ? 300 : 2_000;
    Tree<String> tree = tree();
    RedisJournal journal = store.journal();
    RunOptions plain = RunOptions.defaults();
    RunOptions durable = RunOptions.defaults().withJournal(journal);
    String rawKey = prefix + "raw-rpush";
    long[] without = new long[rounds];
    long[] with = new long[rounds];
    long[] rpush = new long[rounds];
    for (int i = -warmUp; i < rounds; i++) { // interleaved, so drift hits both alike
      long t0 = System.nanoTime();
      Result a = tree.run("q", plain);
      long t1 = System.nanoTime();
      Result b = tree.run("q", durable);
      long t2 = System.nanoTime();
      raw.rpush(rawKey, "{\"key\":\"Checkpoints > Checkpoint[3]\",\"ok\":true,\"data\":\"x\"}");
      long t3 = System.nanoTime();
      if (!a.isOk() || !b.isOk() || !a.equals(b)) {
        throw new IllegalStateException("runs differ: " + a + " / " + b);
      }
      if (i >= 0) {
        without[i] = t1 - t0;
        with[i] = t2 - t1;
        rpush[i] = t3 - t2;
      }
    }
    double plainUs = Samples.of(without).medianMicros();
    double durableUs = Samples.of(with).medianMicros();
    double rpushUs = Samples.of(rpush).medianMicros();
    double perCheckpoint = (durableUs - plainUs) / CHECKPOINTS;
    report.add(
        new Figure(
            f("%s (medians of %,d)", NAME, rounds),
            f("+%.1f µs/checkpoint (run %.0f µs)", perCheckpoint, durableUs),
            f("no journal %.0f µs/run; raw RPUSH %.0f µs", plainUs, rpushUs),
            f("%.2f× RPUSH", perCheckpoint / rpushUs),
            GOAL,
            Figure.yesNo(perCheckpoint <= 2 * rpushUs)));
    if (!journal.resumable().isEmpty()) { // every durable run ended and left the set
      throw new IllegalStateException("runs left resumable: " + journal.resumable().size());
    }
  }

  private static void deleteAll(RedisCommands<String, String> raw, String prefix) {
    List<String> keys = new ArrayList<>();
    ScanIterator.scan(raw, ScanArgs.Builder.matches(prefix + "*").limit(1000))
        .forEachRemaining(keys::add);
    for (int i = 0; i < keys.size(); i += 1000) {
      raw.del(keys.subList(i, Math.min(keys.size(), i + 1000)).toArray(String[]::new));
    }
  }
}
