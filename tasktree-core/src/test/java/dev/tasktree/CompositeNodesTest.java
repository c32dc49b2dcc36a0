package dev.tasktree;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasktree.trace.InMemoryTraceSink;
import dev.tasktree.trace.Span;
import dev.tasktree.trace.Status;
import dev.tasktree.trace.Trace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CompositeNodesTest {

  private final InMemoryTraceSink traces = new InMemoryTraceSink();
  private final RunOptions options = RunOptions.defaults().withTraceSink(traces);

  @Test
  void sequenceRunsInOrderAndReturnsTheLastData() {
    Tree<Board> tree =
        Tree.<Board>named("T")
            .sequence()
            .call(b -> b.events.add("a"))
            .call(b -> b.events.add("b"))
            .call(() -> "last")
            .end()
            .build();
    Board board = new Board();
    assertThat(tree.run(board, options)).isEqualTo(Result.ok("last"));
    assertThat(board.events).containsExactly("a", "b");
  }

  @Test
  void sequenceFailsWithTheFailingChildsDataAndStopsThere() {
    Tree<Board> tree =
        Tree.<Board>named("T")
            .sequence()
            .call(() -> "fine")
            .call(() -> Result.fail("broken"))
            .call(b -> b.events.add("never"))
            .end()
            .build();
    Board board = new Board();
    assertThat(tree.run(board, options)).isEqualTo(Result.fail("broken"));
    assertThat(board.events).isEmpty();
    assertThat(traces.last().spansOfKind("Call")).hasSize(2);
  }

  @Test
  void selectorReturnsTheFirstOkAndSkipsTheRest() {
    Tree<Board> tree =
        Tree.<Board>named("T")
            .selector()
            .failure(b -> "first")
            .call(() -> "second")
            .call(b -> b.events.add("never"))
            .end()
            .build();
    Board board = new Board();
    assertThat(tree.run(board, options)).isEqualTo(Result.ok("second"));
    assertThat(board.events).isEmpty();
  }

  @Test
  void selectorFailsWithTheLastChildsData() {
    Tree<Board> tree =
        Tree.<Board>named("T")
            .selector()
            .failure(b -> "first")
            .failure(b -> "second")
            .failure(b -> "third")
            .end()
            .build();
    assertThat(tree.run(new Board(), options)).isEqualTo(Result.fail("third"));
  }

  @Test
  void parallelRunsChildrenConcurrentlyAndCollectsDataInChildOrder() throws Exception {
    CountDownLatch allStarted = new CountDownLatch(3);
    Tree<Board> tree =
        Tree.<Board>named("T")
            .parallel()
            .call(() -> awaitOthers(allStarted, "a"))
            .call(() -> awaitOthers(allStarted, "b"))
            .call(() -> awaitOthers(allStarted, "c"))
            .end()
            .build();
    // Only passes if all three run at once: each waits for the other two to start.
    assertThat(tree.run(new Board(), options)).isEqualTo(Result.ok(List.of("a", "b", "c")));
  }

  private static String awaitOthers(CountDownLatch latch, String value) throws Exception {
    latch.countDown();
    if (!latch.await(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("children did not run concurrently");
    }
    return value;
  }

  @Test
  void parallelWaitsForAllAndFailsWithTheListWhenOneFails() {
    Tree<Board> tree =
        Tree.<Board>named("T")
            .parallel()
            .call(() -> Result.fail("bad"))
            .call(b -> b.counter.incrementAndGet())
            .end()
            .build();
    Board board = new Board();
    Result result = tree.run(board, options);
    assertThat(result.isOk()).isFalse();
    assertThat(result.data()).isEqualTo(List.of("bad", 1));
    assertThat(board.counter).hasValue(1);
  }

  @Test
  void parallelRespectsItsConcurrencyLimit() {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    TreeBuilder<Board> builder = Tree.<Board>named("T").parallel(2);
    for (int i = 0; i < 8; i++) {
      builder.call(
          () -> {
            int now = running.incrementAndGet();
            peak.accumulateAndGet(now, Math::max);
            Thread.sleep(20); // the work under test: overlapping children
            running.decrementAndGet();
            return now;
          });
    }
    Tree<Board> tree = builder.end().build();
    assertThat(tree.run(new Board(), options).isOk()).isTrue();
    assertThat(peak.get()).isEqualTo(2);
  }

  @Test
  void failFastParallelCancelsTheRestAndFailsWithTheFirstFailure() {
    // The failure waits for the slow child to start: one cancelled before it starts has no span.
    CountDownLatch slowStarted = new CountDownLatch(1);
    Tree<Board> tree =
        Tree.<Board>named("T")
            .parallelFailFast()
            .call(
                () -> {
                  slowStarted.countDown();
                  Thread.sleep(10_000);
                  return "slow";
                })
            .call(
                () -> {
                  slowStarted.await();
                  return Result.fail("fast failure");
                })
            .end()
            .build();
    Result result = tree.run(new Board(), options);
    assertThat(result).isEqualTo(Result.fail("fast failure"));
    List<Span> calls = traces.last().spansOfKind("Call");
    assertThat(calls)
        .extracting(Span::status)
        .containsExactlyInAnyOrder(Status.CANCELLED, Status.FAIL);
  }

  @Test
  void raceReturnsTheFirstOkAndCancelsTheOthers() {
    AtomicInteger slowFinished = new AtomicInteger();
    CountDownLatch slowStarted = new CountDownLatch(1); // a loser cancelled unstarted has no span
    Tree<Board> tree =
        Tree.<Board>named("T")
            .race()
            .name("slow")
            .call(
                () -> {
                  slowStarted.countDown();
                  Thread.sleep(10_000);
                  slowFinished.incrementAndGet();
                  return "slow";
                })
            .name("fast")
            .call(
                () -> {
                  slowStarted.await();
                  return "fast";
                })
            .end()
            .build();
    assertThat(tree.run(new Board(), options)).isEqualTo(Result.ok("fast"));
    assertThat(slowFinished).hasValue(0);
    Trace trace = traces.last();
    Span slow = trace.spans().filter(s -> s.name().equals("slow")).findFirst().orElseThrow();
    assertThat(slow.status()).isEqualTo(Status.CANCELLED);
    assertThat(slow.attribute("tasktree.cancel_reason").asText()).contains("lost the race");
    assertThat(trace.spansOfKind("Race").getFirst().attribute("winner").asText())
        .isEqualTo("fast[1]");
  }

  @Test
  void raceSkipsFailuresAndFailsWithTheLastWhenNoneIsOk() {
    Tree<Board> tree =
        Tree.<Board>named("T")
            .race()
            .call(() -> Result.fail("quick no"))
            .call(
                () -> {
                  Thread.sleep(50);
                  return "late yes";
                })
            .end()
            .build();
    assertThat(tree.run(new Board(), options)).isEqualTo(Result.ok("late yes"));

    Tree<Board> allFail =
        Tree.<Board>named("T")
            .race()
            .call(() -> Result.fail("first"))
            .call(
                () -> {
                  Thread.sleep(50);
                  return Result.fail("last");
                })
            .end()
            .build();
    assertThat(allFail.run(new Board(), options)).isEqualTo(Result.fail("last"));
  }

  @Test
  void gatherRunsTheSubtreePerItemAndKeepsInputOrder() {
    Tree<String> perItem =
        Tree.<String>named("Shout")
            .call(
                s -> {
                  Thread.sleep(s.length() * 5L); // longer items finish later
                  return s.toUpperCase();
                })
            .build();
    Tree<Board> tree =
        Tree.<Board>named("T").gather(b -> List.of("ccccc", "a", "bbb"), perItem, 2).build();
    assertThat(tree.run(new Board(), options)).isEqualTo(Result.ok(List.of("CCCCC", "A", "BBB")));
    List<Span> items = traces.last().spansOfKind("Call");
    assertThat(items).hasSize(3);
    assertThat(traces.last().spansOfKind("Gather").getFirst().children())
        .extracting(s -> s.attribute("tasktree.index").asInt())
        .containsExactlyInAnyOrder(0, 1, 2);
  }

  @Test
  void gatherFailsWhenAnItemFailsWithEveryItemsData() {
    Tree<Integer> check =
        Tree.<Integer>named("Check").call(i -> Result.of(i % 2 == 0, i * 10)).build();
    Tree<Board> tree = Tree.<Board>named("T").gather(b -> List.of(2, 3, 4), check).build();
    assertThat(tree.run(new Board(), options)).isEqualTo(Result.fail(List.of(20, 30, 40)));
  }

  @Test
  void gatherOfNothingIsOkWithAnEmptyList() {
    Tree<Integer> check = Tree.<Integer>named("Check").call(i -> i).build();
    Tree<Board> tree = Tree.<Board>named("T").gather(b -> List.<Integer>of(), check).build();
    assertThat(tree.run(new Board(), options)).isEqualTo(Result.ok(List.of()));
  }

  @Test
  void randomSelectorFollowsItsWeightsWithTheRunsRandom() {
    Tree<Board> tree =
        Tree.<Board>named("T")
            .randomSelector(8, 1, 1)
            .call(() -> "heavy")
            .call(() -> "light1")
            .call(() -> "light2")
            .end()
            .build();
    Map<Object, Integer> counts = new HashMap<>();
    Random seeded = new Random(7);
    RunOptions seededOptions = RunOptions.defaults().withRandom(() -> seeded);
    for (int i = 0; i < 2_000; i++) {
      counts.merge(tree.run(new Board(), seededOptions).data(), 1, Integer::sum);
    }
    // Expected 80% / 10% / 10%; generous bounds keep this deterministic under the fixed seed.
    assertThat(counts.get("heavy")).isBetween(1_500, 1_700);
    assertThat(counts.get("light1")).isBetween(120, 280);
    assertThat(counts.get("light2")).isBetween(120, 280);
  }

  @Test
  void randomSelectorWithTheSameSeedRepeatsItsOrder() {
    Tree<Board> tree =
        Tree.<Board>named("T")
            .randomSelector()
            .call(() -> Result.fail("a"))
            .call(() -> Result.fail("b"))
            .call(() -> Result.fail("c"))
            .call(() -> Result.fail("d"))
            .end()
            .build();
    RunOptions seeded = options.withRandom(() -> new Random(42));
    List<Object> firstOrders = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      firstOrders.add(tree.run(new Board(), seeded).data());
    }
    assertThat(firstOrders).containsOnly(firstOrders.getFirst());
  }

  @Test
  void randomSelectorFailsClearlyWhenComputedWeightsDoNotMatch() {
    Tree<Board> tree =
        Tree.<Board>named("T")
            .randomSelector(b -> new double[] {1, 2, 3})
            .call(() -> "a")
            .call(() -> "b")
            .end()
            .build();
    Result result = tree.run(new Board(), options);
    assertThat(result.isOk()).isFalse();
    assertThat(((Exception) result.data()).getMessage())
        .contains("expects 2 weights (one per child), found 3");
  }

  @Test
  void ifRunsThenOrElseOrIsOkWithoutElse() {
    Tree<Board> withElse =
        Tree.<Board>named("T")
            .when(Board::isFlag)
            .call(() -> "then")
            .orElse()
            .call(() -> "else")
            .build();
    Board board = new Board();
    assertThat(withElse.run(board, options)).isEqualTo(Result.ok("else"));
    board.flag = true;
    assertThat(withElse.run(board, options)).isEqualTo(Result.ok("then"));

    Tree<Board> withoutElse = Tree.<Board>named("T").when(Board::isFlag).call(() -> "then").build();
    assertThat(withoutElse.run(new Board(), options)).isEqualTo(Result.ok());
    assertThat(traces.last().spansOfKind("When").getFirst().attribute("condition").asBoolean())
        .isFalse();
  }

  @Test
  void branchesOfAnIfCanBeWholeBlocks() {
    Tree<Board> tree =
        Tree.<Board>named("T")
            .when(Board::isFlag)
            .sequence()
            .call(() -> "x")
            .call(() -> "then-block")
            .end()
            .orElse()
            .sequence()
            .call(() -> "y")
            .call(() -> "else-block")
            .end()
            .build();
    assertThat(tree.run(new Board(), options)).isEqualTo(Result.ok("else-block"));
  }

  @Test
  void previousResultFlowsThroughDecoratorsAndComposites() {
    Tree<Board> tree =
        Tree.<Board>named("T")
            .sequence()
            .parallel()
            .call(() -> 1)
            .call(() -> 2)
            .end()
            .call((b, ctx) -> ctx.previous().orElseThrow().data())
            .end()
            .build();
    assertThat(tree.run(new Board(), options)).isEqualTo(Result.ok(List.of(1, 2)));
  }

  @Test
  void aTimeoutInsideParallelStillCollectsEveryChild() {
    Tree<Board> tree =
        Tree.<Board>named("T")
            .parallel()
            .timeout(Duration.ofMillis(50))
            .call(
                () -> {
                  Thread.sleep(10_000);
                  return "late";
                })
            .call(() -> "on time")
            .end()
            .build();
    Result result = tree.run(new Board(), options);
    assertThat(result.isOk()).isFalse();
    List<?> data = (List<?>) result.data();
    assertThat(data.get(0)).isInstanceOf(java.util.concurrent.TimeoutException.class);
    assertThat(data.get(1)).isEqualTo("on time");
  }
}
