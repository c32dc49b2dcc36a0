package dev.tasktree.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tasktree.store.BreakerStore.Decision;
import dev.tasktree.store.BreakerStore.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The rules every breaker, limiter and budget store follows, run against the in-memory stores in
 * core and the Redis stores in tasktree-store-redis. Time-dependent rules use short real periods
 * (the Redis stores run on the server's clock) and Awaitility.
 */
public abstract class ResilienceStoreContract {

  protected abstract BreakerStore breakers();

  protected abstract LimiterStore limiters();

  protected abstract BudgetStore budgets();

  private static String unique(String what) {
    return what + "-" + UUID.randomUUID();
  }

  private static BreakerSpec consecutive(int failures, long cooldownMillis, int probes) {
    return new BreakerSpec(false, 10, 1, 0, failures, cooldownMillis, probes);
  }

  // ---------------------------------------------------------------- breaker

  @Test
  void breakerOpensAfterConsecutiveFailuresAndRejectsUntilTheCooldown() {
    String name = unique("b");
    BreakerSpec spec = consecutive(3, 60_000, 1);
    BreakerStore store = breakers();
    for (int i = 0; i < 2; i++) {
      assertThat(store.acquire(name, spec).verdict()).isEqualTo(Verdict.PERMIT);
      assertThat(store.record(name, spec, true, false).state()).isEqualTo(CircuitState.CLOSED);
    }
    store.acquire(name, spec);
    Decision opened = store.record(name, spec, true, false);
    assertThat(opened.state()).isEqualTo(CircuitState.OPEN);
    assertThat(opened.previous()).isEqualTo(CircuitState.CLOSED);
    assertThat(opened.changed()).isTrue();
    assertThat(opened.retryAfterMillis()).isBetween(50_000L, 60_000L);
    Decision rejected = store.acquire(name, spec);
    assertThat(rejected.verdict()).isEqualTo(Verdict.REJECT);
    assertThat(rejected.changed()).isFalse();
  }

  @Test
  void aSuccessResetsTheConsecutiveCount() {
    String name = unique("b");
    BreakerSpec spec = consecutive(2, 60_000, 1);
    BreakerStore store = breakers();
    store.record(name, spec, true, false);
    store.record(name, spec, false, false);
    assertThat(store.record(name, spec, true, false).state()).isEqualTo(CircuitState.CLOSED);
    assertThat(store.record(name, spec, true, false).state()).isEqualTo(CircuitState.OPEN);
  }

  @Test
  void failureRateCountsOnlyOnceTheWindowHasMinimumCallsAndForgetsOldCalls() {
    String name = unique("b");
    // last 4 calls, at least 4 of them, 50 % opens
    BreakerSpec spec = new BreakerSpec(false, 4, 4, 50, 0, 60_000, 1);
    BreakerStore store = breakers();
    assertThat(store.record(name, spec, true, false).state()).isEqualTo(CircuitState.CLOSED);
    assertThat(store.record(name, spec, false, false).state()).isEqualTo(CircuitState.CLOSED);
    assertThat(store.record(name, spec, false, false).state()).isEqualTo(CircuitState.CLOSED);
    // window [F,S,S,S] = 25 %
    assertThat(store.record(name, spec, false, false).state()).isEqualTo(CircuitState.CLOSED);
    // the first failure slid out: [S,S,S,F] = 25 %
    assertThat(store.record(name, spec, true, false).state()).isEqualTo(CircuitState.CLOSED);
    // [S,S,F,F] = 50 %
    assertThat(store.record(name, spec, true, false).state()).isEqualTo(CircuitState.OPEN);
  }

  @Test
  void timeWindowJudgesTheCallsOfTheLastSeconds() {
    String name = unique("b");
    BreakerSpec spec = new BreakerSpec(true, 60, 3, 100, 0, 60_000, 1);
    BreakerStore store = breakers();
    store.record(name, spec, true, false);
    store.record(name, spec, true, false);
    assertThat(store.record(name, spec, true, false).state()).isEqualTo(CircuitState.OPEN);
  }

  @Test
  void afterTheCooldownOnlyTheProbeLimitGoesThroughAndSuccessfulProbesClose() {
    String name = unique("b");
    BreakerSpec spec = consecutive(1, 300, 2);
    BreakerStore store = breakers();
    store.record(name, spec, true, false);
    assertThat(store.acquire(name, spec).verdict()).isEqualTo(Verdict.REJECT);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> store.acquire(name, spec).verdict() == Verdict.PROBE);
    assertThat(store.acquire(name, spec).verdict()).isEqualTo(Verdict.PROBE);
    Decision third = store.acquire(name, spec);
    assertThat(third.verdict()).isEqualTo(Verdict.REJECT);
    assertThat(third.state()).isEqualTo(CircuitState.HALF_OPEN);
    // a late result of a call let through while closed changes nothing
    assertThat(store.record(name, spec, true, false).state()).isEqualTo(CircuitState.HALF_OPEN);
    assertThat(store.record(name, spec, false, true).state()).isEqualTo(CircuitState.HALF_OPEN);
    Decision closed = store.record(name, spec, false, true);
    assertThat(closed.state()).isEqualTo(CircuitState.CLOSED);
    assertThat(closed.previous()).isEqualTo(CircuitState.HALF_OPEN);
    assertThat(store.acquire(name, spec).verdict()).isEqualTo(Verdict.PERMIT);
  }

  @Test
  void aFailedProbeReopensForAFullCooldown() {
    String name = unique("b");
    BreakerSpec spec = consecutive(1, 300, 1);
    BreakerStore store = breakers();
    store.record(name, spec, true, false);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> store.acquire(name, spec).verdict() == Verdict.PROBE);
    Decision reopened = store.record(name, spec, true, true);
    assertThat(reopened.state()).isEqualTo(CircuitState.OPEN);
    assertThat(reopened.previous()).isEqualTo(CircuitState.HALF_OPEN);
    assertThat(reopened.retryAfterMillis()).isBetween(200L, 300L);
    assertThat(store.acquire(name, spec).verdict()).isEqualTo(Verdict.REJECT);
  }

  @Test
  void concurrentAcquirersGetNoMoreProbesThanTheLimit() throws Exception {
    String name = unique("b");
    BreakerSpec spec = consecutive(1, 200, 3);
    BreakerStore store = breakers();
    store.record(name, spec, true, false);
    await().atMost(Duration.ofSeconds(5)).pollDelay(Duration.ofMillis(250)).until(() -> true);
    List<Callable<Verdict>> callers = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      callers.add(() -> store.acquire(name, spec).verdict());
    }
    try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
      long probes = 0;
      for (Future<Verdict> f : pool.invokeAll(callers)) {
        if (f.get() == Verdict.PROBE) {
          probes++;
        } else {
          assertThat(f.get()).isEqualTo(Verdict.REJECT);
        }
      }
      assertThat(probes).isEqualTo(3);
    }
  }

  // ---------------------------------------------------------------- limiter

  @Test
  void aBucketHandsOutItsBurstAtOnceThenReservesAheadWithinTheBound() {
    String name = unique("l");
    // 10 per minute (one every 6 s), burst 3: slow enough that a loaded machine's pauses between
    // the calls (up to a second) cannot refill a token and change the answers
    LimiterStore.Spec spec = new LimiterStore.Spec(10, 60_000, 3);
    LimiterStore store = limiters();
    for (int i = 0; i < 3; i++) {
      assertThat(store.acquire(name, spec, 1, 0)).isZero();
    }
    assertThat(store.acquire(name, spec, 1, 0)).isNegative(); // would need ~6 s
    long wait = store.acquire(name, spec, 1, 60_000);
    assertThat(wait).isBetween(1L, 6_000L);
    long next = store.acquire(name, spec, 1, 60_000);
    // queued behind the first reservation (+1: a store rounds each wait up to a whole millisecond)
    assertThat(next).isBetween(wait + 5_000, wait + 6_001);
    long refused = store.acquire(name, spec, 50, 60_000);
    assertThat(refused).isLessThan(-60_000); // 50 tokens need 5 min: refused, nothing taken
    assertThat(store.acquire(name, spec, 1, 60_000)).isBetween(next + 5_000, next + 6_001);
  }

  @Test
  void aPauseHoldsEveryAcquireAndAdjustGivesTokensBack() {
    String name = unique("l");
    LimiterStore.Spec spec = new LimiterStore.Spec(1000, 1000, 100);
    LimiterStore store = limiters();
    store.pause(name, spec, 2000);
    long wait = store.acquire(name, spec, 1, 5000);
    assertThat(wait).isBetween(1500L, 2000L);
    assertThat(store.acquire(name, spec, 1, 100)).isNegative();

    String other = unique("l");
    LimiterStore.Spec slow = new LimiterStore.Spec(1, 60_000, 10); // refills 1 a minute
    assertThat(store.acquire(other, slow, 10, 0)).isZero();
    assertThat(store.acquire(other, slow, 1, 0)).isNegative();
    store.adjust(other, slow, -4); // the estimate was 4 too high
    assertThat(store.acquire(other, slow, 4, 0)).isZero();
    assertThat(store.acquire(other, slow, 1, 0)).isNegative();
    store.adjust(other, slow, -1000); // never more than the burst
    assertThat(store.acquire(other, slow, 10, 0)).isZero();
    assertThat(store.acquire(other, slow, 1, 0)).isNegative();
  }

  // ---------------------------------------------------------------- budget

  @Test
  void aBudgetRefusesAReservationThatWouldNotFitAndChargesTheRealUsage() {
    String name = unique("g");
    Spend limit = new Spend(Spend.UNLIMITED, Spend.UNLIMITED, 1_000_000, 10); // $1, 10 calls
    BudgetStore store = budgets();
    BudgetStore.Outcome first = store.reserve(name, limit, 0, new Spend(0, 0, 600_000, 1), 60_000);
    assertThat(first.granted()).isTrue();
    assertThat(first.reserved()).isEqualTo(new Spend(0, 0, 600_000, 1));
    BudgetStore.Outcome second = store.reserve(name, limit, 0, new Spend(0, 0, 600_000, 1), 60_000);
    assertThat(second.granted()).isFalse();
    assertThat(second.reservation()).isNull();

    BudgetStore.Outcome settled =
        store.settle(name, first.reservation(), new Spend(120, 30, 250_000, 1));
    assertThat(settled.spent()).isEqualTo(new Spend(120, 30, 250_000, 1));
    assertThat(settled.reserved()).isEqualTo(Spend.ZERO);
    assertThat(store.reserve(name, limit, 0, new Spend(0, 0, 600_000, 1), 60_000).granted())
        .isTrue();
    assertThat(store.read(name, 0).reserved()).isEqualTo(new Spend(0, 0, 600_000, 1));
  }

  @Test
  void aReservationNeverSettledIsChargedAtItsEstimateWhenItsLeaseRunsOut() {
    String name = unique("g");
    Spend limit = new Spend(Spend.UNLIMITED, Spend.UNLIMITED, 1_000, Spend.UNLIMITED);
    BudgetStore store = budgets();
    assertThat(store.reserve(name, limit, 0, new Spend(0, 0, 700, 1), 200).granted()).isTrue();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> store.read(name, 0).spent().costMicros() == 700);
    assertThat(store.read(name, 0).reserved()).isEqualTo(Spend.ZERO);
    assertThat(store.reserve(name, limit, 0, new Spend(0, 0, 400, 1), 200).granted()).isFalse();
  }

  @Test
  void aPeriodicBudgetStartsAgainInTheNextPeriod() {
    String name = unique("g");
    Spend limit = new Spend(Spend.UNLIMITED, Spend.UNLIMITED, Spend.UNLIMITED, 1);
    BudgetStore store = budgets();
    long period = 500;
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              BudgetStore.Outcome first =
                  store.reserve(name, limit, period, new Spend(0, 0, 0, 1), 60_000);
              return first.granted()
                  && !store.reserve(name, limit, period, new Spend(0, 0, 0, 1), 60_000).granted();
            });
    // some later period has room again
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> store.reserve(name, limit, period, new Spend(0, 0, 0, 1), 60_000).granted());
  }

  @Test
  void concurrentReservationsNeverOverbook() throws Exception {
    String name = unique("g");
    Spend limit = new Spend(Spend.UNLIMITED, Spend.UNLIMITED, 10_000, Spend.UNLIMITED);
    BudgetStore store = budgets();
    List<Callable<Boolean>> callers = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      callers.add(() -> store.reserve(name, limit, 0, new Spend(0, 0, 700, 1), 60_000).granted());
    }
    try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
      long granted = 0;
      for (Future<Boolean> f : pool.invokeAll(callers)) {
        granted += f.get() ? 1 : 0;
      }
      assertThat(granted).isEqualTo(14); // 14 × 700 = 9,800 ≤ 10,000 < 15 × 700
    }
    assertThat(store.read(name, 0).reserved().costMicros()).isEqualTo(9_800);
  }
}
