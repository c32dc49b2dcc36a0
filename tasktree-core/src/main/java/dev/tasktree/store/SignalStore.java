package dev.tasktree.store;

import java.time.Duration;
import java.util.Optional;

/**
 * Termination signals: one party raises a signal under a key, every Terminable node watching that
 * key stops its child. A signal stays raised (for its TTL) until cleared, so a signal raised before
 * a node starts is honoured too. Implementations must be thread-safe.
 */
public interface SignalStore {

  /** Raises the signal under {@code key}; it expires after {@code ttl}. */
  void raise(String key, String reason, Duration ttl);

  /** The signal under {@code key}, if raised. */
  Optional<Signal> check(String key);

  /** Clears the signal under {@code key}. */
  void clear(String key);

  /**
   * Calls {@code listener} once when the signal under {@code key} is raised (at once if it already
   * is). Store failures go to {@link Listener#onError} and never count as a signal.
   *
   * @return a handle that stops watching
   */
  Subscription subscribe(String key, Listener listener);

  /** Receives a raised signal or a store failure. Called on a store thread; must not block. */
  interface Listener {
    /** The signal was raised. */
    void onSignal(Signal signal);

    /** The store failed while watching; watching goes on where possible. */
    default void onError(StoreException error) {}
  }

  /** Stops watching a key. */
  interface Subscription extends AutoCloseable {
    @Override
    void close();
  }
}
