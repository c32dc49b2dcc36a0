package dev.tasktree.server;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a {@link TraceIndex} writes its {@link IndexFile}: once the index is complete and changed
 * since the last save, at most every {@value #SAVE_EVERY_SECONDS} s, and when it closes; one save
 * at a time. A directory that cannot be written is said once in the log; the server works without.
 */
final class IndexSaver {

  private static final Logger LOG = LoggerFactory.getLogger(IndexSaver.class);
  static final long SAVE_EVERY_SECONDS = 10;
  private static final long SAVE_EVERY_NANOS = TimeUnit.SECONDS.toNanos(SAVE_EVERY_SECONDS);

  private final Path dir;
  private final TraceIndex index;
  private final ScheduledExecutorService timer;
  private final AtomicBoolean queued = new AtomicBoolean();
  private final ReentrantLock saving = new ReentrantLock();
  private volatile long savedVersion = -1;
  private volatile long lastSaveNanos;
  private volatile boolean warned;

  IndexSaver(Path dir, TraceIndex index, ScheduledExecutorService timer) {
    this.dir = dir;
    this.index = index;
    this.timer = timer;
  }

  /** The file holds the index as it is at {@code version} (it was just loaded from it). */
  void loaded(long version) {
    savedVersion = version;
  }

  /** Saves soon when the index is complete, changed, and the last save is not too recent. */
  void soon() {
    if (index.indexing() || index.changeVersion() == savedVersion) {
      return;
    }
    if (!queued.compareAndSet(false, true)) {
      return;
    }
    long wait =
        lastSaveNanos == 0 ? 0 : Math.max(0, lastSaveNanos + SAVE_EVERY_NANOS - System.nanoTime());
    try {
      timer.schedule(
          () -> {
            queued.set(false);
            save();
          },
          wait,
          TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      queued.set(false); // closing: the close saves
    }
  }

  /** Writes the file now when the index is complete and changed (waits for a save under way). */
  void save() {
    if (index.indexing()) {
      return; // saved when the queue is empty
    }
    saving.lock();
    try {
      long version = index.changeVersion();
      if (version == savedVersion) {
        return;
      }
      try {
        IndexFile.save(dir, List.copyOf(index.entries()));
      } catch (ClosedByInterruptException e) {
        return; // closing: the close saves
      } catch (IOException | RuntimeException e) {
        if (!warned) {
          warned = true;
          LOG.warn(
              "cannot write {} in {} ({}): the next start reads every trace again",
              IndexFile.NAME,
              dir,
              e.toString());
        }
      }
      savedVersion = version;
      lastSaveNanos = System.nanoTime();
    } finally {
      saving.unlock();
    }
  }
}
