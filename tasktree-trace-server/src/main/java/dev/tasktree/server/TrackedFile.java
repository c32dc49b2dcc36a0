package dev.tasktree.server;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The {@link TraceIndex}'s read bookkeeping of one file: whether a read is queued, the reads begun
 * (numbered, so the one that began last publishes), and when the last one ended and what it cost
 * (to space re-reads of a file that keeps changing). One small object per file of the directory,
 * with no atomics or lock objects of its own (the index shares a few publish locks among all
 * files): a first start makes 100,000 of them.
 */
final class TrackedFile {
  private static final VarHandle QUEUED;
  private static final VarHandle STARTED;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      QUEUED = lookup.findVarHandle(TrackedFile.class, "queued", boolean.class);
      STARTED = lookup.findVarHandle(TrackedFile.class, "started", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private volatile boolean queued;
  private volatile long started; // reads begun, numbering them
  private long published; // the newest read whose entry was published (under the publish lock)
  volatile long lastReadEnd;
  volatile long lastCost;

  /** Marks the file queued; false when it was queued already. */
  boolean queue() {
    return QUEUED.compareAndSet(this, false, true);
  }

  void dequeue() {
    queued = false;
  }

  /** Numbers a read that begins. */
  long begin() {
    return (long) STARTED.getAndAdd(this, 1L) + 1;
  }

  /**
   * Whether read {@code read} may publish its entry — no read that began after it has — and, if so,
   * records that it does. Called under the lock that serialises this file's publications.
   */
  boolean mayPublish(long read) {
    if (read <= published) {
      return false;
    }
    published = read;
    return true;
  }
}
