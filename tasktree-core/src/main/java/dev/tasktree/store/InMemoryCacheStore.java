package dev.tasktree.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link CacheStore} in this process's memory, with lazy expiry. Thread-safe. {@link #shared()}
 * is the store runs use unless told otherwise.
 */
public final class InMemoryCacheStore implements CacheStore {

  private static final InMemoryCacheStore SHARED = new InMemoryCacheStore(Clock.systemUTC());

  private record Entry(String value, Instant expiresAt) {}

  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
  private final Clock clock;

  /** A store whose TTLs follow {@code clock}. */
  public InMemoryCacheStore(Clock clock) {
    this.clock = clock;
  }

  /** A store on the system clock. */
  public InMemoryCacheStore() {
    this(Clock.systemUTC());
  }

  /** The process-wide default store. */
  public static InMemoryCacheStore shared() {
    return SHARED;
  }

  @Override
  public Optional<String> get(String key) {
    Entry entry = entries.get(key);
    if (entry == null) {
      return Optional.empty();
    }
    if (!clock.instant().isBefore(entry.expiresAt())) {
      entries.remove(key, entry);
      return Optional.empty();
    }
    return Optional.of(entry.value());
  }

  @Override
  public void set(String key, String value, Duration ttl) {
    entries.put(key, new Entry(value, clock.instant().plus(ttl)));
  }

  @Override
  public boolean setIfAbsent(String key, String value, Duration ttl) {
    Instant now = clock.instant();
    Entry fresh = new Entry(value, now.plus(ttl));
    boolean[] stored = {false};
    entries.compute(
        key,
        (k, old) -> {
          if (old == null || !now.isBefore(old.expiresAt())) {
            stored[0] = true;
            return fresh;
          }
          return old;
        });
    return stored[0];
  }

  @Override
  public void delete(String key) {
    entries.remove(key);
  }

  @Override
  public boolean deleteIfEquals(String key, String expected) {
    Entry entry = entries.get(key);
    return entry != null && entry.value().equals(expected) && entries.remove(key, entry);
  }
}
