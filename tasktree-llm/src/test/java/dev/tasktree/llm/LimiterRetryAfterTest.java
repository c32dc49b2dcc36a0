package dev.tasktree.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tasktree.RateLimitedException;
import dev.tasktree.RateLimiter;
import dev.tasktree.Result;
import dev.tasktree.RunHandle;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import dev.tasktree.llm.testing.ScriptedReply;
import dev.tasktree.store.InMemoryLimiterStore;
import dev.tasktree.trace.InMemoryTraceSink;
import dev.tasktree.trace.Span;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A provider's 429 with {@code Retry-After} under a {@code .rateLimit(...)} pauses that limiter for
 * the suggested delay: the next acquires wait (or are refused) instead of sending.
 */
class LimiterRetryAfterTest extends ScriptedServerTest {

  private final InMemoryTraceSink traces = new InMemoryTraceSink();
  private final RunOptions options = RunOptions.defaults().withTraceSink(traces);

  private Tree<Chat> limited(RateLimiter limiter, String model) {
    return Tree.<Chat>named("Answer")
        .rateLimit(limiter)
        .node(Llm.chat(LlmModel.of(provider, model), Chat::messages))
        .build();
  }

  @Test
  void aRetryAfterPausesTheLimiterSoTheNextAcquiresAreRefusedUntilItHasPassed() {
    String model = "paused-" + UUID.randomUUID();
    server.script(
        model,
        ScriptedReply.error(429, "slow down").retryAfter(Duration.ofSeconds(7)),
        ScriptedReply.text("after the pause"));
    AtomicLong clock = new AtomicLong(5_000_000);
    RateLimiter limiter =
        RateLimiter.requests("rpm-" + model)
            .perMinute(1000) // plenty: only the pause can refuse
            .maxWait(Duration.ZERO)
            .store(new InMemoryLimiterStore(clock::get))
            .build();
    Tree<Chat> tree = limited(limiter, model);

    LlmError throttled = (LlmError) tree.run(new Chat("q"), options).data();
    assertThat(throttled.status()).isEqualTo(429);
    assertThat(server.requests(model)).hasSize(1);

    for (int i = 0; i < 3; i++) { // every acquire within the 7 s is refused without sending
      Result refused = tree.run(new Chat("q"), options);
      assertThat(refused.data()).isInstanceOf(RateLimitedException.class);
      assertThat(((RateLimitedException) refused.data()).suggestedRetryDelay().orElseThrow())
          .isEqualTo(Duration.ofSeconds(7));
      assertThat(LlmError.isTransient(refused.data())).isTrue();
    }
    assertThat(server.requests(model)).hasSize(1);

    clock.addAndGet(6_999);
    assertThat(tree.run(new Chat("q"), options).data()).isInstanceOf(RateLimitedException.class);
    clock.addAndGet(1);
    assertThat(((LlmReply) tree.run(new Chat("q"), options).data()).text())
        .isEqualTo("after the pause");
    assertThat(server.requests(model)).hasSize(2);
  }

  @Test
  void aLimiterThatMayWaitHoldsTheNextCallUntilTheRetryAfterHasPassed() throws Exception {
    String model = "waits-" + UUID.randomUUID();
    server.script(
        model,
        ScriptedReply.error(429, "slow down").retryAfter(Duration.ofSeconds(3)),
        ScriptedReply.text("waited"));
    RateLimiter limiter =
        RateLimiter.requests("rpm-" + model)
            .perMinute(1000)
            .maxWait(Duration.ofSeconds(30))
            .store(new InMemoryLimiterStore())
            .build();
    Tree<Chat> tree = limited(limiter, model);
    assertThat(((LlmError) tree.run(new Chat("q"), options).data()).status()).isEqualTo(429);

    RunHandle next = tree.start(new Chat("q"), options);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(server.requests(model)).hasSize(2));
    Result result = next.result().get();
    assertThat(((LlmReply) result.data()).text()).isEqualTo("waited");
    Span rateLimit = traces.last().spansOfKind("RateLimit").getFirst();
    // the second call was held by the pause, not sent at once
    assertThat(rateLimit.attribute("rate_limit_wait_ms").asLong()).isPositive();
  }

  @Test
  void aRefusalOfOurOwnTokenLimitDoesNotPauseTheRequestLimiterAroundIt() {
    String model = "own-" + UUID.randomUUID();
    server.script(model, ScriptedReply.text("ok").usage(50, 350));
    RateLimiter rpm =
        RateLimiter.requests("rpm-" + model)
            .perMinute(1000)
            .maxWait(Duration.ZERO)
            .store(new InMemoryLimiterStore())
            .build();
    RateLimiter tpm =
        RateLimiter.tokens("tpm-" + model)
            .permits(1000, Duration.ofDays(1))
            .store(new InMemoryLimiterStore())
            .build();
    Tree<Chat> tree =
        Tree.<Chat>named("Answer")
            .rateLimit(rpm)
            .rateLimit(tpm)
            .node(Llm.chat(LlmModel.of(provider, model), Chat::messages).maxTokens(600))
            .build();
    assertThat(tree.run(new Chat("q"), options).isOk()).isTrue();
    LlmError refused = (LlmError) tree.run(new Chat("q"), options).data(); // tpm: no tokens left
    assertThat(refused.refusedByPolicy()).isTrue();
    assertThat(refused.suggestedRetryDelay()).isPresent();
    // the request limiter was not paused for the token limiter's own wait
    Tree<Chat> other =
        Tree.<Chat>named("Other")
            .rateLimit(rpm)
            .node(Llm.chat(LlmModel.of(provider, model), Chat::messages))
            .build();
    assertThat(other.run(new Chat("q"), options).isOk()).isTrue();
    assertThat(server.requests(model)).hasSize(2);
  }
}
