package dev.tasktree.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryStoresTest {

  static final class StepClock extends Clock {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private final StepClock clock = new StepClock();

  @Test
  void cacheGetSetExpireDelete() {
    InMemoryCacheStore store = new InMemoryCacheStore(clock);
    store.set("k", "\"v\"", Duration.ofMillis(10));
    assertThat(store.get("k")).contains("\"v\"");
    clock.now = clock.now.plusMillis(10);
    assertThat(store.get("k")).isEmpty();
    store.set("k", "1", Duration.ofMinutes(1));
    store.delete("k");
    assertThat(store.get("k")).isEmpty();
  }

  @Test
  void setIfAbsentOnlyWinsOnceUntilExpiry() {
    InMemoryCacheStore store = new InMemoryCacheStore(clock);
    assertThat(store.setIfAbsent("lock", "a", Duration.ofSeconds(1))).isTrue();
    assertThat(store.setIfAbsent("lock", "b", Duration.ofSeconds(1))).isFalse();
    assertThat(store.get("lock")).contains("a");
    clock.now = clock.now.plusSeconds(1);
    assertThat(store.setIfAbsent("lock", "c", Duration.ofSeconds(1))).isTrue();
  }

  @Test
  void deleteIfEqualsOnlyRemovesTheExpectedValue() {
    InMemoryCacheStore store = new InMemoryCacheStore(clock);
    store.set("lock", "mine", Duration.ofSeconds(1));
    assertThat(store.deleteIfEquals("lock", "theirs")).isFalse();
    assertThat(store.get("lock")).contains("mine");
    assertThat(store.deleteIfEquals("lock", "mine")).isTrue();
    assertThat(store.get("lock")).isEmpty();
    assertThat(store.deleteIfEquals("lock", "mine")).isFalse();
  }

  @Test
  void signalsAreSeenBySubscribersNowOrLater() {
    InMemorySignalStore store = new InMemorySignalStore(clock);
    List<Signal> seen = new ArrayList<>();
    SignalStore.Subscription early = store.subscribe("stop", seen::add);
    store.raise("stop", "because", Duration.ofMinutes(1));
    assertThat(seen).extracting(Signal::reason).containsExactly("because");
    // a subscriber that arrives after the raise is told at once
    store.subscribe("stop", seen::add);
    assertThat(seen).hasSize(2);
    // a closed subscription hears nothing
    List<Signal> none = new ArrayList<>();
    store.clear("stop");
    store.subscribe("stop", none::add).close();
    store.raise("stop", "again", Duration.ofMinutes(1));
    assertThat(none).isEmpty();
    early.close();
  }

  @Test
  void signalsExpireAndClear() {
    InMemorySignalStore store = new InMemorySignalStore(clock);
    store.raise("stop", "r", Duration.ofSeconds(5));
    assertThat(store.check("stop")).isPresent();
    clock.now = clock.now.plusSeconds(5);
    assertThat(store.check("stop")).isEmpty();
    store.raise("stop", "r", Duration.ofSeconds(5));
    store.clear("stop");
    assertThat(store.check("stop")).isEmpty();
  }
}
