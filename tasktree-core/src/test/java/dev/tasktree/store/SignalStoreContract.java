package dev.tasktree.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * What every {@link SignalStore} must do; a subclass supplies the store. Each rule is a test that
 * fails if an implementation breaks it.
 */
abstract class SignalStoreContract {

  /** A mutable clock, to expire TTLs without waiting. */
  static final class TestClock extends Clock {
    final AtomicReference<Instant> now =
        new AtomicReference<>(Instant.parse("2026-12-03T07:00:00Z"));

    void advance(Duration by) {
      now.updateAndGet(t -> t.plus(by));
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  }

  protected final TestClock clock = new TestClock();

  /** A fresh, empty store on {@link #clock}. */
  protected abstract SignalStore store();

  @Test
  void aRaisedSignalIsCheckedWithItsReasonAndTimeUntilCleared() {
    SignalStore store = store();
    assertThat(store.check("k")).isEmpty();
    store.raise("k", "because", Duration.ofMinutes(1));
    assertThat(store.check("k"))
        .hasValueSatisfying(
            s -> {
              assertThat(s.key()).isEqualTo("k");
              assertThat(s.reason()).isEqualTo("because");
              assertThat(s.raisedAt()).isEqualTo(clock.instant());
            });
    assertThat(store.check("other")).isEmpty();
    store.clear("k");
    assertThat(store.check("k")).isEmpty();
  }

  @Test
  void aSignalExpiresAfterItsTtl() {
    SignalStore store = store();
    store.raise("k", "r", Duration.ofSeconds(10));
    clock.advance(Duration.ofSeconds(9));
    assertThat(store.check("k")).isPresent();
    clock.advance(Duration.ofSeconds(1));
    assertThat(store.check("k")).isEmpty();
  }

  @Test
  void aLaterRaiseReplacesTheReason() {
    SignalStore store = store();
    store.raise("k", "first", Duration.ofMinutes(1));
    store.raise("k", "second", Duration.ofMinutes(1));
    assertThat(store.check("k")).map(Signal::reason).hasValue("second");
  }

  @Test
  void aSubscriberIsCalledOnceAtOnceForARaisedSignalAndOnceLaterForANewOne() {
    SignalStore store = store();
    store.raise("early", "was there", Duration.ofMinutes(1));
    List<Signal> early = new CopyOnWriteArrayList<>();
    try (SignalStore.Subscription s = store.subscribe("early", early::add)) {
      await().atMost(Duration.ofSeconds(5)).until(() -> early.size() == 1);
    }
    List<Signal> late = new CopyOnWriteArrayList<>();
    try (SignalStore.Subscription s = store.subscribe("late", late::add)) {
      assertThat(late).isEmpty();
      store.raise("late", "now", Duration.ofMinutes(1));
      await().atMost(Duration.ofSeconds(5)).until(() -> late.size() == 1);
      store.raise("late", "again", Duration.ofMinutes(1));
      await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(5)).until(() -> true);
      assertThat(late).extracting(Signal::reason).containsExactly("now");
    }
    assertThat(early).extracting(Signal::reason).containsExactly("was there");
  }

  @Test
  void aClosedSubscriptionIsNotCalled() {
    SignalStore store = store();
    List<Signal> seen = new CopyOnWriteArrayList<>();
    store.subscribe("k", seen::add).close();
    store.raise("k", "r", Duration.ofMinutes(1));
    await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(5)).until(() -> true);
    assertThat(seen).isEmpty();
  }

  @Test
  void keysAreTakenLiterally() {
    SignalStore store = store();
    String odd = "../../etc/passwd \u00e9\u4e2d/\\:*?\"<>|\u0000";
    store.raise(odd, "odd", Duration.ofMinutes(1));
    assertThat(store.check(odd)).map(Signal::reason).hasValue("odd");
    assertThat(store.check("../../etc/passwd")).isEmpty();
  }
}
