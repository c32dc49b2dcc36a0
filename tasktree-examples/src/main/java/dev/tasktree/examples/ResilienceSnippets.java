package dev.tasktree.examples;

import dev.tasktree.BudgetPolicy;
import dev.tasktree.BulkheadPolicy;
import dev.tasktree.CircuitBreaker;
import dev.tasktree.HedgePolicy;
import dev.tasktree.RateLimiter;
import dev.tasktree.Result;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import dev.tasktree.llm.Llm;
import dev.tasktree.llm.LlmFailures;
import dev.tasktree.llm.LlmModel;
import dev.tasktree.llm.Message;
import dev.tasktree.redis.RedisStore;
import java.time.Duration;
import java.util.List;

/** The compiled examples of docs/resilience.md (checked by SnippetsTest). */
public final class ResilienceSnippets {

  private ResilienceSnippets() {}

  /** The blackboard of the snippets. */
  public static final class Ask {
    final String question;
    final String tenant;

    public Ask(String question, String tenant) {
      this.question = question;
      this.tenant = tenant;
    }

    List<Message> messages() {
      return List.of(Message.user(question));
    }
  }

  // spotless:off
  // snippet:resilience-breaker
  static Tree<Ask> withBreaker(RedisStore redis, LlmModel primary, LlmModel backup) {
    CircuitBreaker primaryHealth = CircuitBreaker.named("openai/" + primary.name())
        .failureRate(50, 20)              // half of the last 20 calls failed...
        .minimumCalls(10)                 // ...once there are at least 10
        .consecutiveFailures(5)           // or five in a row
        .cooldown(Duration.ofSeconds(30)) // then refuse for 30 s
        .halfOpenProbes(2)                // and let 2 probes through, fleet-wide
        .countFailuresIf(LlmFailures::countsForBreaker) // 5xx, 429, timeouts; not auth
        .store(redis.breakers())          // one breaker for every JVM on this Redis
        .build();
    return Tree.<Ask>named("Answer")
        .selector()
            .breaker(primaryHealth).node(Llm.chat(primary, Ask::messages))
            .node(Llm.chat(backup, Ask::messages))
        .end()
        .build();
  }
  // end-snippet

  // snippet:resilience-rate-limit
  static Tree<Ask> withRateLimits(RedisStore redis, LlmModel model) {
    RateLimiter requests = RateLimiter.requests("openai-rpm")
        .perMinute(500).burst(20)            // 500 RPM, at most 20 at once after a lull
        .maxWait(Duration.ofSeconds(5))      // wait up to 5 s, then fail with RATE_LIMITED
        .store(redis.limiters())
        .build();
    RateLimiter tokens = RateLimiter.tokens("openai-tpm")
        .perMinute(200_000)
        .maxWait(Duration.ofSeconds(5))
        .store(redis.limiters())
        .build();
    return Tree.<Ask>named("Answer")
        .rateLimit(requests)
        .rateLimit(tokens)
        .node(Llm.chat(model, Ask::messages).maxTokens(800))
        .build();
  }
  // end-snippet

  // snippet:resilience-budget
  static Tree<Ask> withBudgets(RedisStore redis, LlmModel model) {
    BudgetPolicy perRun = BudgetPolicy.limits()
        .costUsd(0.05).calls(6).wallTime(Duration.ofSeconds(30))
        .build();
    BudgetPolicy tenantDaily = BudgetPolicy.limits()
        .costUsd(20.00)
        .shared("tenant-acme", redis.budgets())   // one account for all runs, all JVMs
        .resetEvery(Duration.ofDays(1))
        .build();
    return Tree.<Ask>named("Answer")
        .budget(perRun)
        .budget(tenantDaily)
        .retry(3)
        .node(Llm.chat(model, Ask::messages).maxTokens(800))
        .build();
  }
  // end-snippet

  // snippet:resilience-run-budget
  static Result answerWithinBudget(Tree<Ask> tree, Ask ask, RunOptions options) {
    BudgetPolicy perRun = BudgetPolicy.limits()
        .inputTokens(20_000).outputTokens(4_000)
        .costUsd(0.05).calls(6).wallTime(Duration.ofSeconds(30))
        .build();
    // the whole run, as if the tree's root were wrapped in .budget(perRun)
    return tree.run(ask, options.withBudget(perRun));
  }
  // end-snippet

  // snippet:resilience-hedge
  static Tree<Ask> withHedge(LlmModel model) {
    return Tree.<Ask>named("Answer")
        .hedge(HedgePolicy.atPercentile(90)           // after this node's p90 latency...
            .initialDelay(Duration.ofSeconds(2))     // (2 s until it has 20 samples)
            .maxExtra(1))                            // ...one extra attempt
        .node(Llm.chat(model, Ask::messages))
        .build();
  }
  // end-snippet

  // snippet:resilience-bulkhead
  static Tree<Ask> withBulkhead(LlmModel model) {
    BulkheadPolicy llmSlots = BulkheadPolicy.named("llm")
        .maxConcurrent(16)                   // all runs in this JVM together
        .maxWait(Duration.ofSeconds(10))
        .build();
    return Tree.<Ask>named("Answer")
        .bulkhead(llmSlots)
        .node(Llm.chat(model, Ask::messages))
        .build();
  }
  // end-snippet
  // spotless:on
}
