package dev.tasktree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tasktree.spi.Charges;
import dev.tasktree.store.BreakerSpec;
import dev.tasktree.store.BreakerStore;
import dev.tasktree.store.BudgetStore;
import dev.tasktree.store.InMemoryBreakerStore;
import dev.tasktree.store.InMemoryLimiterStore;
import dev.tasktree.store.LimiterStore;
import dev.tasktree.store.Spend;
import dev.tasktree.store.StoreException;
import dev.tasktree.trace.InMemoryTraceSink;
import dev.tasktree.trace.LogLevel;
import dev.tasktree.trace.Span;
import dev.tasktree.trace.Status;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Breaker, RateLimit and BudgetPolicy nodes in one process: what runs, what fails, what the trace
 * says.
 */
class ResilienceNodesTest {

  private final InMemoryTraceSink traces = new InMemoryTraceSink();
  private final RunOptions options = RunOptions.defaults().withTraceSink(traces);
  private final AtomicLong clock = new AtomicLong(1_000_000);

  private CircuitBreaker breaker(BreakerStore store) {
    return CircuitBreaker.named("model-a-" + UUID.randomUUID())
        .consecutiveFailures(2)
        .noFailureRate()
        .cooldown(Duration.ofSeconds(10))
        .store(store)
        .build();
  }

  private Tree<Board> chain(CircuitBreaker breaker, AtomicInteger primaryCalls, boolean fails) {
    // spotless:off
    return Tree.<Board>named("Answer")
        .selector()
          .breaker(breaker)
            .call(b -> {
              primaryCalls.incrementAndGet();
              return fails ? Result.fail("provider down") : Result.ok("primary");
            })
          .call(b -> "secondary")
        .end()
        .build();
    // spotless:on
  }

  @Test
  void anOpenBreakerSkipsItsChildSoTheSelectorFallsThroughAndTheTraceShowsTheTransition() {
    CircuitBreaker breaker = breaker(new InMemoryBreakerStore(clock::get));
    AtomicInteger primary = new AtomicInteger();
    Tree<Board> tree = chain(breaker, primary, true);

    assertThat(tree.run(new Board(), options)).isEqualTo(Result.ok("secondary"));
    assertThat(tree.run(new Board(), options)).isEqualTo(Result.ok("secondary"));
    Span tripping = traces.last().spansOfKind("Breaker").getFirst();
    assertThat(tripping.attribute("circuit_transition").asText()).isEqualTo("closed->open");
    assertThat(tripping.logs()).anyMatch(l -> l.message().contains("closed -> open"));
    assertThat(primary).hasValue(2);

    for (int i = 0; i < 5; i++) {
      assertThat(tree.run(new Board(), options)).isEqualTo(Result.ok("secondary"));
    }
    assertThat(primary).hasValue(2); // open: the child never ran again
    Span refused = traces.last().spansOfKind("Breaker").getFirst();
    assertThat(refused.status()).isEqualTo(Status.FAIL);
    assertThat(refused.attribute("circuit_permit").asText()).isEqualTo("refused");
    assertThat(refused.children()).isEmpty();
    assertThat(refused.error().type()).isEqualTo(CircuitOpenException.class.getName());
  }

  @Test
  void afterTheCooldownAProbeRunsAndItsSuccessClosesTheBreaker() {
    BreakerStore store = new InMemoryBreakerStore(clock::get);
    CircuitBreaker breaker = breaker(store);
    AtomicInteger calls = new AtomicInteger();
    AtomicInteger failUntil = new AtomicInteger(2);
    Tree<Board> tree =
        Tree.<Board>named("T")
            .breaker(breaker)
            .call(b -> calls.incrementAndGet() <= failUntil.get() ? Result.fail("down") : "up")
            .build();
    tree.run(new Board(), options);
    tree.run(new Board(), options);
    Result refused = tree.run(new Board(), options);
    assertThat(refused.data()).isInstanceOf(CircuitOpenException.class);
    assertThat(((CircuitOpenException) refused.data()).category()).isEqualTo("circuit_open");
    assertThat(((CircuitOpenException) refused.data()).suggestedRetryDelay()).isPresent();

    // the breaker remembers locally until the cooldown; the test clock moves the store only, so
    // make a fresh breaker object on the same store and name to ask the store again
    clock.addAndGet(10_001);
    CircuitBreaker sameBreaker =
        CircuitBreaker.named(breaker.name())
            .consecutiveFailures(2)
            .noFailureRate()
            .cooldown(Duration.ofSeconds(10))
            .store(store)
            .build();
    Tree<Board> again =
        Tree.<Board>named("T").breaker(sameBreaker).call(b -> calls.incrementAndGet()).build();
    assertThat(again.run(new Board(), options).isOk()).isTrue();
    Span probe = traces.last().spansOfKind("Breaker").getFirst();
    assertThat(probe.attribute("circuit_permit").asText()).isEqualTo("probe");
    assertThat(probe.attribute("circuit_transition").asText()).isEqualTo("half_open->closed");
    assertThat(again.run(new Board(), options).isOk()).isTrue();
    assertThat(traces.last().spansOfKind("Breaker").getFirst().attribute("circuit_permit").asText())
        .isEqualTo("closed");
  }

  @Test
  void failuresTheBreakerIsToldNotToCountNeverOpenIt() {
    CircuitBreaker breaker =
        CircuitBreaker.named("auth-" + UUID.randomUUID())
            .consecutiveFailures(1)
            .noFailureRate()
            .countFailuresIf(data -> !"auth".equals(data))
            .store(new InMemoryBreakerStore())
            .build();
    Tree<Board> tree = Tree.<Board>named("T").breaker(breaker).failure(b -> "auth").build();
    for (int i = 0; i < 5; i++) {
      assertThat(tree.run(new Board(), options)).isEqualTo(Result.fail("auth"));
    }
    assertThat(breaker.knownOpen()).isFalse();
  }

  @Test
  void aBreakerWhoseStoreFailsLetsTheCallThroughAndWarns() {
    BreakerStore broken =
        new BreakerStore() {
          @Override
          public Decision acquire(String name, BreakerSpec spec) {
            throw new StoreException("redis unreachable");
          }

          @Override
          public Decision record(String name, BreakerSpec spec, boolean failure, boolean probe) {
            throw new StoreException("redis unreachable");
          }
        };
    AtomicInteger calls = new AtomicInteger();
    Tree<Board> tree = chain(breaker(broken), calls, false);
    assertThat(tree.run(new Board(), options)).isEqualTo(Result.ok("primary"));
    Span span = traces.last().spansOfKind("Breaker").getFirst();
    assertThat(span.attribute("circuit_permit").asText()).isEqualTo("unchecked");
    assertThat(span.logs())
        .anyMatch(l -> l.level() == LogLevel.WARN && l.message().contains("redis unreachable"));
  }

  @Test
  void aBreakerNeedsARuleToOpen() {
    assertThatThrownBy(() -> CircuitBreaker.named("x").noFailureRate().build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no rule to open it");
    assertThatThrownBy(() -> CircuitBreaker.named(" "))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ---------------------------------------------------------------- rate limit

  @Test
  void aRateLimitRefusesWithRateLimitedWhenThePermitIsNotThereInTimeAndTheChildDoesNotRun() {
    RateLimiter limiter =
        RateLimiter.requests("rpm-" + UUID.randomUUID())
            .permits(2, Duration.ofMinutes(1))
            .store(new InMemoryLimiterStore(clock::get))
            .build();
    AtomicInteger calls = new AtomicInteger();
    Tree<Board> tree =
        Tree.<Board>named("T").rateLimit(limiter).call(b -> calls.incrementAndGet()).build();
    assertThat(tree.run(new Board(), options).isOk()).isTrue();
    assertThat(tree.run(new Board(), options).isOk()).isTrue();
    Result third = tree.run(new Board(), options);
    assertThat(third.data()).isInstanceOf(RateLimitedException.class);
    assertThat(((RateLimitedException) third.data()).suggestedRetryDelay().orElseThrow())
        .isBetween(Duration.ofSeconds(29), Duration.ofSeconds(30));
    assertThat(calls).hasValue(2);
    clock.addAndGet(30_000); // one permit back
    assertThat(tree.run(new Board(), options).isOk()).isTrue();
  }

  @Test
  void aRateLimitWaitsWithinItsBoundAndRecordsTheWait() {
    RateLimiter limiter =
        RateLimiter.requests("rps-" + UUID.randomUUID())
            .permits(20, Duration.ofSeconds(1))
            .burst(1)
            .maxWait(Duration.ofSeconds(1))
            .store(new InMemoryLimiterStore())
            .build();
    Tree<Board> tree = Tree.<Board>named("T").rateLimit(limiter).call(b -> "ok").build();
    tree.run(new Board(), options);
    assertThat(tree.run(new Board(), options).isOk()).isTrue();
    long waited =
        traces.last().spansOfKind("RateLimit").getFirst().attribute("rate_limit_wait_ms").asLong();
    assertThat(waited).isBetween(1L, 50L);
  }

  @Test
  void aRefusalSuggestsTheEarliestMomentARetryCanGetThePermitsNotTheFullWait() {
    // one permit per second, none stored ahead, callers wait up to 2 s: the first three calls get
    // permits at 0, 1 and 2 s; the fourth would wait 3 s and is refused
    InMemoryLimiterStore store = new InMemoryLimiterStore(clock::get);
    RateLimiter limiter =
        RateLimiter.requests("rps-" + UUID.randomUUID())
            .perMinute(60)
            .burst(1)
            .maxWait(Duration.ofSeconds(2))
            .store(store)
            .build();
    LimiterStore.Spec spec = limiter.spec();
    for (int i = 0; i < 3; i++) {
      assertThat(store.acquire(limiter.name(), spec, 1, 2000)).isBetween(0L, 2000L);
    }
    Tree<Board> tree = Tree.<Board>named("T").rateLimit(limiter).call(b -> "ok").build();
    Result refused = tree.run(new Board(), options);
    Duration suggested =
        ((RateLimitedException) refused.data()).suggestedRetryDelay().orElseThrow();
    // a retry 1 s later waits 2 s: within the bound. Suggesting the full 3 s wait instead lets
    // every caller that asks in between take the permit first
    assertThat(suggested).isEqualTo(Duration.ofSeconds(1));
    clock.addAndGet(suggested.toMillis() - 1);
    assertThat(store.acquire(limiter.name(), spec, 1, 2000)).isNegative(); // not a moment earlier
    clock.addAndGet(1);
    assertThat(store.acquire(limiter.name(), spec, 1, 2000)).isEqualTo(2000L);
  }

  /** A failure that says when to try again, like an HTTP 429 with Retry-After. */
  record Throttled(Duration after) implements SuggestsRetryDelay {
    @Override
    public Optional<Duration> suggestedRetryDelay() {
      return Optional.of(after);
    }
  }

  @Test
  void aFailureWithRetryAfterPausesTheLimiterForEveryone() {
    InMemoryLimiterStore store = new InMemoryLimiterStore(clock::get);
    RateLimiter limiter =
        RateLimiter.requests("rpm-" + UUID.randomUUID()).perMinute(1000).store(store).build();
    Tree<Board> throttled =
        Tree.<Board>named("T")
            .rateLimit(limiter)
            .failure(b -> new Throttled(Duration.ofSeconds(7)))
            .build();
    throttled.run(new Board(), options);
    Tree<Board> other = Tree.<Board>named("U").rateLimit(limiter).call(b -> "ok").build();
    Result refused = other.run(new Board(), options);
    assertThat(refused.data()).isInstanceOf(RateLimitedException.class);
    assertThat(((RateLimitedException) refused.data()).suggestedRetryDelay().orElseThrow())
        .isEqualTo(Duration.ofSeconds(7));
    clock.addAndGet(7_000);
    assertThat(other.run(new Board(), options).isOk()).isTrue();
  }

  @Test
  void aTokenLimitChargesTheEstimateAndSettlesTheRealCount() {
    InMemoryLimiterStore store = new InMemoryLimiterStore(clock::get);
    RateLimiter tpm =
        RateLimiter.tokens("tpm-" + UUID.randomUUID()).perMinute(1000).store(store).build();
    Tree<Board> tree =
        Tree.<Board>named("T")
            .rateLimit(tpm)
            .call(
                (b, ctx) -> {
                  try (Charges.Charge charge = Charges.reserve(ctx, new Spend(100, 500, 0, 1))) {
                    charge.settle(new Spend(100, 100, 0, 1)); // used 200 of the 600 estimated
                    return "ok";
                  }
                })
            .build();
    assertThat(tree.run(new Board(), options).isOk()).isTrue();
    // 800 tokens left: one more 600-token estimate fits, a second does not
    assertThat(store.acquire(tpm.name(), tpm.spec(), 800, 0)).isZero();
    assertThat(store.acquire(tpm.name(), tpm.spec(), 1, 0)).isNegative();
  }

  // ---------------------------------------------------------------- budget

  private static Tree<Board> metered(
      BudgetPolicy budget, AtomicInteger sent, Spend estimate, Spend real) {
    return Tree.<Board>named("Answer")
        .budget(budget)
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
  void aCallThatWouldNotFitIsRefusedBeforeItIsSentAndTheTraceShowsSpendAndRemaining() {
    BudgetPolicy budget = BudgetPolicy.limits().costUsd(0.10).build(); // $0.10 per run
    AtomicInteger sent = new AtomicInteger();
    Tree<Board> tree =
        metered(budget, sent, new Spend(0, 0, 30_000, 1), new Spend(10, 20, 25_000, 1));
    Result result = tree.run(new Board(), options);
    // 30k estimates: 3 fit (spent 25k each: after 3 calls 75k spent; 75k + 30k > 100k)
    assertThat(sent).hasValue(3);
    assertThat(result.data()).isInstanceOf(BudgetExceededException.class);
    BudgetExceededException refused = (BudgetExceededException) result.data();
    assertThat(refused.dimension()).isEqualTo("cost_usd");
    assertThat(refused.category()).isEqualTo("budget_exceeded");
    Span node = traces.last().spansOfKind("Budget").getFirst();
    assertThat(node.attribute("budget_spent").get("cost_usd").asDouble()).isEqualTo(0.075);
    assertThat(node.attribute("budget_spent").get("calls").asLong()).isEqualTo(3);
    assertThat(node.attribute("budget_remaining").get("cost_usd").asDouble()).isEqualTo(0.025);
    // each run has its own account
    sent.set(0);
    tree.run(new Board(), options);
    assertThat(sent).hasValue(3);
  }

  @Test
  void aCallOverItsEstimateIsRecordedAsABreach() {
    BudgetPolicy budget = BudgetPolicy.limits().calls(1).build();
    AtomicInteger sent = new AtomicInteger();
    metered(budget, sent, new Spend(0, 10, 0, 1), new Spend(0, 15, 0, 1)).run(new Board(), options);
    Span call = traces.last().spansOfKind("Call").getFirst();
    assertThat(call.attribute("charge_breach").asText()).isEqualTo("output_tokens");
    assertThat(call.logs()).anyMatch(l -> l.level() == LogLevel.WARN);
  }

  @Test
  void nestedBudgetsAreAllChargedAndTheTightestRefuses() {
    BudgetStore shared = new dev.tasktree.store.InMemoryBudgetStore();
    BudgetPolicy tenant = BudgetPolicy.limits().calls(2).shared("tenant", shared).build();
    BudgetPolicy perRun = BudgetPolicy.limits().calls(5).build();
    AtomicInteger sent = new AtomicInteger();
    Tree<Board> tree =
        Tree.<Board>named("T")
            .budget(perRun)
            .subtree(metered(tenant, sent, new Spend(0, 0, 0, 1), new Spend(0, 0, 0, 1)))
            .build();
    tree.run(new Board(), options);
    assertThat(sent).hasValue(2);
    assertThat(shared.read("tenant", 0).spent().calls()).isEqualTo(2);
    assertThat(shared.read("tenant", 0).reserved()).isEqualTo(Spend.ZERO);
  }

  @Test
  void aSharedBudgetWhoseStoreFailsRefusesOrContinuesAsTheUserChose() {
    BudgetStore broken =
        new BudgetStore() {
          @Override
          public Outcome reserve(String n, Spend l, long p, Spend e, long lease) {
            throw new StoreException("redis unreachable");
          }

          @Override
          public Outcome settle(String n, String r, Spend a) {
            throw new StoreException("redis unreachable");
          }

          @Override
          public Outcome read(String n, long p) {
            throw new StoreException("redis unreachable");
          }
        };
    AtomicInteger sent = new AtomicInteger();
    BudgetPolicy strict = BudgetPolicy.limits().costUsd(1).shared("t", broken).build();
    Result refused = metered(strict, sent, Spend.ZERO, Spend.ZERO).run(new Board(), options);
    assertThat(refused.data()).isInstanceOf(BudgetExceededException.class);
    assertThat(sent).hasValue(0);

    BudgetPolicy lenient =
        BudgetPolicy.limits()
            .costUsd(1)
            .shared("t", broken)
            .onStoreError(OnStoreError.CONTINUE)
            .build();
    metered(lenient, sent, Spend.ZERO, Spend.ZERO).run(new Board(), options);
    assertThat(sent).hasValue(10);
    assertThat(traces.last().spansOfKind("Call").getFirst().logs())
        .anyMatch(l -> l.level() == LogLevel.WARN && l.message().contains("uncounted"));
  }

  @Test
  void aWallTimeBudgetRefusesCallsThatStartAfterIt() throws Exception {
    BudgetPolicy budget = BudgetPolicy.limits().wallTime(Duration.ofMillis(50)).build();
    AtomicInteger sent = new AtomicInteger();
    Tree<Board> tree =
        Tree.<Board>named("T")
            .budget(budget)
            .repeatWhile(b -> true, 1000)
            .call(
                (b, ctx) -> {
                  try (Charges.Charge charge = Charges.reserve(ctx, Spend.ZERO)) {
                    sent.incrementAndGet();
                    Thread.sleep(5); // the call's work: it uses up the wall-time budget, not a wait
                    return "ok";
                  }
                })
            .build();
    Result result = tree.run(new Board(), options);
    assertThat(((BudgetExceededException) result.data()).dimension()).isEqualTo("wall_time");
    assertThat(sent.get()).isBetween(1, 11);
  }

  @Test
  void withoutMetersAChargeDoesNothing() throws Exception {
    Tree<Board> tree =
        Tree.<Board>named("T")
            .call(
                (b, ctx) -> {
                  try (Charges.Charge c = Charges.reserve(ctx, new Spend(1, 1, 1, 1))) {
                    c.settle(new Spend(9, 9, 9, 9));
                    return "ok";
                  }
                })
            .build();
    assertThat(tree.run(new Board(), options)).isEqualTo(Result.ok("ok"));
    assertThat(traces.last().spansOfKind("Call").getFirst().attribute("charge_breach")).isNull();
  }
}
