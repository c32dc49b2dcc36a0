package dev.tasktree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tasktree.trace.InMemoryTraceSink;
import dev.tasktree.trace.Span;
import dev.tasktree.trace.Status;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DecoratorNodesTest {

  private final InMemoryTraceSink traces = new InMemoryTraceSink();
  private final RunOptions options = RunOptions.defaults().withTraceSink(traces);

  @Test
  void forceOkKeepsOrReplacesTheData() {
    assertThat(Tree.<Board>named("T").forceOk().failure(b -> "x").build().run(new Board(), options))
        .isEqualTo(Result.ok("x"));
    assertThat(
            Tree.<Board>named("T")
                .forceOk(b -> "skipped")
                .failure(b -> "x")
                .build()
                .run(new Board(), options))
        .isEqualTo(Result.ok("skipped"));
  }

  @Test
  void forceFailKeepsOrReplacesTheData() {
    assertThat(Tree.<Board>named("T").forceFail().call(() -> "x").build().run(new Board(), options))
        .isEqualTo(Result.fail("x"));
    assertThat(
            Tree.<Board>named("T")
                .forceFail(b -> "no")
                .call(() -> "x")
                .build()
                .run(new Board(), options))
        .isEqualTo(Result.fail("no"));
  }

  @Test
  void returningKeepsTheStatusAndReplacesTheData() {
    assertThat(
            Tree.<Board>named("T")
                .returning(b -> "data")
                .failure(b -> "x")
                .build()
                .run(new Board(), options))
        .isEqualTo(Result.fail("data"));
    assertThat(
            Tree.<Board>named("T")
                .returning(b -> "data")
                .call(() -> "x")
                .build()
                .run(new Board(), options))
        .isEqualTo(Result.ok("data"));
  }

  @Test
  void invertFlipsTheStatusAndKeepsTheData() {
    assertThat(Tree.<Board>named("T").invert().failure(b -> "x").build().run(new Board(), options))
        .isEqualTo(Result.ok("x"));
    assertThat(Tree.<Board>named("T").invert().call(() -> "y").build().run(new Board(), options))
        .isEqualTo(Result.fail("y"));
  }

  @Test
  void retryStopsAtTheFirstOkAndRecordsOneSpanPerAttempt() {
    Tree<Board> tree =
        Tree.<Board>named("T")
            .retry(5)
            .call(
                b -> b.counter.incrementAndGet() < 3 ? Result.fail("try again") : Result.ok("done"))
            .build();
    Board board = new Board();
    assertThat(tree.run(board, options)).isEqualTo(Result.ok("done"));
    assertThat(board.counter).hasValue(3);
    List<Span> attempts = traces.last().spansOfKind("Call");
    assertThat(attempts)
        .extracting(s -> s.attribute("tasktree.attempt").asInt())
        .containsExactly(0, 1, 2);
    assertThat(attempts)
        .extracting(Span::status)
        .containsExactly(Status.FAIL, Status.FAIL, Status.OK);
    assertThat(traces.last().spansOfKind("Retry").getFirst().attribute("attempts").asInt())
        .isEqualTo(3);
  }

  @Test
  void retryFailsWithTheLastFailureAfterMaxTries() {
    Tree<Board> tree =
        Tree.<Board>named("T")
            .retry(3)
            .call(b -> Result.fail("failure " + b.counter.incrementAndGet()))
            .build();
    assertThat(tree.run(new Board(), options)).isEqualTo(Result.fail("failure 3"));
  }

  @Test
  void retryDoesNotRetryFailuresOutsideItsPredicate() {
    Tree<Board> tree =
        Tree.<Board>named("T")
            .retry(RetryPolicy.tries(5).retryIf(data -> !"fatal".equals(data)))
            .call(b -> Result.fail(b.counter.incrementAndGet() == 2 ? "fatal" : "transient"))
            .build();
    Board board = new Board();
    assertThat(tree.run(board, options)).isEqualTo(Result.fail("fatal"));
    assertThat(board.counter).hasValue(2);
  }

  @Test
  void retryNeverSleepsAfterTheLastTry() {
    // Three tries with a one-hour wait would never finish if Retry slept after the last try...
    // ...but it does sleep between tries, so use per-try waits where only the last one is huge.
    Tree<Board> tree =
        Tree.<Board>named("T")
            .retry(
                RetryPolicy.tries(3)
                    .backoff(
                        Backoff.perTry(
                            Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofHours(1))))
            .call(() -> Result.fail("no"))
            .build();
    RunHandle run = tree.start(new Board(), options);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(run::isDone);
    assertThat(run.result().join()).isEqualTo(Result.fail("no"));
  }

  @Test
  void backoffDelaysFollowTheirShape() {
    Random random = new Random(1);
    assertThat(Backoff.none().delay(3, random)).isZero();
    assertThat(Backoff.fixed(Duration.ofMillis(200)).delay(5, random)).hasMillis(200);
    Backoff perTry = Backoff.perTry(Duration.ofMillis(10), Duration.ofMillis(20));
    assertThat(perTry.delay(0, random)).hasMillis(10);
    assertThat(perTry.delay(1, random)).hasMillis(20);
    assertThat(perTry.delay(7, random)).hasMillis(20);
    Backoff exp = Backoff.exponential(Duration.ofMillis(100), 2, Duration.ofMillis(500));
    assertThat(exp.delay(0, random)).hasMillis(100);
    assertThat(exp.delay(2, random)).hasMillis(400);
    assertThat(exp.delay(3, random)).hasMillis(500);
    Backoff jittered = Backoff.fixed(Duration.ofMillis(1000)).withJitter(0.2);
    for (int i = 0; i < 100; i++) {
      assertThat(jittered.delay(0, random).toMillis()).isBetween(800L, 1200L);
    }
    assertThatThrownBy(() -> RetryPolicy.tries(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void retryWaitsTheBackoffBetweenTries() {
    Tree<Board> tree =
        Tree.<Board>named("T")
            .retry(RetryPolicy.tries(2).backoff(Backoff.fixed(Duration.ofMillis(150))))
            .call(() -> Result.fail("no"))
            .build();
    tree.run(new Board(), options);
    List<Span> attempts = traces.last().spansOfKind("Call");
    Duration gap = Duration.between(attempts.get(0).end(), attempts.get(1).start());
    assertThat(gap).isGreaterThanOrEqualTo(Duration.ofMillis(150));
  }

  @Test
  void whileLoopsWhileTheConditionHoldsAndRecordsEachIteration() {
    Tree<Board> tree =
        Tree.<Board>named("T").repeatWhile(b -> b.count < 3).call(b -> ++b.count).build();
    Board board = new Board();
    assertThat(tree.run(board, options)).isEqualTo(Result.ok(3));
    assertThat(traces.last().spansOfKind("Call"))
        .extracting(s -> s.attribute("tasktree.attempt").asInt())
        .containsExactly(0, 1, 2);
  }

  @Test
  void whileThatNeverRunsIsOkNull() {
    Tree<Board> tree = Tree.<Board>named("T").repeatWhile(b -> false).call(() -> "x").build();
    assertThat(tree.run(new Board(), options)).isEqualTo(Result.ok());
  }

  @Test
  void whileStopsAtTheFirstFailingLoop() {
    Tree<Board> tree =
        Tree.<Board>named("T")
            .repeatWhile(b -> true)
            .call(b -> ++b.count == 2 ? Result.fail("broke") : Result.ok(b.count))
            .build();
    assertThat(tree.run(new Board(), options)).isEqualTo(Result.fail("broke"));
  }

  @Test
  void whileFailsWhenTheConditionStillHoldsAfterMaxLoops() {
    Tree<Board> tree =
        Tree.<Board>named("T").repeatWhile(b -> true, 4).call(b -> ++b.count).build();
    Board board = new Board();
    Result result = tree.run(board, options);
    assertThat(result.isOk()).isFalse();
    assertThat(((Exception) result.data()).getMessage()).contains("maximum of 4 loops");
    assertThat(board.count).isEqualTo(4);
  }

  @Test
  void timeoutReturnsTheChildResultWhenInTime() {
    Tree<Board> tree =
        Tree.<Board>named("T").timeout(Duration.ofSeconds(10)).call(() -> "quick").build();
    assertThat(tree.run(new Board(), options)).isEqualTo(Result.ok("quick"));
  }

  @Test
  void timeoutFailsWithATimeoutExceptionWithoutFallback() {
    Tree<Board> tree =
        Tree.<Board>named("T")
            .timeout(Duration.ofMillis(500)) // the call has started when it fires
            .call(
                () -> {
                  Thread.sleep(10_000);
                  return "late";
                })
            .build();
    Result result = tree.run(new Board(), options);
    assertThat(result.data()).isInstanceOf(TimeoutException.class);
    Span timeout = traces.last().spansOfKind("Timeout").getFirst();
    assertThat(timeout.status()).isEqualTo(Status.FAIL);
    assertThat(timeout.error().type()).isEqualTo(TimeoutException.class.getName());
    assertThat(timeout.attribute("timed_out").asBoolean()).isTrue();
    assertThat(traces.last().spansOfKind("Call").getFirst().status()).isEqualTo(Status.CANCELLED);
  }

  @Test
  void timeoutRunsItsFallback() {
    Tree<Board> tree =
        Tree.<Board>named("T")
            .timeout(Duration.ofMillis(500)) // the call has started when it fires
            .call(
                () -> {
                  Thread.sleep(10_000);
                  return "late";
                })
            .fallback()
            .call(() -> "fallback")
            .build();
    assertThat(tree.run(new Board(), options)).isEqualTo(Result.ok("fallback"));
    Span timeout = traces.last().spansOfKind("Timeout").getFirst();
    assertThat(timeout.children())
        .extracting(Span::status)
        .containsExactly(Status.CANCELLED, Status.OK);
    assertThat(timeout.children().get(1).path()).isEqualTo("T > Timeout > Call[1]");
  }

  @Test
  void wrapperDecidesWhetherAndHowTheChildRuns() {
    Tree<Board> twice =
        Tree.<Board>named("T")
            .wrap(
                (b, ctx, child) -> {
                  b.events.add("before");
                  Result first = child.run();
                  Result second = child.run();
                  b.events.add("after");
                  return Result.ok(List.of(first.data(), second.data()));
                })
            .call(b -> b.counter.incrementAndGet())
            .build();
    Board board = new Board();
    assertThat(twice.run(board, options)).isEqualTo(Result.ok(List.of(1, 2)));
    assertThat(board.events).containsExactly("before", "after");
    assertThat(traces.last().spansOfKind("Call")).hasSize(2);

    Tree<Board> skip =
        Tree.<Board>named("T")
            .wrap((b, ctx, child) -> Result.ok("skipped"))
            .call(b -> b.counter.incrementAndGet())
            .build();
    Board other = new Board();
    assertThat(skip.run(other, options)).isEqualTo(Result.ok("skipped"));
    assertThat(other.counter).hasValue(0);
  }

  @Test
  void wrapperThatThrowsFails() {
    Tree<Board> tree =
        Tree.<Board>named("T")
            .wrap(
                (b, ctx, child) -> {
                  throw new IllegalStateException("no permit");
                })
            .call(() -> "x")
            .build();
    Result result = tree.run(new Board(), options);
    assertThat(result.data()).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void decoratorsStack() {
    AtomicInteger calls = new AtomicInteger();
    Tree<Board> tree =
        Tree.<Board>named("T")
            .sequence()
            .invert()
            .retry(2)
            .call(() -> Result.fail(calls.incrementAndGet()))
            .call(() -> "after")
            .end()
            .build();
    assertThat(tree.run(new Board(), options)).isEqualTo(Result.ok("after"));
    assertThat(calls).hasValue(2);
    assertThat(tree.describe())
        .isEqualTo(
            """
            T
            └─ Sequence
               ├─ Invert
               │  └─ Retry [2 tries, no backoff]
               │     └─ Call
               └─ Call
            """);
  }
}
