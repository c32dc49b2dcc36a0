package dev.tasktree.server;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The bytes of trace files that may be in memory at once, shared by every request and the index:
 * concurrent big loads wait for each other instead of exhausting the heap together. One file can
 * never take more than the whole budget; larger files are refused by the caller before reading.
 * Thread-safe.
 */
final class LoadBudget {

  private static final int UNIT = 1024;

  private final long maxBytes;
  private final Semaphore permits;

  LoadBudget(long maxBytes) {
    this.maxBytes = Math.max(UNIT, maxBytes);
    this.permits = new Semaphore((int) Math.min(Integer.MAX_VALUE, this.maxBytes / UNIT), true);
  }

  /** An eighth of the heap: a trace in memory takes several times its file size. */
  static LoadBudget forHeap() {
    return new LoadBudget(Math.max(8L << 20, Runtime.getRuntime().maxMemory() / 8));
  }

  /** The largest file that can be loaded. */
  long maxBytes() {
    return maxBytes;
  }

  /** How many reservations wait for room now. */
  int waiting() {
    return permits.getQueueLength();
  }

  /** A reservation; closing it gives the bytes back. */
  interface Lease extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Reserves {@code bytes} (at most {@link #maxBytes()}), waiting up to {@code timeoutMillis}. What
   * fits the free budget now is taken at once, even while bigger reservations wait for room (a
   * small trace opens while big ones queue); the others wait in arrival order.
   *
   * @return the lease, or null when the budget did not free up in time
   */
  Lease reserve(long bytes, long timeoutMillis) throws InterruptedException {
    int units = (int) Math.max(1, Math.min(maxBytes, bytes) / UNIT);
    // tryAcquire without a timeout takes free permits even on a fair semaphore with waiters
    if (!permits.tryAcquire(units)
        && !permits.tryAcquire(units, timeoutMillis, TimeUnit.MILLISECONDS)) {
      return null;
    }
    return () -> permits.release(units);
  }
}
