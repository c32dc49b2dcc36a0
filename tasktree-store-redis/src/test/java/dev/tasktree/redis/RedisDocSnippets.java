package dev.tasktree.redis;

import dev.tasktree.CachePolicy;
import dev.tasktree.Result;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import dev.tasktree.store.Signal;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The code shown in {@code docs/redis.md}, compiled and exercised by {@link RedisDocsTest}: each
 * {@code snippet:NAME} region below is a Java block of that page, word for word.
 */
final class RedisDocSnippets {

  private RedisDocSnippets() {}

  /** The blackboard of the examples. */
  record Question(String id, String text) {}

  static final String PROMPT_VERSION = "2026-03";
  static final AtomicInteger MODEL_CALLS = new AtomicInteger();

  static String askTheModel(Question question) {
    MODEL_CALLS.incrementAndGet();
    return "answer to " + question.text();
  }

  static String longWork(Question question) throws InterruptedException {
    new CountDownLatch(1).await(); // until a signal stops it
    return "done";
  }

  static RedisStore open(String redisUrl) {
    // spotless:off
    // snippet:redis-create
    RedisStore redis = RedisStore.builder(redisUrl)   // e.g. "redis://127.0.0.1:6379/0"
        .keyPrefix("myapp:")                          // default "tasktree:"
        .pollInterval(Duration.ofMillis(250))         // how often plain-SET signals are looked for
        .commandTimeout(Duration.ofSeconds(2))        // the longest a run waits for Redis
        .build();                                     // connects on first use
    RunOptions options = RunOptions.defaults().withCacheStore(redis).withSignalStore(redis);
    // end-snippet
    // spotless:on
    return redis;
  }

  static void sharedClient(String redisUrl) {
    // spotless:off
    // snippet:redis-client
    RedisClient client = RedisClient.create(redisUrl);
    try (RedisStore redis = RedisStore.builder(client).build()) {
      redis.ping(); // throws StoreException when Redis does not answer
    }
    client.shutdown(); // the store never shuts down a client it did not create
    // end-snippet
    // spotless:on
  }

  // spotless:off
  // snippet:redis-cache
  static final Tree<Question> ANSWER = Tree.<Question>named("Answer")
      .cache(CachePolicy.key(Question::text)
          .ttlBetween(Duration.ofMinutes(50), Duration.ofMinutes(70)) // spread expiries, ms precision
          .validator(q -> PROMPT_VERSION)                            // a new prompt misses old entries
          .singleFlight(Duration.ofSeconds(30))                      // one process computes, others wait
          .as(String.class))
          .call(RedisDocSnippets::askTheModel)
      .build();
  // end-snippet

  // snippet:redis-terminable
  static final Tree<Question> STOPPABLE = Tree.<Question>named("Stoppable")
      .terminable(q -> "job-" + q.id())
          .call(RedisDocSnippets::longWork)
      .fallback()
          .call(q -> "stopped")
      .build();
  // end-snippet
  // spotless:on

  static Optional<Signal> raiseCheckClear(RedisStore redis) {
    // spotless:off
    // snippet:redis-raise
    redis.raise("job-42", "user pressed stop", Duration.ofMinutes(10)); // SET ... PX + PUBLISH
    Optional<Signal> signal = redis.check("job-42");  // the reason, and when it was raised
    redis.clear("job-42");                            // DEL: the key can serve a new run
    // end-snippet
    // spotless:on
    return signal;
  }

  static RedisStore openWithJournal(String redisUrl) {
    // spotless:off
    // snippet:redis-journal
    RedisStore redis = RedisStore.builder(redisUrl)
        .endedJournalTtl(Duration.ofDays(7))   // keep an ended run's journal a week (default 24 h)
        .build();
    RedisJournal journal = redis.journal();    // the same keys from every process on this prefix
    List<String> unfinished = journal.resumable(); // runs that began and never ended, oldest first
    // end-snippet
    // spotless:on
    return redis;
  }

  static Result runStoppable(RedisStore redis, Question question) {
    return STOPPABLE.run(question, RunOptions.defaults().withSignalStore(redis));
  }
}
