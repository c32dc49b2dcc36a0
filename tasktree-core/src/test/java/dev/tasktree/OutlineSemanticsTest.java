package dev.tasktree;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasktree.trace.InMemoryTraceSink;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * Node semantics with the run's status outline ({@link Tree#outline}) as the oracle: which nodes
 * ran, how they ended, how often. Tree definitions keep their indentation.
 */
class OutlineSemanticsTest {

  private final InMemoryTraceSink sink = new InMemoryTraceSink();
  private final RunOptions options = RunOptions.defaults().withTraceSink(sink);

  private String outline(Tree<Board> tree) {
    tree.run(new Board(), options);
    return tree.outline(sink.last());
  }

  @Test
  void aSequenceStopsAtItsFirstFailure() {
    // spotless:off
    Tree<Board> tree = Tree.<Board>named("T")
        .sequence()
            .call(b -> 1)
            .failure()
            .call(b -> 3)
        .end()
        .build();
    // spotless:on
    assertThat(outline(tree))
        .isEqualTo(
            """
            T — FAIL
            └─ Sequence — FAIL
               ├─ Call — OK
               ├─ Failure — FAIL
               └─ Call — not run
            """);
  }

  @Test
  void aSelectorStopsAtItsFirstSuccess() {
    // spotless:off
    Tree<Board> tree = Tree.<Board>named("T")
        .selector()
            .failure()
            .call(b -> 2)
            .call(b -> 3)
        .end()
        .build();
    // spotless:on
    assertThat(outline(tree))
        .isEqualTo(
            """
            T — OK
            └─ Selector — OK
               ├─ Failure — FAIL
               ├─ Call — OK
               └─ Call — not run
            """);
  }

  @Test
  void aRetryRunsOneSpanPerTryUntilOk() {
    // spotless:off
    Tree<Board> tree = Tree.<Board>named("T")
        .retry(5)
            .call((b, ctx) -> ctx.attempt() < 3 ? Result.fail("again") : "done")
        .build();
    // spotless:on
    assertThat(outline(tree))
        .isEqualTo(
            """
            T — OK
            └─ Retry [5 tries, no backoff] — OK
               └─ Call — OK ×3
            """);
  }

  @Test
  void aTimeoutCancelsItsChildAndRunsTheFallback() {
    // Long enough for the slow call to have started when it fires (else it is "not run").
    // spotless:off
    Tree<Board> tree = Tree.<Board>named("T")
        .timeout(Duration.ofMillis(500))
            .sequence()
                .call(b -> { Thread.sleep(10_000); return "late"; }) // slow work, cancelled
                .call(b -> "never")
            .end()
        .fallback()
            .call(b -> "fallback")
        .build();
    // spotless:on
    assertThat(outline(tree))
        .isEqualTo(
            """
            T — OK
            └─ Timeout [500ms] — OK
               ├─ Sequence — CANCELLED
               │  ├─ Call — CANCELLED
               │  └─ Call — not run
               └─ Call — OK
            """);
  }

  @Test
  void aRaceCancelsTheLosers() {
    // The winner waits for the loser to start: a loser cancelled before it starts is "not run".
    CountDownLatch slowStarted = new CountDownLatch(1);
    // spotless:off
    Tree<Board> tree = Tree.<Board>named("T")
        .race()
            .call(b -> { slowStarted.countDown(); Thread.sleep(10_000); return "slow"; }) // cancelled
            .call(b -> { slowStarted.await(); return "fast"; })
        .end()
        .build();
    // spotless:on
    assertThat(outline(tree))
        .isEqualTo(
            """
            T — OK
            └─ Race — OK
               ├─ Call — CANCELLED
               └─ Call — OK
            """);
  }

  @Test
  void whenTakesOneBranch() {
    // spotless:off
    Tree<Board> tree = Tree.<Board>named("T")
        .when(b -> false)
            .call(b -> "then")
        .orElse()
            .name("otherwise").call(b -> "else")
        .build();
    // spotless:on
    assertThat(outline(tree))
        .isEqualTo(
            """
            T — OK
            └─ When — OK
               ├─ Call — not run
               └─ otherwise (Call) — OK
            """);
  }

  @Test
  void repeatWhileCountsItsLoopsAndParallelFailFastCancelsSiblings() {
    // The failure comes once the work started: work cancelled before it starts is "not run".
    CountDownLatch slowStarted = new CountDownLatch(1);
    // spotless:off
    Tree<Board> tree = Tree.<Board>named("T")
        .sequence()
            .repeatWhile(b -> b.count < 4, 10)
                .call(b -> ++b.count)
            .parallelFailFast()
                .call(b -> { slowStarted.countDown(); Thread.sleep(10_000); return "slow"; })
                .name("fails").call(b -> { slowStarted.await(); return Result.fail("no"); })
            .end()
        .end()
        .build();
    // spotless:on
    assertThat(outline(tree))
        .isEqualTo(
            """
            T — FAIL
            └─ Sequence — FAIL
               ├─ RepeatWhile [at most 10 loops] — OK
               │  └─ Call — OK ×4
               └─ ParallelFailFast — FAIL
                  ├─ Call — CANCELLED
                  └─ fails (Call) — FAIL
            """);
  }

  @Test
  void invertAndForceOkTransformTheirChild() {
    // spotless:off
    Tree<Board> tree = Tree.<Board>named("T")
        .sequence()
            .invert().failure()
            .forceOk().failure()
            .returning(b -> "replaced").call(b -> "original")
        .end()
        .build();
    // spotless:on
    assertThat(outline(tree))
        .isEqualTo(
            """
            T — OK
            └─ Sequence — OK
               ├─ Invert — OK
               │  └─ Failure — FAIL
               ├─ ForceOk — OK
               │  └─ Failure — FAIL
               └─ Returning — OK
                  └─ Call — OK
            """);
    assertThat(sink.last().data().asText()).isEqualTo("replaced");
  }
}
