package dev.tasktree.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * A {@link SignalStore} in this process's memory: listeners are called on the raising thread, at
 * once. Thread-safe. {@link #shared()} is the store runs use unless told otherwise.
 */
public final class InMemorySignalStore implements SignalStore {

  private static final InMemorySignalStore SHARED = new InMemorySignalStore(Clock.systemUTC());

  private record Raised(Signal signal, Instant expiresAt) {}

  /** Identity matters: the same listener may watch one key twice. */
  private static final class Watch {
    private final String key;
    private final Listener listener;

    Watch(String key, Listener listener) {
      this.key = key;
      this.listener = listener;
    }

    String key() {
      return key;
    }

    Listener listener() {
      return listener;
    }
  }

  private final ConcurrentHashMap<String, Raised> signals = new ConcurrentHashMap<>();
  private final Set<Watch> watches = new CopyOnWriteArraySet<>();
  private final Clock clock;

  /** A store whose TTLs follow {@code clock}. */
  public InMemorySignalStore(Clock clock) {
    this.clock = clock;
  }

  /** A store on the system clock. */
  public InMemorySignalStore() {
    this(Clock.systemUTC());
  }

  /** The process-wide default store. */
  public static InMemorySignalStore shared() {
    return SHARED;
  }

  @Override
  public void raise(String key, String reason, Duration ttl) {
    Instant now = clock.instant();
    Signal signal = new Signal(key, reason, now);
    signals.put(key, new Raised(signal, now.plus(ttl)));
    for (Watch watch : watches) {
      if (watch.key().equals(key) && watches.remove(watch)) {
        watch.listener().onSignal(signal);
      }
    }
  }

  @Override
  public Optional<Signal> check(String key) {
    Raised raised = signals.get(key);
    if (raised == null) {
      return Optional.empty();
    }
    if (!clock.instant().isBefore(raised.expiresAt())) {
      signals.remove(key, raised);
      return Optional.empty();
    }
    return Optional.of(raised.signal());
  }

  @Override
  public void clear(String key) {
    signals.remove(key);
  }

  @Override
  public Subscription subscribe(String key, Listener listener) {
    Watch watch = new Watch(key, listener);
    watches.add(watch);
    Optional<Signal> already = check(key);
    if (already.isPresent() && watches.remove(watch)) {
      listener.onSignal(already.get());
    }
    return () -> watches.remove(watch);
  }
}
