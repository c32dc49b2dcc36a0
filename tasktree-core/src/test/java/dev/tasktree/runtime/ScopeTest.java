package dev.tasktree.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ScopeTest {

  @Test
  void aHookClosedByAnotherHookDuringCancellationStillRuns() {
    // Like a fork's interrupt hook waking a node that then closes its own abort hook.
    Scope scope = Scope.root();
    AtomicInteger ran = new AtomicInteger();
    List<Runnable> registrations = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      registrations.add(scope.onCancel(ran::incrementAndGet));
    }
    scope.onCancel(() -> registrations.forEach(Runnable::run));
    scope.cancel("test");
    assertThat(ran).hasValue(100);
  }

  @Test
  void everyHookRunsOnceAndLateHooksRunAtOnce() {
    Scope root = Scope.root();
    Scope inner = root.open().open();
    AtomicInteger ran = new AtomicInteger();
    inner.onCancel(ran::incrementAndGet);
    root.cancel("first");
    root.cancel("second");
    assertThat(ran).hasValue(1);
    assertThat(inner.cancelled()).isTrue();
    assertThat(inner.reason()).isEqualTo("first");
    inner.onCancel(ran::incrementAndGet);
    assertThat(ran).hasValue(2);
    Scope late = root.open();
    late.onCancel(ran::incrementAndGet);
    assertThat(ran).hasValue(3);
  }

  @Test
  void aRemovedHookDoesNotRun() {
    Scope scope = Scope.root();
    AtomicInteger ran = new AtomicInteger();
    scope.onCancel(ran::incrementAndGet).run();
    scope.cancel("test");
    assertThat(ran).hasValue(0);
  }

  @Test
  void aCancelFromAnotherThreadIsCompletedByTheOwner() throws Exception {
    Scope root = Scope.root();
    Scope owned = root.open(); // owned by this thread, as a fork's scope by the forking thread
    java.util.concurrent.atomic.AtomicReference<Thread> ranOn =
        new java.util.concurrent.atomic.AtomicReference<>();
    owned.onCancel(() -> ranOn.set(Thread.currentThread()));
    Thread raiser = Thread.ofPlatform().start(() -> owned.cancel("from elsewhere"));
    raiser.join();
    assertThat(owned.cancelled()).isTrue();
    assertThat(ranOn.get()).as("the raising thread only hands the cancel over").isNull();
    owned.completeHandOff();
    assertThat(ranOn.get()).isSameAs(Thread.currentThread());
  }

  @Test
  void theRunWaitsForHooksACancelOfTheRootRunsElsewhere() throws Exception {
    Scope root = Scope.root();
    java.util.concurrent.CountDownLatch hookStarted = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    root.onCancel(
        () -> {
          hookStarted.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    Thread raiser = Thread.ofPlatform().start(() -> root.cancel("stop"));
    hookStarted.await();
    long soon = System.nanoTime() + 50_000_000L;
    assertThat(root.awaitPropagated(soon)).as("the hook is still running").isFalse();
    release.countDown();
    assertThat(root.awaitPropagated(System.nanoTime() + 10_000_000_000L)).isTrue();
    raiser.join();
  }
}
