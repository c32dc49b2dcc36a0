package dev.tasktree.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasktree.BudgetExceededException;
import dev.tasktree.BulkheadFullException;
import dev.tasktree.CircuitOpenException;
import dev.tasktree.RateLimitedException;
import dev.tasktree.RejectedException;
import dev.tasktree.llm.LlmError.Category;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Every core policy refusal has an LlmError category, and transience follows it. */
class PolicyRefusalTest {

  @Test
  void eachRefusalMapsToItsCategoryAndTransience() {
    record Case(RejectedException refusal, Category category, boolean transientFailure) {}
    for (Case c :
        new Case[] {
          new Case(
              new CircuitOpenException("openai", Duration.ofSeconds(5)),
              Category.CIRCUIT_OPEN,
              false),
          new Case(
              new RateLimitedException("rpm", "no permit in 1s", Duration.ofMillis(300)),
              Category.RATE_LIMITED,
              true),
          new Case(
              new BudgetExceededException("run", "cost_usd", "over"),
              Category.BUDGET_EXCEEDED,
              false),
          new Case(new BulkheadFullException("llm", "full"), Category.BULKHEAD_FULL, true)
        }) {
      LlmError error = LlmError.refused(c.refusal(), "gpt-x");
      assertThat(error.category()).as(c.refusal().category()).isEqualTo(c.category());
      assertThat(error.category().wireName()).isEqualTo(c.refusal().category());
      assertThat(error.refusedByPolicy()).isTrue();
      assertThat(error.model()).isEqualTo("gpt-x");
      assertThat(LlmError.isTransient(error)).isEqualTo(c.transientFailure());
      // a decorator's refusal (the core exception itself) is judged the same way
      assertThat(LlmError.isTransient(c.refusal())).isEqualTo(c.transientFailure());
      assertThat(LlmFailures.countsForBreaker(error)).isFalse();
    }
    LlmError limited =
        LlmError.refused(
            new RateLimitedException("rpm", "no permit", Duration.ofMillis(300)), "gpt-x");
    assertThat(limited.suggestedRetryDelay()).contains(Duration.ofMillis(300));
    // a provider's own 429 still counts against a breaker
    assertThat(
            LlmFailures.countsForBreaker(
                new LlmError(Category.RATE_LIMITED, 429, "slow", "m", null)))
        .isTrue();
  }
}
