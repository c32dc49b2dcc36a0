package dev.tasktree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tasktree.store.InMemorySignalStore;
import dev.tasktree.store.Signal;
import dev.tasktree.store.SignalStore;
import dev.tasktree.store.StoreException;
import dev.tasktree.trace.InMemoryTraceSink;
import dev.tasktree.trace.LogLevel;
import dev.tasktree.trace.Span;
import dev.tasktree.trace.Status;
import dev.tasktree.trace.Trace;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Structured cancellation: a cancelling node stops its whole subtree, at any depth, and nothing in
 * it starts or keeps running once that node has returned.
 */
class CancellationTest {

  private final InMemoryTraceSink traces = new InMemoryTraceSink();
  private final InMemorySignalStore signals = new InMemorySignalStore();
  private final RunOptions options =
      RunOptions.defaults().withTraceSink(traces).withSignalStore(signals);

  /** Interruptible busy work: counts until interrupted. */
  private static Object spin(AtomicInteger counter) throws InterruptedException {
    while (true) {
      counter.incrementAndGet();
      Thread.sleep(1);
    }
  }

  /** After the run returned, the counter must not move again. */
  private static void assertStaysStill(AtomicInteger counter) {
    int atReturn = counter.get();
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(2))
        .until(() -> counter.get() == atReturn);
  }

  private Tree<Board> underTimeout(Function<TreeBuilder<Board>, TreeBuilder<Board>> body) {
    TreeBuilder<Board> builder = Tree.<Board>named("T").timeout(Duration.ofMillis(100));
    return body.apply(builder).fallback().call(() -> "fallback").build();
  }

  @Test
  void timeoutOverSequenceStopsItAndRunsTheFallback() {
    AtomicInteger counter = new AtomicInteger();
    AtomicBoolean secondStarted = new AtomicBoolean();
    Tree<Board> tree =
        underTimeout(
            b ->
                b.sequence()
                    .call(() -> spin(counter))
                    .call(() -> secondStarted.getAndSet(true))
                    .end());
    assertThat(tree.run(new Board(), options)).isEqualTo(Result.ok("fallback"));
    assertThat(counter.get()).isPositive();
    assertStaysStill(counter);
    assertThat(secondStarted).isFalse();
  }

  @Test
  void timeoutOverSelectorDoesNotFallThroughToTheNextChild() {
    AtomicInteger counter = new AtomicInteger();
    AtomicBoolean alternativeStarted = new AtomicBoolean();
    Tree<Board> tree =
        underTimeout(
            b ->
                b.selector()
                    .call(() -> spin(counter))
                    .call(() -> alternativeStarted.getAndSet(true))
                    .end());
    assertThat(tree.run(new Board(), options)).isEqualTo(Result.ok("fallback"));
    assertStaysStill(counter);
    assertThat(alternativeStarted).isFalse();
  }

  @Test
  void timeoutOverRetryStopsTheRetries() {
    AtomicInteger attempts = new AtomicInteger();
    Tree<Board> tree =
        underTimeout(
            b ->
                b.retry(RetryPolicy.tries(1_000).backoff(Backoff.fixed(Duration.ofMillis(5))))
                    .call(
                        () -> {
                          attempts.incrementAndGet();
                          return Result.fail("again");
                        }));
    assertThat(tree.run(new Board(), options)).isEqualTo(Result.ok("fallback"));
    assertThat(attempts.get()).isBetween(2, 999);
    assertStaysStill(attempts);
  }

  @Test
  void aRetryWaitingItsBackoffIsWokenByCancellation() {
    Tree<Board> tree =
        Tree.<Board>named("T")
            .timeout(Duration.ofMillis(100))
            .retry(RetryPolicy.tries(2).backoff(Backoff.fixed(Duration.ofHours(1))))
            .call(() -> Result.fail("no"))
            .build();
    RunHandle run = tree.start(new Board(), options);
    await().atMost(Duration.ofSeconds(5)).until(run::isDone);
    assertThat(run.result().join().data()).isInstanceOf(TimeoutException.class);
    Span retry = traces.trace(run.traceId()).spansOfKind("Retry").getFirst();
    assertThat(retry.status()).isEqualTo(Status.CANCELLED);
    assertThat(retry.children()).hasSize(1);
  }

  @Test
  void timeoutOverWhileStopsTheLoop() {
    AtomicInteger loops = new AtomicInteger();
    Tree<Board> tree =
        underTimeout(
            b ->
                b.repeatWhile(board -> true, 1_000_000)
                    .call(
                        () -> {
                          loops.incrementAndGet();
                          Thread.sleep(2);
                          return "loop";
                        }));
    assertThat(tree.run(new Board(), options)).isEqualTo(Result.ok("fallback"));
    assertStaysStill(loops);
  }

  @Test
  void timeoutOverNestedParallelGatherAndRetryStopsEveryDescendant() {
    AtomicInteger counter = new AtomicInteger();
    Tree<Integer> perItem =
        Tree.<Integer>named("Item").sequence().retry(100).call(() -> spin(counter)).end().build();
    Tree<Board> tree =
        underTimeout(
            b ->
                b.parallel()
                    .call(() -> spin(counter))
                    .parallel(2)
                    .gather(board -> List.of(1, 2, 3, 4, 5, 6), perItem, 3)
                    .sequence()
                    .call(() -> spin(counter))
                    .end()
                    .end()
                    .end());
    assertThat(tree.run(new Board(), options)).isEqualTo(Result.ok("fallback"));
    assertStaysStill(counter);
    Trace trace = traces.last();
    // Nothing in the cancelled subtree ended OK or is still running.
    Span timeout = trace.spansOfKind("Timeout").getFirst();
    assertThat(timeout.children().getFirst().flatten())
        .extracting(Span::status)
        .containsOnly(Status.CANCELLED);
    // Gather items beyond the limit never started.
    assertThat(trace.spansOfKind("Gather").getFirst().children()).hasSizeLessThanOrEqualTo(3);
  }

  @Test
  void aLeafThatIgnoresInterruptsIsAbandonedAndTheCallerIsFreed() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger counter = new AtomicInteger();
    Tree<Board> tree =
        Tree.<Board>named("T")
            .timeout(Duration.ofMillis(100))
            .name("stubborn")
            .call(
                () -> {
                  while (release.getCount() > 0) {
                    counter.incrementAndGet();
                    try {
                      Thread.sleep(1);
                    } catch (InterruptedException ignored) {
                      // deliberately ignores cancellation
                    }
                  }
                  return "finally";
                })
            .fallback()
            .call(() -> "fallback")
            .build();
    try {
      assertThat(tree.run(new Board(), options)).isEqualTo(Result.ok("fallback"));
      int atReturn = counter.get();
      await().atMost(Duration.ofSeconds(2)).until(() -> counter.get() > atReturn);
      Trace trace = traces.last();
      Span stubborn =
          trace.spans().filter(s -> s.name().equals("stubborn")).findFirst().orElseThrow();
      assertThat(stubborn.status()).isEqualTo(Status.CANCELLED);
      assertThat(stubborn.attribute("tasktree.abandoned").asBoolean()).isTrue();
      assertThat(stubborn.logs()).anySatisfy(l -> assertThat(l.level()).isEqualTo(LogLevel.WARN));
    } finally {
      release.countDown();
    }
  }

  @Test
  void anInnerTimeoutCancelledFromAboveDoesNotRunItsFallback() {
    AtomicBoolean innerFallback = new AtomicBoolean();
    AtomicInteger counter = new AtomicInteger();
    Tree<Board> tree =
        Tree.<Board>named("T")
            .timeout(Duration.ofMillis(100))
            .sequence()
            .timeout(Duration.ofSeconds(30))
            .call(() -> spin(counter))
            .fallback()
            .call(() -> innerFallback.getAndSet(true))
            .end()
            .build();
    Result result = tree.run(new Board(), options);
    assertThat(result.data()).isInstanceOf(TimeoutException.class);
    assertStaysStill(counter);
    assertThat(innerFallback).isFalse();
  }

  @Test
  void terminableStopsACompositeWhenSignalledAndRunsTheFallback() {
    AtomicInteger counter = new AtomicInteger();
    Tree<Board> tree =
        Tree.<Board>named("Job")
            .terminable(b -> "stop:" + b.text)
            .sequence()
            .retry(1_000)
            .call(() -> spin(counter))
            .call(() -> "never")
            .end()
            .fallback()
            .call(() -> "stopped")
            .build();
    RunHandle run = tree.start(new Board("job-1"), options);
    await().atMost(Duration.ofSeconds(5)).until(() -> counter.get() > 5);
    signals.raise("stop:job-1", "user pressed stop", Duration.ofMinutes(1));
    assertThat(run.result().orTimeout(5, TimeUnit.SECONDS).join()).isEqualTo(Result.ok("stopped"));
    assertStaysStill(counter);
    Span terminable = traces.trace(run.traceId()).spansOfKind("Terminable").getFirst();
    assertThat(terminable.attribute("termination_reason").asText()).isEqualTo("user pressed stop");
  }

  @Test
  void terminableWithoutFallbackFailsWithTheReason() {
    signals.raise("stop:now", "shutting down", Duration.ofMinutes(1));
    AtomicBoolean started = new AtomicBoolean();
    Tree<Board> tree =
        Tree.<Board>named("Job")
            .terminable(b -> "stop:now")
            .call(() -> started.getAndSet(true))
            .build();
    Result result = tree.run(new Board(), options);
    // Raised before the node started: honoured, the child never runs.
    assertThat(started).isFalse();
    assertThat(result.data())
        .isInstanceOfSatisfying(
            TerminatedException.class, e -> assertThat(e.reason()).isEqualTo("shutting down"));
    // The signal stays: another run with the same key is stopped too (nothing deleted it).
    assertThat(signals.check("stop:now")).isPresent();
    assertThat(tree.run(new Board(), options).isOk()).isFalse();
  }

  /** A signal store that fails the way an unreachable server does. */
  private static final class BrokenSignals implements SignalStore {
    @Override
    public void raise(String key, String reason, Duration ttl) {
      throw new StoreException("down");
    }

    @Override
    public Optional<Signal> check(String key) {
      throw new StoreException("down");
    }

    @Override
    public void clear(String key) {
      throw new StoreException("down");
    }

    @Override
    public Subscription subscribe(String key, Listener listener) {
      throw new StoreException("connection refused");
    }
  }

  @Test
  void aSignalStoreErrorIsAWarningNotATermination() {
    Tree<Board> tree =
        Tree.<Board>named("Job").terminable(b -> "stop:x").call(() -> "finished").build();
    Result result = tree.run(new Board(), options.withSignalStore(new BrokenSignals()));
    assertThat(result).isEqualTo(Result.ok("finished"));
    Span terminable = traces.last().spansOfKind("Terminable").getFirst();
    assertThat(terminable.logs())
        .anySatisfy(
            l -> {
              assertThat(l.level()).isEqualTo(LogLevel.WARN);
              assertThat(l.message()).contains("connection refused").contains("not a termination");
            });
  }

  @Test
  void terminableCanBeToldToFailOnStoreErrors() {
    AtomicBoolean started = new AtomicBoolean();
    Tree<Board> tree =
        Tree.<Board>named("Job")
            .terminable(b -> "stop:x", OnStoreError.FAIL)
            .call(() -> started.getAndSet(true))
            .build();
    Result result = tree.run(new Board(), options.withSignalStore(new BrokenSignals()));
    assertThat(result.data()).isInstanceOf(StoreException.class);
    assertThat(started).isFalse();
  }

  @Test
  void cancellingARunStopsEverythingAndReadsAsCancelled() {
    AtomicInteger counter = new AtomicInteger();
    Tree<Board> tree =
        Tree.<Board>named("T")
            .parallel()
            .call(() -> spin(counter))
            .sequence()
            .call(() -> spin(counter))
            .end()
            .end()
            .build();
    RunHandle run = tree.start(new Board(), options);
    await().atMost(Duration.ofSeconds(5)).until(() -> counter.get() > 10);
    run.cancel();
    Result result = run.result().orTimeout(5, TimeUnit.SECONDS).join();
    assertThat(result.data()).isInstanceOf(CancellationException.class);
    assertStaysStill(counter);
    Trace trace = traces.trace(run.traceId());
    assertThat(trace.summary().status()).isEqualTo(Status.CANCELLED);
    assertThat(trace.spans()).extracting(Span::status).containsOnly(Status.CANCELLED);
  }

  @Test
  void onCancelHooksRunWhenTheNodeIsCancelled() throws InterruptedException {
    AtomicBoolean aborted = new AtomicBoolean();
    CountDownLatch registered = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    Tree<Board> tree =
        Tree.<Board>named("T")
            .call(
                (b, ctx) -> {
                  try (var hook = ctx.onCancel(() -> aborted.set(true))) {
                    registered.countDown();
                    never.await();
                    return "unreachable";
                  }
                })
            .build();
    // Cancelled once the hook is in place (a timeout could fire before a slow start registers it).
    RunHandle run = tree.start(new Board(), options);
    assertThat(registered.await(10, TimeUnit.SECONDS)).isTrue();
    run.cancel();
    assertThat(run.await(Duration.ofSeconds(10))).isPresent();
    assertThat(aborted).isTrue();
  }
}
