package dev.tasktree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tasktree.spi.Charges;
import dev.tasktree.store.InMemoryBudgetStore;
import dev.tasktree.store.Spend;
import dev.tasktree.trace.InMemoryTraceSink;
import dev.tasktree.trace.Span;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A per-run budget in {@link RunOptions} applies to the whole run as a root Budget node would. */
class RunBudgetTest {

  private final InMemoryTraceSink traces = new InMemoryTraceSink();
  private final RunOptions options = RunOptions.defaults().withTraceSink(traces);

  /** A tree with no Budget node: up to 10 metered calls. */
  private static Tree<Board> unbudgeted(AtomicInteger sent, Spend estimate, Spend real) {
    return Tree.<Board>named("Answer")
        .repeatWhile(b -> true, 10)
        .call(
            (b, ctx) -> {
              try (Charges.Charge charge = Charges.reserve(ctx, estimate)) {
                sent.incrementAndGet();
                charge.settle(real);
                return "answer";
              }
            })
        .build();
  }

  @Test
  void aRunBudgetRefusesTheCallThatWouldNotFitAndTheTreeSpanShowsSpendAndRemaining() {
    AtomicInteger sent = new AtomicInteger();
    Tree<Board> tree = unbudgeted(sent, new Spend(0, 0, 30_000, 1), new Spend(10, 20, 25_000, 1));
    RunOptions capped = options.withBudget(BudgetPolicy.limits().costUsd(0.10).build());

    Result result = tree.run(new Board(), capped);

    assertThat(sent).hasValue(3); // 3 x 25k spent; 75k + a 30k estimate > 100k
    assertThat(result.data()).isInstanceOf(BudgetExceededException.class);
    assertThat(((BudgetExceededException) result.data()).dimension()).isEqualTo("cost_usd");
    Span run = traces.last().spansOfKind("Tree").getFirst();
    assertThat(run.attribute("budget").asText()).isEqualTo("local");
    assertThat(run.attribute("budget_spent").get("cost_usd").asDouble()).isEqualTo(0.075);
    assertThat(run.attribute("budget_spent").get("input_tokens").asLong()).isEqualTo(30);
    assertThat(run.attribute("budget_spent").get("output_tokens").asLong()).isEqualTo(60);
    assertThat(run.attribute("budget_spent").get("calls").asLong()).isEqualTo(3);
    assertThat(run.attribute("budget_remaining").get("cost_usd").asDouble()).isEqualTo(0.025);
    assertThat(run.attribute("budget_remaining").has("calls")).isFalse(); // not limited
    assertThat(traces.last().spansOfKind("Budget")).isEmpty(); // no node added to the tree

    // every run has its own account, as a root .budget(...) does
    sent.set(0);
    tree.run(new Board(), capped);
    assertThat(sent).hasValue(3);
    // and the same tree without the option runs unmetered
    sent.set(0);
    tree.run(new Board(), options);
    assertThat(sent).hasValue(10);
  }

  @Test
  void eachDimensionOfARunBudgetRefuses() {
    record Case(BudgetPolicy policy, String dimension, int fits) {}
    Spend perCall = new Spend(100, 40, 0, 1);
    for (Case c :
        new Case[] {
          new Case(BudgetPolicy.limits().inputTokens(350).build(), "input_tokens", 3),
          new Case(BudgetPolicy.limits().outputTokens(200).build(), "output_tokens", 5),
          new Case(BudgetPolicy.limits().calls(4).build(), "calls", 4)
        }) {
      AtomicInteger sent = new AtomicInteger();
      Result result =
          unbudgeted(sent, perCall, perCall)
              .start(new Board(), options.withBudget(c.policy()))
              .result()
              .join();
      assertThat(sent).as(c.dimension()).hasValue(c.fits());
      assertThat(((BudgetExceededException) result.data()).dimension()).isEqualTo(c.dimension());
    }
  }

  @Test
  void aRunBudgetsWallTimeCountsFromTheStartOfTheRun() {
    AtomicInteger sent = new AtomicInteger();
    Tree<Board> tree =
        Tree.<Board>named("T")
            .repeatWhile(b -> true, 1000)
            .call(
                (b, ctx) -> {
                  try (Charges.Charge charge = Charges.reserve(ctx, Spend.ZERO)) {
                    sent.incrementAndGet();
                    TimeUnit.MILLISECONDS.sleep(5); // the call's work
                    return "ok";
                  }
                })
            .build();
    RunOptions capped =
        options.withBudget(BudgetPolicy.limits().wallTime(Duration.ofMillis(50)).build());
    Result result = tree.run(new Board(), capped);
    assertThat(((BudgetExceededException) result.data()).dimension()).isEqualTo("wall_time");
    assertThat(sent.get()).isBetween(1, 11);
  }

  @Test
  void aRunBudgetAndABudgetInTheTreeAreBothChargedAndTheTightestRefuses() {
    AtomicInteger sent = new AtomicInteger();
    Tree<Board> inner =
        Tree.<Board>named("Inner")
            .budget(BudgetPolicy.limits().calls(6).build())
            .subtree(unbudgeted(sent, new Spend(0, 0, 0, 1), new Spend(0, 0, 0, 1)))
            .build();
    inner.run(new Board(), options.withBudget(BudgetPolicy.limits().calls(2).build()));
    assertThat(sent).hasValue(2); // the run's budget is tighter
    sent.set(0);
    inner.run(new Board(), options.withBudget(BudgetPolicy.limits().calls(9).build()));
    assertThat(sent).hasValue(6); // the tree's is tighter
    assertThat(
            traces
                .last()
                .spansOfKind("Tree")
                .getFirst()
                .attribute("budget_spent")
                .get("calls")
                .asLong())
        .isEqualTo(6);
  }

  @Test
  void aSharedRunBudgetIsOneAccountForEveryRunWithTheOptions() {
    InMemoryBudgetStore store = new InMemoryBudgetStore();
    RunOptions tenant =
        options.withBudget(BudgetPolicy.limits().calls(15).shared("tenant-7", store).build());
    AtomicInteger sent = new AtomicInteger();
    Tree<Board> tree = unbudgeted(sent, new Spend(0, 0, 0, 1), new Spend(0, 0, 0, 1));
    tree.run(new Board(), tenant);
    assertThat(tree.start(new Board(), tenant).result().join().isOk()).isFalse();
    assertThat(sent).hasValue(15);
    assertThat(store.read("tenant-7", 0).spent().calls()).isEqualTo(15);
    assertThat(traces.last().spansOfKind("Tree").getFirst().attribute("budget").asText())
        .isEqualTo("tenant-7");
  }

  @Test
  void aNullRunBudgetIsAClearErrorAndWithoutBudgetRemovesIt() {
    assertThatThrownBy(() -> options.withBudget(null)).isInstanceOf(NullPointerException.class);
    RunOptions capped = options.withBudget(BudgetPolicy.limits().calls(1).build());
    assertThat(capped.budget()).isNotNull();
    assertThat(capped.withTraceSink(traces).budget()).isSameAs(capped.budget());
    assertThat(capped.withoutBudget().budget()).isNull();
  }
}
