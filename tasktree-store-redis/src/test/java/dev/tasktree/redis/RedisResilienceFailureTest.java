package dev.tasktree.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasktree.BudgetExceededException;
import dev.tasktree.BudgetPolicy;
import dev.tasktree.CircuitBreaker;
import dev.tasktree.OnStoreError;
import dev.tasktree.RateLimiter;
import dev.tasktree.Result;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import dev.tasktree.spi.Charges;
import dev.tasktree.store.Spend;
import dev.tasktree.trace.InMemoryTraceSink;
import dev.tasktree.trace.LogLevel;
import dev.tasktree.trace.Span;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Resilience policies on a Redis that is not there (a closed loopback port): breakers and rate
 * limiters fail open with a warning; a shared budget does what the user chose.
 */
class RedisResilienceFailureTest {

  private final InMemoryTraceSink traces = new InMemoryTraceSink();
  private final RunOptions options = RunOptions.defaults().withTraceSink(traces);
  private RedisStore down;

  @BeforeEach
  void unreachable() {
    down =
        RedisStore.builder("redis://127.0.0.1:" + RedisServerProcess.freePort())
            .commandTimeout(Duration.ofMillis(500))
            .reconnectInterval(Duration.ofMillis(100))
            .build();
  }

  @AfterEach
  void close() {
    down.close();
  }

  private static boolean warned(Span span, String text) {
    return span.logs().stream()
        .anyMatch(l -> l.level() == LogLevel.WARN && l.message().contains(text));
  }

  @Test
  void aBreakerAndARateLimiterOnAnUnreachableRedisLetTheCallThroughAndWarn() {
    AtomicInteger calls = new AtomicInteger();
    CircuitBreaker breaker =
        CircuitBreaker.named("down").consecutiveFailures(1).store(down.breakers()).build();
    RateLimiter limiter = RateLimiter.requests("down").perMinute(1).store(down.limiters()).build();
    Tree<Object> tree =
        Tree.named("T")
            .breaker(breaker)
            .rateLimit(limiter)
            .call(b -> calls.incrementAndGet())
            .build();
    for (int i = 0; i < 3; i++) { // a limit of 1/min and a tripped breaker would stop these
      assertThat(tree.run(new Object(), options).isOk()).isTrue();
    }
    assertThat(calls).hasValue(3);
    Span breakerSpan = traces.last().spansOfKind("Breaker").getFirst();
    assertThat(breakerSpan.attribute("circuit_permit").asText()).isEqualTo("unchecked");
    assertThat(warned(breakerSpan, "letting the call through")).isTrue();
    assertThat(
            warned(traces.last().spansOfKind("RateLimit").getFirst(), "letting the call through"))
        .isTrue();
  }

  private Tree<Object> metered(BudgetPolicy budget, AtomicInteger sent) {
    return Tree.named("T")
        .budget(budget)
        .call(
            (b, ctx) -> {
              try (Charges.Charge charge = Charges.reserve(ctx, new Spend(0, 0, 1_000, 1))) {
                sent.incrementAndGet();
                charge.settle(new Spend(0, 0, 1_000, 1));
                return "sent";
              }
            })
        .build();
  }

  @Test
  void aSharedBudgetOnAnUnreachableRedisRefusesByDefaultOrContinuesWhenTheUserSaysSo() {
    AtomicInteger sent = new AtomicInteger();
    BudgetPolicy strict = BudgetPolicy.limits().costUsd(1).shared("t", down.budgets()).build();
    Result refused = metered(strict, sent).run(new Object(), options);
    assertThat(refused.data()).isInstanceOf(BudgetExceededException.class);
    assertThat(((BudgetExceededException) refused.data()).dimension()).isEqualTo("store");
    assertThat(sent).hasValue(0);

    BudgetPolicy lenient =
        BudgetPolicy.limits()
            .costUsd(1)
            .shared("t", down.budgets())
            .onStoreError(OnStoreError.CONTINUE)
            .build();
    assertThat(metered(lenient, sent).run(new Object(), options).isOk()).isTrue();
    assertThat(sent).hasValue(1);
    assertThat(warned(traces.last().spansOfKind("Call").getFirst(), "uncounted")).isTrue();
  }
}
