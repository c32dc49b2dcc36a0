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
    Scope scope = new Scope(null);
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
    Scope root = new Scope(null);
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
    Scope scope = new Scope(null);
    AtomicInteger ran = new AtomicInteger();
    scope.onCancel(ran::incrementAndGet).run();
    scope.cancel("test");
    assertThat(ran).hasValue(0);
  }
}
