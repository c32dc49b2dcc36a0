package dev.tasktree.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The rules every {@link Journal} follows, run against the file journal in core and the Redis
 * journal in tasktree-store-redis (through core's test jar). Every test uses its own run ids, so
 * journals shared with other tests (one Redis) do not disturb it.
 */
public abstract class JournalContract {

  /** The journal under test; may be the same instance on every call. */
  protected abstract Journal journal();

  /** A fresh valid run id. */
  protected static String runId() {
    return "run-" + UUID.randomUUID();
  }

  /** A header of run {@code runId} started at {@code startedAt}. */
  protected static JournalHeader header(String runId, Instant startedAt) {
    return new JournalHeader(runId, "Tree", "f1ng3rpr1nt", "{\"kind\":\"Tree\"}", startedAt);
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS);
  }

  @Test
  void aBegunRunReadsBackItsHeaderAndNoCheckpoints() {
    String id = runId();
    JournalHeader header = header(id, now());
    journal().begin(header);
    JournalRecord record = journal().read(id).orElseThrow();
    assertThat(record.header()).isEqualTo(header);
    assertThat(record.checkpoints()).isEmpty();
    assertThat(record.endStatus()).isEmpty();
  }

  @Test
  void checkpointsReadBackInAppendOrderWithTheirStatusAndData() {
    String id = runId();
    journal().begin(header(id, now()));
    Checkpoint a = new Checkpoint("T > A | result | 1", true, "{\"answer\":\"42\"}", now());
    Checkpoint b = new Checkpoint("T > B | result | 1", false, "{\"type\":\"x\"}", now());
    Checkpoint c = new Checkpoint("T > C | model | 1", true, "null", now());
    Checkpoint unicode = new Checkpoint("T > D | tool 1 | 1", true, "\"é ✓ \\n\"", now());
    for (Checkpoint checkpoint : List.of(a, b, c, unicode)) {
      journal().append(id, checkpoint);
    }
    assertThat(journal().read(id).orElseThrow().checkpoints()).containsExactly(a, b, c, unicode);
  }

  @Test
  void beginningAgainKeepsTheFirstHeaderAndTheCheckpoints() {
    String id = runId();
    JournalHeader first = header(id, now());
    journal().begin(first);
    Checkpoint a = new Checkpoint("k | result | 1", true, "1", now());
    journal().append(id, a);
    journal().begin(header(id, now().plusSeconds(60)));
    JournalRecord record = journal().read(id).orElseThrow();
    assertThat(record.header()).isEqualTo(first);
    assertThat(record.checkpoints()).containsExactly(a);
  }

  @Test
  void anUnknownRunReadsEmpty() {
    assertThat(journal().read(runId())).isEmpty();
  }

  @Test
  void anEndedRunIsNoLongerResumableAndKeepsItsStatus() {
    String ended = runId();
    String open = runId();
    journal().begin(header(ended, now()));
    journal().begin(header(open, now()));
    journal().end(ended, "OK");
    assertThat(journal().read(ended).orElseThrow().endStatus()).contains("OK");
    assertThat(journal().resumable()).contains(open).doesNotContain(ended);
  }

  @Test
  void resumableListsRunsOldestFirst() {
    Instant t = now();
    String late = runId();
    String early = runId();
    journal().begin(header(late, t.plusSeconds(10)));
    journal().begin(header(early, t));
    assertThat(journal().resumable()).containsSubsequence(early, late);
  }

  @Test
  void deleteRemovesTheRun() {
    String id = runId();
    journal().begin(header(id, now()));
    journal().append(id, new Checkpoint("k | result | 1", true, "1", now()));
    journal().delete(id);
    assertThat(journal().read(id)).isEmpty();
    assertThat(journal().resumable()).doesNotContain(id);
  }

  @Test
  void appendsFromManyThreadsAllArriveWhole() throws Exception {
    String id = runId();
    journal().begin(header(id, now()));
    int threads = 16;
    int each = 25;
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < each; i++) {
                    journal()
                        .append(
                            id,
                            new Checkpoint(
                                "T > Gather > Item[" + thread + "] | result | " + i,
                                true,
                                "\"" + "x".repeat(200 + i) + "\"",
                                Instant.now()));
                  }
                }));
      }
      for (Future<?> future : futures) {
        future.get();
      }
    }
    List<Checkpoint> read = journal().read(id).orElseThrow().checkpoints();
    assertThat(read).hasSize(threads * each);
    Set<String> keys = new HashSet<>();
    read.forEach(c -> keys.add(c.key()));
    assertThat(keys).hasSize(threads * each);
  }

  @Test
  void runIdsThatCouldEscapeAreRefusedWithAStoreException() {
    for (String hostile : List.of("../escape", "a/b", "..", "", "a\\b", "x\u0000y", ".hidden")) {
      assertThatThrownBy(() -> journal().begin(header(hostile, now())))
          .as(hostile)
          .isInstanceOf(StoreException.class);
      assertThatThrownBy(() -> journal().read(hostile))
          .as(hostile)
          .isInstanceOf(StoreException.class);
    }
  }
}
