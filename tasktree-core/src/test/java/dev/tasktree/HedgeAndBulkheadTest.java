package dev.tasktree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tasktree.trace.InMemoryTraceSink;
import dev.tasktree.trace.Span;
import dev.tasktree.trace.Status;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Hedge and Bulkhead: which attempts run, which wins, what is cancelled, who gets a slot. */
class HedgeAndBulkheadTest {

  private final InMemoryTraceSink traces = new InMemoryTraceSink();
  private final RunOptions options = RunOptions.defaults().withTraceSink(traces);

  @Test
  void aSlowFirstAttemptLosesToTheHedgeAndIsCancelledWithItsHooks() {
    AtomicInteger attempts = new AtomicInteger();
    AtomicInteger cancelHooks = new AtomicInteger();
    Tree<Board> tree =
        Tree.<Board>named("T")
            .hedge(HedgePolicy.after(Duration.ofMillis(50)))
            .call(
                (b, ctx) -> {
                  if (attempts.incrementAndGet() == 1) {
                    ctx.onCancel(cancelHooks::incrementAndGet); // e.g. abort the HTTP call
                    new CountDownLatch(1).await(); // never answers by itself
                  }
                  return "attempt " + attempts.get();
                })
            .build();
    assertThat(tree.run(new Board(), options)).isEqualTo(Result.ok("attempt 2"));
    assertThat(cancelHooks).hasValue(1);
    Span hedge = traces.last().spansOfKind("Hedge").getFirst();
    assertThat(hedge.attribute("hedge_winner").asInt()).isEqualTo(2);
    assertThat(hedge.attribute("hedge_attempts").asInt()).isEqualTo(2);
    List<Span> tries = hedge.children();
    assertThat(tries).extracting(s -> s.attribute("hedge_attempt").asInt()).containsExactly(1, 2);
    assertThat(tries).extracting(Span::status).containsExactly(Status.CANCELLED, Status.OK);
  }

  @Test
  void aFastAnswerNeverStartsAnExtraAttempt() {
    AtomicInteger attempts = new AtomicInteger();
    Tree<Board> tree =
        Tree.<Board>named("T")
            .hedge(HedgePolicy.after(Duration.ofSeconds(5)))
            .call(b -> attempts.incrementAndGet())
            .build();
    assertThat(tree.run(new Board(), options).isOk()).isTrue();
    assertThat(attempts).hasValue(1);
    assertThat(traces.last().spansOfKind("Hedge").getFirst().attribute("hedge_attempts").asInt())
        .isEqualTo(1);
  }

  @Test
  void aFailureStartsNoExtraAttemptAndWhenAllFailTheLastFailureIsTheResult() {
    AtomicInteger attempts = new AtomicInteger();
    Tree<Board> tree =
        Tree.<Board>named("T")
            .hedge(HedgePolicy.after(Duration.ofSeconds(5)).maxExtra(3))
            .failure(b -> "failed " + attempts.incrementAndGet())
            .build();
    assertThat(tree.run(new Board(), options)).isEqualTo(Result.fail("failed 1"));
    assertThat(attempts).hasValue(1);
    Span hedge = traces.last().spansOfKind("Hedge").getFirst();
    assertThat(hedge.attribute("hedge_winner")).isNull();
  }

  @Test
  void upToMaxExtraAttemptsStartOneDelayApartAndAnyOfThemMayWin() {
    AtomicInteger attempts = new AtomicInteger();
    CountDownLatch thirdStarted = new CountDownLatch(1);
    Tree<Board> tree =
        Tree.<Board>named("T")
            .hedge(HedgePolicy.after(Duration.ofMillis(20)).maxExtra(2))
            .call(
                (b, ctx) -> {
                  int attempt = attempts.incrementAndGet();
                  if (attempt == 3) {
                    thirdStarted.countDown();
                    new CountDownLatch(1).await();
                  }
                  if (attempt == 1) {
                    thirdStarted.await(); // the first answers once the third is running
                    return "first";
                  }
                  new CountDownLatch(1).await();
                  return "never";
                })
            .build();
    assertThat(tree.run(new Board(), options)).isEqualTo(Result.ok("first"));
    assertThat(attempts).hasValue(3);
    Span hedge = traces.last().spansOfKind("Hedge").getFirst();
    assertThat(hedge.attribute("hedge_winner").asInt()).isEqualTo(1);
    assertThat(hedge.children())
        .extracting(Span::status)
        .containsExactly(Status.OK, Status.CANCELLED, Status.CANCELLED);
  }

  @Test
  void aPercentileDelayFollowsTheNodesRecentLatencies() {
    Tree<Board> tree =
        Tree.<Board>named("T")
            .hedge(
                HedgePolicy.atPercentile(90).initialDelay(Duration.ofSeconds(30)).samples(50, 10))
            .call(b -> "fast")
            .build();
    tree.run(new Board(), options);
    assertThat(traces.last().spansOfKind("Hedge").getFirst().attribute("hedge_delay_ms").asDouble())
        .isEqualTo(30_000.0);
    for (int i = 0; i < 20; i++) {
      tree.run(new Board(), options);
    }
    // answers take well under a second, so the 90th percentile is far below the initial 30 s
    assertThat(traces.last().spansOfKind("Hedge").getFirst().attribute("hedge_delay_ms").asDouble())
        .isLessThan(1_000.0);
  }

  @Test
  void aBulkheadSharesItsSlotsAcrossRunsAndRefusesWhenTheyAreTaken() throws Exception {
    String name = "llm-" + UUID.randomUUID();
    BulkheadPolicy slots = BulkheadPolicy.named(name).maxConcurrent(2).build();
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger entered = new AtomicInteger();
    // spotless:off
    Tree<Board> fanOut = Tree.<Board>named("Fan-out")
        .parallel()
          .bulkhead(slots).call((b, ctx) -> { entered.incrementAndGet(); release.await(); return 1; })
          .bulkhead(slots).call((b, ctx) -> { entered.incrementAndGet(); release.await(); return 2; })
        .end()
        .build();
    // spotless:on
    RunHandle running = fanOut.start(new Board(), RunOptions.defaults());
    await().atMost(Duration.ofSeconds(10)).until(() -> entered.get() == 2);
    assertThat(slots.available()).isZero();

    BulkheadPolicy sameSlots = BulkheadPolicy.named(name).maxConcurrent(2).build();
    AtomicInteger otherRan = new AtomicInteger();
    Tree<Board> other =
        Tree.<Board>named("Other")
            .bulkhead(sameSlots)
            .call(b -> otherRan.incrementAndGet())
            .build();
    Result refused = other.run(new Board(), options);
    assertThat(refused.data()).isInstanceOf(BulkheadFullException.class);
    assertThat(((BulkheadFullException) refused.data()).category()).isEqualTo("bulkhead_full");
    assertThat(otherRan).hasValue(0);

    release.countDown();
    assertThat(running.await().isOk()).isTrue();
    assertThat(slots.available()).isEqualTo(2);
    assertThat(other.run(new Board(), options).isOk()).isTrue();
  }

  @Test
  void aBulkheadGivesItsSlotBackWhenTheChildFailsOrIsCancelled() {
    BulkheadPolicy slots =
        BulkheadPolicy.named("one-" + UUID.randomUUID()).maxConcurrent(1).build();
    Tree<Board> failing = Tree.<Board>named("F").bulkhead(slots).failure(b -> "no").build();
    failing.run(new Board(), options);
    assertThat(slots.available()).isEqualTo(1);
    Tree<Board> slow =
        Tree.<Board>named("S")
            .timeout(Duration.ofMillis(50))
            .bulkhead(slots)
            .call(
                (b, ctx) -> {
                  new CountDownLatch(1).await();
                  return null;
                })
            .build();
    slow.run(new Board(), options);
    assertThat(slots.available()).isEqualTo(1);
  }

  @Test
  void oneBulkheadNameCannotHaveTwoLimits() {
    String name = "x-" + UUID.randomUUID();
    BulkheadPolicy.named(name).maxConcurrent(3).build();
    assertThatThrownBy(() -> BulkheadPolicy.named(name).maxConcurrent(4).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already exists with maxConcurrent 3");
  }
}
