package dev.tasktree.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasktree.BudgetPolicy;
import dev.tasktree.CircuitBreaker;
import dev.tasktree.CircuitOpenException;
import dev.tasktree.HedgePolicy;
import dev.tasktree.RateLimiter;
import dev.tasktree.Result;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import dev.tasktree.llm.testing.ScriptedReply;
import dev.tasktree.store.InMemoryBreakerStore;
import dev.tasktree.store.InMemoryLimiterStore;
import dev.tasktree.trace.InMemoryTraceSink;
import dev.tasktree.trace.Span;
import dev.tasktree.trace.Status;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Budgets, breakers, token limits and hedging around real LLM calls on the scripted server. */
class LlmResilienceTest extends ScriptedServerTest {

  private final InMemoryTraceSink traces = new InMemoryTraceSink();
  private final RunOptions options = RunOptions.defaults().withTraceSink(traces);

  private static LlmModel priced(String name) {
    // $2 per million input tokens, $10 per million output tokens
    return LlmModel.of(provider, name).withPrices(Prices.perMillion(2, 10));
  }

  @Test
  void aCallWhoseEstimateDoesNotFitTheBudgetFailsBeforeAnythingIsSent() {
    String model = "budget-" + UUID.randomUUID();
    server.script(model, ScriptedReply.text("never"));
    // max_tokens 1000 at $10/M = $0.01 of output alone; the budget is half a cent
    BudgetPolicy budget = BudgetPolicy.limits().costUsd(0.005).build();
    Tree<Chat> tree =
        Tree.<Chat>named("Answer")
            .budget(budget)
            .node(Llm.chat(priced(model), Chat::messages).maxTokens(1000))
            .build();
    Result result = tree.run(new Chat("q"), options);
    LlmError refused = (LlmError) result.data();
    assertThat(refused.category()).isEqualTo(LlmError.Category.BUDGET_EXCEEDED);
    assertThat(refused.refusedByPolicy()).isTrue();
    assertThat(refused.message()).contains("cost_usd");
    assertThat(LlmError.isTransient(refused)).isFalse(); // retrying cannot make it fit
    assertThat(LlmFailures.countsForBreaker(refused)).isFalse();
    assertThat(server.requests(model)).isEmpty();
    Span llm = traces.last().spansOfKind("Llm").getFirst();
    assertThat(llm.status()).isEqualTo(Status.FAIL);
    assertThat(llm.attribute("budget_refused").asText()).isEqualTo("cost_usd");
  }

  @Test
  void aBudgetIsChargedTheRealUsageAndRefusesTheCallThatNoLongerFits() {
    String model = "usage-" + UUID.randomUUID();
    server.script(model, ScriptedReply.text("fine").usage(1000, 200));
    // each call estimates ~$0.001 (100 output tokens) and really costs $0.002 + $0.002 = $0.004
    BudgetPolicy budget = BudgetPolicy.limits().costUsd(0.010).build();
    Tree<Chat> tree =
        Tree.<Chat>named("Answer")
            .budget(budget)
            .repeatWhile(c -> true, 10)
            .node(Llm.chat(priced(model), Chat::messages).maxTokens(100))
            .build();
    Result result = tree.run(new Chat("q"), options);
    assertThat(((LlmError) result.data()).category()).isEqualTo(LlmError.Category.BUDGET_EXCEEDED);
    // after two calls $0.008 is spent and a third estimate ($0.001) still fits; its real $0.004
    // passes the limit (a breach of its estimate); the fourth estimate no longer fits
    assertThat(server.requests(model)).hasSize(3);
    Span node = traces.last().spansOfKind("Budget").getFirst();
    assertThat(node.attribute("budget_spent").get("cost_usd").asDouble()).isEqualTo(0.012);
    assertThat(node.attribute("budget_spent").get("input_tokens").asLong()).isEqualTo(3000);
    assertThat(node.attribute("budget_remaining").get("cost_usd").asDouble()).isEqualTo(-0.002);
    Span first = traces.last().spansOfKind("Llm").getFirst();
    assertThat(first.attribute("charge_breach").asText()).isEqualTo("input_tokens");
  }

  @Test
  void serverErrorsOpenTheBreakerSoTheChainFallsThroughWithoutCallingButAuthErrorsDoNot() {
    String down = "down-" + UUID.randomUUID();
    String backup = "backup-" + UUID.randomUUID();
    server.script(down, ScriptedReply.error(503, "overloaded"));
    server.script(backup, ScriptedReply.text("backup answers"));
    CircuitBreaker breaker =
        CircuitBreaker.named(down)
            .consecutiveFailures(2)
            .noFailureRate()
            .countFailuresIf(LlmFailures::countsForBreaker)
            .store(new InMemoryBreakerStore())
            .build();
    // spotless:off
    Tree<Chat> tree = Tree.<Chat>named("Answer")
        .selector()
          .breaker(breaker).node(Llm.chat(LlmModel.of(provider, down), Chat::messages))
          .node(Llm.chat(LlmModel.of(provider, backup), Chat::messages))
        .end()
        .build();
    // spotless:on
    for (int i = 0; i < 6; i++) {
      Result result = tree.run(new Chat("q"), options);
      assertThat(((LlmReply) result.data()).text()).isEqualTo("backup answers");
    }
    assertThat(server.requests(down)).hasSize(2); // then the breaker was open
    Span refused = traces.last().spansOfKind("Breaker").getFirst();
    assertThat(refused.error().type()).isEqualTo(CircuitOpenException.class.getName());
    Result open =
        Tree.<Chat>named("Open")
            .breaker(breaker)
            .node(Llm.chat(LlmModel.of(provider, down), Chat::messages))
            .build()
            .run(new Chat("q"), options);
    assertThat(LlmError.isTransient(open.data())).isFalse(); // fall through, do not retry

    String wrongKey = "auth-" + UUID.randomUUID();
    server.script(wrongKey, ScriptedReply.error(401, "bad key"));
    CircuitBreaker authBreaker =
        CircuitBreaker.named(wrongKey)
            .consecutiveFailures(2)
            .noFailureRate()
            .countFailuresIf(LlmFailures::countsForBreaker)
            .store(new InMemoryBreakerStore())
            .build();
    Tree<Chat> auth =
        Tree.<Chat>named("Auth")
            .breaker(authBreaker)
            .node(Llm.chat(LlmModel.of(provider, wrongKey), Chat::messages))
            .build();
    for (int i = 0; i < 4; i++) {
      auth.run(new Chat("q"), options);
    }
    assertThat(server.requests(wrongKey)).hasSize(4);
  }

  @Test
  void aTokenLimitRefusesACallWhoseTokensCannotBeHadInTime() {
    String model = "tpm-" + UUID.randomUUID();
    server.script(model, ScriptedReply.text("ok").usage(50, 350));
    RateLimiter tpm =
        RateLimiter.tokens("tpm-" + model)
            .permits(1000, Duration.ofDays(1)) // refills too slowly to matter here
            .store(new InMemoryLimiterStore())
            .build();
    Tree<Chat> tree =
        Tree.<Chat>named("Answer")
            .rateLimit(tpm)
            .node(Llm.chat(LlmModel.of(provider, model), Chat::messages).maxTokens(600))
            .build();
    // the first call reserves its estimate (prompt + 600) and is settled at its real 400 tokens
    assertThat(tree.run(new Chat("q"), options).isOk()).isTrue();
    // 600 left: the next estimate (prompt + 600) does not fit, and the limiter may not wait
    Result second = tree.run(new Chat("q"), options);
    LlmError limited = (LlmError) second.data();
    assertThat(limited.category()).isEqualTo(LlmError.Category.RATE_LIMITED);
    assertThat(limited.refusedByPolicy()).isTrue();
    assertThat(limited.status()).isZero();
    assertThat(limited.suggestedRetryDelay()).isPresent(); // when the tokens would be there
    assertThat(LlmError.isTransient(limited)).isTrue();
    // our own limiter's refusal says nothing about the provider's health
    assertThat(LlmFailures.countsForBreaker(limited)).isFalse();
    assertThat(server.requests(model)).hasSize(1);
  }

  @Test
  void aHedgedCallWinsWithTheSecondAttemptAndTheSlowRequestIsCancelled() {
    String model = "hedged-" + UUID.randomUUID();
    server.script(
        model,
        ScriptedReply.text("slow").delay(Duration.ofSeconds(30)),
        ScriptedReply.text("fast"));
    Tree<Chat> tree =
        Tree.<Chat>named("Answer")
            .hedge(HedgePolicy.after(Duration.ofMillis(200)))
            .node(Llm.chat(LlmModel.of(provider, model), Chat::messages))
            .build();
    Result result = tree.run(new Chat("q"), options);
    assertThat(((LlmReply) result.data()).text()).isEqualTo("fast");
    Span hedge = traces.last().spansOfKind("Hedge").getFirst();
    assertThat(hedge.attribute("hedge_winner").asInt()).isEqualTo(2);
    assertThat(hedge.children())
        .extracting(Span::status)
        .containsExactly(Status.CANCELLED, Status.OK);
    assertThat(server.requests(model)).hasSize(2);
  }
}
