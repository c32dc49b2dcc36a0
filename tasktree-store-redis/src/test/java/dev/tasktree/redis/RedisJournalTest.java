package dev.tasktree.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tasktree.store.Checkpoint;
import dev.tasktree.store.JournalContract;
import dev.tasktree.store.JournalHeader;
import dev.tasktree.store.JournalRecord;
import dev.tasktree.store.StoreException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The journal rules every journal follows ({@link JournalContract}), and the Redis journal's own,
 * against a real Redis: what is appended reads back exactly, from this store and from another
 * connection; appends from many threads are each whole; ended runs leave the resumable set and
 * expire, unended ones never do; bad input and foreign records are clear errors.
 */
class RedisJournalTest extends JournalContract {

  private static final Instant T0 = Instant.parse("2026-12-03T07:00:00Z");

  private String url;
  private String prefix;
  private RedisStore store;
  private final List<RedisStore> others = new ArrayList<>();

  @BeforeEach
  void connect() {
    url = TestRedis.url();
    prefix = TestRedis.uniquePrefix();
    store = RedisStore.builder(url).keyPrefix(prefix).endedJournalTtl(Duration.ofHours(2)).build();
  }

  @AfterEach
  void cleanUp() {
    others.forEach(RedisStore::close);
    if (store != null) {
      store.close();
      try (TestRedis.Raw raw = new TestRedis.Raw(url)) {
        raw.deleteAll(prefix);
      }
    }
  }

  @Override
  protected RedisJournal journal() {
    return store.journal();
  }

  private static JournalHeader answerHeader(String runId, Instant startedAt) {
    return new JournalHeader(runId, "Answer", "sha256:abc", "{\"name\":\"Answer\"}", startedAt);
  }

  private static Checkpoint checkpoint(String key, String dataJson) {
    return new Checkpoint(key, true, dataJson, T0.plusMillis(5));
  }

  @Test
  void whatIsAppendedReadsBackExactlyInOrderWithItsHeader() {
    journal().begin(answerHeader("run-1", T0));
    List<Checkpoint> written =
        List.of(
            checkpoint("Answer > Llm#0", "\"héllo ✓ \\n \\\"quoted\\\"\""),
            new Checkpoint("Answer > Gather > Llm[3]", false, "{\"error\":\"boom\"}", T0),
            new Checkpoint("Answer > Tool#1", true, null, T0.plusSeconds(1)),
            checkpoint("Answer > Checkpointed", "{ \"b\" : [1, 2.50, null],  \"a\":true }"),
            checkpoint("Answer > Big", "\"" + "x".repeat(1_000_000) + "\""));
    written.forEach(c -> journal().append("run-1", c));

    JournalRecord record = journal().read("run-1").orElseThrow();

    assertThat(record.header()).isEqualTo(answerHeader("run-1", T0));
    assertThat(record.checkpoints()).containsExactlyElementsOf(written); // data text unchanged
    assertThat(record.endStatus()).isEmpty();
    assertThat(journal().read("no-such-run")).isEmpty();
  }

  @Test
  void anotherProcessOnTheSameRedisAndPrefixSeesTheJournalAndAnotherPrefixDoesNot() {
    journal().begin(answerHeader("run-2", T0));
    journal().append("run-2", checkpoint("A", "1"));
    RedisStore second = RedisStore.builder(url).keyPrefix(prefix).build();
    RedisStore elsewhere = RedisStore.builder(url).keyPrefix(prefix + "other:").build();
    others.add(second);
    others.add(elsewhere);

    second.journal().append("run-2", checkpoint("B", "2"));

    assertThat(journal().read("run-2").orElseThrow().checkpoints())
        .extracting(Checkpoint::key)
        .containsExactly("A", "B");
    assertThat(second.journal().resumable()).containsExactly("run-2");
    assertThat(elsewhere.journal().read("run-2")).isEmpty();
    assertThat(elsewhere.journal().resumable()).isEmpty();
  }

  @Test
  void aSecondBeginLeavesTheFirstHeaderAndCheckpointsAsTheyWere() {
    journal().begin(answerHeader("run-3", T0));
    journal().append("run-3", checkpoint("A", "1"));

    journal()
        .begin(
            new JournalHeader("run-3", "Other", "sha256:zzz", "{}", T0.plus(1, ChronoUnit.HOURS)));

    JournalRecord record = journal().read("run-3").orElseThrow();
    assertThat(record.header()).isEqualTo(answerHeader("run-3", T0));
    assertThat(record.checkpoints()).hasSize(1);
    assertThat(journal().resumable()).containsExactly("run-3");
  }

  @Test
  void resumableListsRunsThatBeganAndDidNotEndOldestFirst() {
    journal().begin(answerHeader("late", T0.plusSeconds(30)));
    journal().begin(answerHeader("early", T0));
    journal().begin(answerHeader("middle", T0.plusSeconds(10)));
    journal().begin(answerHeader("done", T0.plusSeconds(5)));
    journal().end("done", "OK");

    assertThat(journal().resumable()).containsExactly("early", "middle", "late");
  }

  @Test
  void anEndedRunKeepsItsRecordWithItsStatusLeavesTheResumableSetAndExpiresAfterTheTtl() {
    journal().begin(answerHeader("run-4", T0));
    journal().append("run-4", checkpoint("A", "1"));
    journal().begin(answerHeader("open", T0));
    journal().append("open", checkpoint("A", "1"));

    journal().end("run-4", "FAIL");

    JournalRecord record = journal().read("run-4").orElseThrow();
    assertThat(record.endStatus()).contains("FAIL");
    assertThat(record.checkpoints()).hasSize(1);
    assertThat(journal().resumable()).containsExactly("open");
    try (TestRedis.Raw raw = new TestRedis.Raw(url)) {
      long hour = Duration.ofHours(1).toMillis();
      long twoHours = Duration.ofHours(2).toMillis();
      for (String key : List.of(journal().headerKey("run-4"), journal().checkpointsKey("run-4"))) {
        assertThat(raw.redis.pttl(key)).as(key).isBetween(hour, twoHours);
      }
      // a run that has not ended never expires: it may be suspended for days
      assertThat(raw.redis.pttl(journal().headerKey("open"))).isEqualTo(-1L);
      assertThat(raw.redis.pttl(journal().checkpointsKey("open"))).isEqualTo(-1L);
    }
  }

  @Test
  void anAppendAfterTheEndOrWithoutABeginIsRefusedAndWritesNothing() {
    journal().begin(answerHeader("run-5", T0));
    journal().end("run-5", "OK");

    assertThatThrownBy(() -> journal().append("run-5", checkpoint("late", "1")))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("run-5")
        .hasMessageContaining("already ended");
    assertThatThrownBy(() -> journal().append("never-began", checkpoint("A", "1")))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("never-began")
        .hasMessageContaining("no journal");

    assertThat(journal().read("run-5").orElseThrow().checkpoints()).isEmpty();
    try (TestRedis.Raw raw = new TestRedis.Raw(url)) {
      assertThat(raw.redis.exists(journal().checkpointsKey("never-began"))).isZero();
      assertThat(raw.redis.exists(journal().headerKey("never-began"))).isZero();
    }
  }

  @Test
  void dataThatIsNotOneJsonValueIsRefusedBeforeAnythingIsWritten() {
    journal().begin(answerHeader("run-6", T0));
    for (String bad : List.of("", "not json", "{\"a\":", "1 2", "nul")) {
      assertThatThrownBy(() -> journal().append("run-6", checkpoint("A", bad)))
          .as("data %s", bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not one JSON value");
    }
    assertThat(journal().read("run-6").orElseThrow().checkpoints()).isEmpty();
  }

  @Test
  void deleteRemovesEveryKeyOfTheRun() {
    journal().begin(answerHeader("run-7", T0));
    journal().append("run-7", checkpoint("A", "1"));
    journal().begin(answerHeader("kept", T0));

    journal().delete("run-7");

    assertThat(journal().read("run-7")).isEmpty();
    assertThat(journal().resumable()).containsExactly("kept");
    try (TestRedis.Raw raw = new TestRedis.Raw(url)) {
      assertThat(raw.redis.exists(journal().headerKey("run-7"), journal().checkpointsKey("run-7")))
          .isZero();
    }
  }

  @Test
  void appendsFromManyThreadsAtOnceAreEachWholeAndNoneIsLost() throws Exception {
    journal().begin(answerHeader("fan-out", T0));
    int threads = 20;
    int each = 50;
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      workers.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      go.await();
                    } catch (InterruptedException e) {
                      return;
                    }
                    for (int i = 0; i < each; i++) {
                      String key = "Gather > Llm[" + thread + "]#" + i;
                      journal().append("fan-out", checkpoint(key, "{\"v\":\"" + key + "\"}"));
                    }
                  }));
    }
    go.countDown();
    for (Thread worker : workers) {
      worker.join(Duration.ofSeconds(30));
    }

    List<Checkpoint> read = journal().read("fan-out").orElseThrow().checkpoints();
    assertThat(read).hasSize(threads * each);
    Set<String> keys = read.stream().map(Checkpoint::key).collect(Collectors.toSet());
    assertThat(keys)
        .containsExactlyInAnyOrderElementsOf(
            IntStream.range(0, threads)
                .boxed()
                .flatMap(
                    t -> IntStream.range(0, each).mapToObj(i -> "Gather > Llm[" + t + "]#" + i))
                .toList());
    assertThat(read).allMatch(c -> c.dataJson().equals("{\"v\":\"" + c.key() + "\"}"));
    // each thread's own appends keep their order
    for (int t = 0; t < threads; t++) {
      String mine = "Gather > Llm[" + t + "]#";
      List<Integer> order =
          read.stream()
              .map(Checkpoint::key)
              .filter(k -> k.startsWith(mine))
              .map(k -> Integer.parseInt(k.substring(mine.length())))
              .toList();
      assertThat(order).isSorted();
    }
  }

  @Test
  void aRecordTaskTreeDidNotWriteIsAClearErrorNotAWrongResult() {
    journal().begin(answerHeader("run-8", T0));
    journal().append("run-8", checkpoint("A", "1"));
    try (TestRedis.Raw raw = new TestRedis.Raw(url)) {
      raw.redis.rpush(journal().checkpointsKey("run-8"), "{\"key\":\"B\",\"ok\":\"yes\"}");
    }

    assertThatThrownBy(() -> journal().read("run-8"))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("run-8")
        .hasMessageContaining("checkpoint #1")
        .hasMessageContaining("did not write");
  }

  @Test
  void whenRedisIsUnreachableEveryOperationIsAStoreExceptionNamingTheOperationAndRun() {
    RedisStore down =
        RedisStore.builder("redis://127.0.0.1:" + RedisServerProcess.freePort())
            .commandTimeout(Duration.ofMillis(300))
            .reconnectInterval(Duration.ofMillis(50))
            .build();
    others.add(down);
    RedisJournal journal = down.journal();

    assertThatThrownBy(() -> journal.begin(answerHeader("run-9", T0)))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("Redis");
    assertThatThrownBy(() -> journal.append("run-9", checkpoint("A", "1")))
        .isInstanceOf(StoreException.class);
    assertThatThrownBy(() -> journal.read("run-9")).isInstanceOf(StoreException.class);
    assertThatThrownBy(journal::resumable).isInstanceOf(StoreException.class);
    assertThatThrownBy(() -> journal.end("run-9", "OK")).isInstanceOf(StoreException.class);
  }

  @Test
  void theKeysLiveUnderTheStorePrefix() {
    assertThat(journal().headerKey("r")).isEqualTo(prefix + "journal:r:header");
    assertThat(journal().checkpointsKey("r")).isEqualTo(prefix + "journal:r:checkpoints");
    assertThat(journal().resumableKey()).isEqualTo(prefix + "journal:resumable");
    assertThat(journal().endedTtl()).isEqualTo(Duration.ofHours(2));
    assertThatThrownBy(() -> RedisStore.builder(url).endedJournalTtl(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    // a ':' would let one run's id name another run's keys
    assertThatThrownBy(() -> journal().read("a:header"))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("not a run id");
  }
}
