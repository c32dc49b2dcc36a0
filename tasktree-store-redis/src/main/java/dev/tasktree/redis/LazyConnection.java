package dev.tasktree.redis;

import dev.tasktree.store.StoreException;
import io.lettuce.core.api.StatefulConnection;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One lettuce connection, opened on first use and opened again when it was lost for good. While
 * Redis cannot be reached, attempts are spaced by a retry interval: callers in between fail at once
 * with the last error instead of each waiting for a connect timeout. Once open, lettuce's own
 * auto-reconnect (when enabled on the client) keeps the connection alive across drops.
 */
final class LazyConnection<C extends StatefulConnection<String, String>> implements AutoCloseable {

  private final Supplier<C> opener;
  private final Consumer<C> onOpen;
  private final Duration retryInterval;
  private final String where;
  private final ReentrantLock lock = new ReentrantLock();
  private volatile C connection;
  private StoreException lastFailure;
  private long retryAtNanos;
  private boolean closed;

  LazyConnection(Supplier<C> opener, Consumer<C> onOpen, Duration retryInterval, String where) {
    this.opener = opener;
    this.onOpen = onOpen;
    this.retryInterval = retryInterval;
    this.where = where;
  }

  /**
   * The open connection, opening it if needed.
   *
   * @throws StoreException when the store is closed or Redis cannot be reached
   */
  C get() {
    C current = connection;
    if (current != null && usable(current)) {
      return current;
    }
    lock.lock();
    try {
      if (closed) {
        throw new StoreException("RedisStore is closed");
      }
      current = connection;
      if (current != null) {
        if (usable(current)) {
          return current;
        }
        connection = null; // lost for good (auto-reconnect off): open a fresh one
        current.closeAsync();
      }
      long now = System.nanoTime();
      if (lastFailure != null && now - retryAtNanos < 0) {
        throw new StoreException(
            lastFailure.getMessage()
                + " (next attempt in "
                + Math.max(1, (retryAtNanos - now) / 1_000_000)
                + " ms)",
            lastFailure.getCause());
      }
      C fresh;
      try {
        fresh = opener.get();
      } catch (RuntimeException e) {
        lastFailure =
            new StoreException("cannot connect to Redis at " + where + ": " + rootCause(e), e);
        retryAtNanos = System.nanoTime() + retryInterval.toNanos();
        throw lastFailure;
      }
      try {
        onOpen.accept(fresh);
      } catch (RuntimeException e) {
        fresh.closeAsync();
        throw new StoreException("cannot set up the Redis connection to " + where, e);
      }
      lastFailure = null;
      connection = fresh;
      return fresh;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Whether to keep using a connection: it is connected, or lettuce is reconnecting it in the
   * background (commands fail or queue meanwhile; the caller's timeout bounds them).
   */
  private static boolean usable(StatefulConnection<?, ?> connection) {
    return connection.isOpen() || connection.getOptions().isAutoReconnect();
  }

  /** The connection if it is open now; never connects. */
  C ifOpen() {
    C current = connection;
    return current != null && current.isOpen() ? current : null;
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      if (connection != null) {
        connection.close();
        connection = null;
      }
    } finally {
      lock.unlock();
    }
  }

  /** The innermost cause's message: lettuce wraps "Connection refused" several levels deep. */
  static String rootCause(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
