package dev.tasktree.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tasktree.Result;
import dev.tasktree.RunHandle;
import dev.tasktree.RunOptions;
import dev.tasktree.TerminatedException;
import dev.tasktree.Tree;
import dev.tasktree.store.Signal;
import dev.tasktree.store.SignalStore;
import dev.tasktree.store.StoreException;
import dev.tasktree.trace.InMemoryTraceSink;
import dev.tasktree.trace.Span;
import dev.tasktree.trace.Status;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The termination-signal half of {@link RedisStore} on a real Redis. */
class RedisSignalTest {

  private static final Duration NEVER = Duration.ofHours(1);

  private String url;
  private String prefix;
  private TestRedis.Raw raw;
  private final List<AutoCloseable> toClose = new CopyOnWriteArrayList<>();

  /** Records what a subscription delivers. */
  static final class Recorder implements SignalStore.Listener {
    final List<Signal> signals = new CopyOnWriteArrayList<>();
    final List<StoreException> errors = new CopyOnWriteArrayList<>();

    @Override
    public void onSignal(Signal signal) {
      signals.add(signal);
    }

    @Override
    public void onError(StoreException error) {
      errors.add(error);
    }
  }

  @BeforeEach
  void connect() {
    url = TestRedis.url();
    prefix = TestRedis.uniquePrefix();
    raw = new TestRedis.Raw(url);
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (AutoCloseable closeable : toClose) {
      closeable.close();
    }
    if (raw != null) {
      raw.deleteAll(prefix);
      raw.close();
    }
  }

  private RedisStore store(Duration pollInterval) {
    return store(prefix, pollInterval);
  }

  private RedisStore store(String keyPrefix, Duration pollInterval) {
    RedisStore store =
        RedisStore.builder(url).keyPrefix(keyPrefix).pollInterval(pollInterval).build();
    toClose.add(store);
    return store;
  }

  @Test
  void raiseStoresTheReasonWithAMillisecondTtlAndClearRemovesIt() {
    Instant at = Instant.parse("2026-03-01T10:15:30.123Z");
    RedisStore store =
        RedisStore.builder(url).keyPrefix(prefix).clock(Clock.fixed(at, ZoneOffset.UTC)).build();
    toClose.add(store);

    store.raise("job-1", "user pressed stop", Duration.ofMillis(4500));

    assertThat(store.signalKey("job-1")).isEqualTo(prefix + "signal:job-1");
    assertThat(raw.redis.get(prefix + "signal:job-1"))
        .isEqualTo("{\"reason\":\"user pressed stop\",\"raisedAt\":\"2026-03-01T10:15:30.123Z\"}");
    assertThat(raw.redis.pttl(prefix + "signal:job-1"))
        .isGreaterThan(4000)
        .isLessThanOrEqualTo(4500);
    assertThat(store.check("job-1")).contains(new Signal("job-1", "user pressed stop", at));

    store.clear("job-1");
    assertThat(store.check("job-1")).isEmpty();
    assertThat(raw.redis.exists(prefix + "signal:job-1")).isZero();
  }

  @Test
  void raiseWithoutTtlUsesTheConfiguredSignalTtl() {
    RedisStore store =
        RedisStore.builder(url).keyPrefix(prefix).signalTtl(Duration.ofSeconds(30)).build();
    toClose.add(store);

    store.raise("job-2", "enough");

    assertThat(raw.redis.pttl(prefix + "signal:job-2")).isBetween(25_000L, 30_000L);
  }

  @Test
  void aSignalExpiresAfterItsTtl() {
    RedisStore store = store(NEVER);
    store.raise("brief", "soon gone", Duration.ofMillis(150));
    assertThat(store.check("brief")).isPresent();

    await().atMost(Duration.ofSeconds(3)).until(() -> store.check("brief").isEmpty());
  }

  @Test
  void aPlainSetFromAnotherClientIsReadAsTheReason() {
    RedisStore store = store(NEVER);
    raw.redis.set(prefix + "signal:cli", "stopped from redis-cli");
    raw.redis.set(prefix + "signal:blank", "   ");

    Optional<Signal> cli = store.check("cli");
    assertThat(cli).map(Signal::reason).contains("stopped from redis-cli");
    assertThat(store.check("blank"))
        .map(Signal::reason)
        .contains("signal raised (no reason given)");
  }

  @Test
  void aRaiseReachesASubscriberInAnotherStoreThroughPubSub() {
    // polling once an hour: only pub/sub can deliver within the wait below
    RedisStore watcher = store(NEVER);
    RedisStore raiser = store(NEVER);
    Recorder recorder = new Recorder();
    watcher.subscribe("job-3", recorder);
    assertThat(recorder.signals).isEmpty();

    raiser.raise("job-3", "via pub/sub", Duration.ofMinutes(1));

    await().atMost(Duration.ofSeconds(5)).until(() -> !recorder.signals.isEmpty());
    assertThat(recorder.signals)
        .singleElement()
        .extracting(Signal::reason)
        .isEqualTo("via pub/sub");
    assertThat(recorder.errors).isEmpty();
  }

  @Test
  void aPlainSetWithoutPublishIsSeenByPolling() {
    RedisStore watcher = store(Duration.ofMillis(50));
    Recorder recorder = new Recorder();
    watcher.subscribe("job-4", recorder);

    raw.redis.set(prefix + "signal:job-4", "plain SET, no PUBLISH");

    await().atMost(Duration.ofSeconds(5)).until(() -> !recorder.signals.isEmpty());
    assertThat(recorder.signals.getFirst().reason()).isEqualTo("plain SET, no PUBLISH");
  }

  @Test
  void aSignalRaisedBeforeSubscribingIsDeliveredAtOnce() {
    RedisStore store = store(NEVER);
    store.raise("early", "raised before the run started", Duration.ofMinutes(1));
    Recorder recorder = new Recorder();

    store.subscribe("early", recorder);

    // delivered during subscribe, without waiting for pub/sub or a poll
    assertThat(recorder.signals)
        .extracting(Signal::reason)
        .containsExactly("raised before the run started");
  }

  @Test
  void aWatchFiresOnceAndClosingASubscriptionStopsIt() {
    RedisStore watcher = store(Duration.ofMillis(50));
    RedisStore raiser = store(NEVER);
    Recorder once = new Recorder();
    Recorder closed = new Recorder();
    watcher.subscribe("job-5", once);
    SignalStore.Subscription subscription = watcher.subscribe("job-5", closed);
    subscription.close();
    assertThat(watcher.watchedKeys()).isEqualTo(1);

    raiser.raise("job-5", "first", Duration.ofMinutes(1));
    raiser.raise("job-5", "second", Duration.ofMinutes(1));
    await().atMost(Duration.ofSeconds(5)).until(() -> !once.signals.isEmpty());
    Recorder later = new Recorder();
    watcher.subscribe("job-5", later);
    raiser.raise("job-5", "third", Duration.ofMinutes(1));
    await().atMost(Duration.ofSeconds(5)).until(() -> watcher.watchedKeys() == 0);

    assertThat(once.signals).hasSize(1);
    assertThat(closed.signals).isEmpty();
    assertThat(later.signals).hasSize(1);
  }

  @Test
  void signalsUnderAnotherPrefixAreNotSeen() {
    RedisStore mine = store(Duration.ofMillis(50));
    RedisStore theirs = store(prefix + "other:", Duration.ofMillis(50));
    Recorder mineRecorder = new Recorder();
    Recorder theirRecorder = new Recorder();
    mine.subscribe("shared", mineRecorder);
    theirs.subscribe("shared", theirRecorder);

    theirs.raise("shared", "for them only", Duration.ofMinutes(1));
    await().atMost(Duration.ofSeconds(5)).until(() -> !theirRecorder.signals.isEmpty());
    // a plain SET under our prefix is only seen by a poll of ours, which reads "shared" too
    Recorder probe = new Recorder();
    mine.subscribe("probe", probe);
    raw.redis.set(prefix + "signal:probe", "polled");
    await().atMost(Duration.ofSeconds(5)).until(() -> !probe.signals.isEmpty());

    assertThat(mine.check("shared")).isEmpty();
    assertThat(mineRecorder.signals).isEmpty();
  }

  @Test
  void aRaiseTerminatesATerminableRunAndTheTraceShowsTheReason() throws Exception {
    RedisStore store = store(NEVER);
    RedisStore other = store(NEVER);
    InMemoryTraceSink traces = new InMemoryTraceSink();
    CountDownLatch started = new CountDownLatch(1);
    Tree<String> tree =
        Tree.<String>named("Stoppable")
            .terminable(job -> job)
            .call(
                job -> {
                  started.countDown();
                  new CountDownLatch(1).await();
                  return "not terminated";
                })
            .build();

    RunHandle handle =
        tree.start("job-6", RunOptions.defaults().withSignalStore(store).withTraceSink(traces));
    try {
      started.await();
      other.raise("job-6", "budget exhausted", Duration.ofMinutes(1));
      Optional<Result> result = handle.await(Duration.ofSeconds(10));

      assertThat(result).isPresent();
      assertThat(result.get().isOk()).isFalse();
      assertThat(result.get().data())
          .isInstanceOfSatisfying(
              TerminatedException.class, e -> assertThat(e.reason()).isEqualTo("budget exhausted"));
      Span terminable = traces.last().spansOfKind("Terminable").getFirst();
      assertThat(terminable.attribute("termination_reason").asText()).isEqualTo("budget exhausted");
      assertThat(terminable.children())
          .singleElement()
          .extracting(Span::status)
          .isEqualTo(Status.CANCELLED);
    } finally {
      handle.cancel();
    }
  }

  @Test
  void aTerminatedRunTakesItsFallback() {
    RedisStore store = store(NEVER);
    store.raise("job-7", "stopped early", Duration.ofMinutes(1));
    Tree<String> tree =
        Tree.<String>named("With fallback")
            .terminable(job -> job)
            .call(job -> "ran")
            .fallback()
            .call(job -> "fallback")
            .build();

    Result result = tree.run("job-7", RunOptions.defaults().withSignalStore(store));

    assertThat(result).isEqualTo(Result.ok("fallback"));
  }
}
