package dev.tasktree.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The shared budget of bytes in memory: big loads wait for room, small ones are not stuck. */
class LoadBudgetTest {

  @Test
  void aSmallReservationThatFitsIsNotQueuedBehindABigOneWaitingForRoom() throws Exception {
    LoadBudget budget = new LoadBudget(100 << 10);
    LoadBudget.Lease held = budget.reserve(80 << 10, 0);
    assertThat(held).isNotNull();
    CompletableFuture<LoadBudget.Lease> big =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return budget.reserve(50 << 10, 30_000);
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    await().atMost(Duration.ofSeconds(10)).until(() -> budget.waiting() > 0);

    // 20 KB are free: a 10 KB load (a small trace) gets them now, not after the 50 KB one
    LoadBudget.Lease small = budget.reserve(10 << 10, 0);
    assertThat(small).as("taken while the big one waits").isNotNull();
    assertThat(big).isNotDone();
    // what does not fit still waits, and gets its turn when room is given back
    assertThat(budget.reserve(20 << 10, 50)).isNull();
    held.close();
    small.close();
    LoadBudget.Lease bigLease = big.get(10, TimeUnit.SECONDS);
    assertThat(bigLease).isNotNull();
    bigLease.close();
  }
}
