package dev.tasktree.llm;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Notices that a platform thread blocked in a model call was interrupted, which the thread itself
 * cannot (a blocking socket read does not wake on interrupt), and aborts its call: one daemon
 * thread looks at the watched calls every {@value #POLL_MILLIS} ms while there are any, and ends
 * after {@value #IDLE_SECONDS} s without one. Watching a call costs a set insertion and removal.
 */
final class InterruptWatch {

  static final long POLL_MILLIS = 10;
  static final long IDLE_SECONDS = 5;

  private static final Set<CallAbort> WATCHED = ConcurrentHashMap.newKeySet();
  private static final AtomicBoolean RUNNING = new AtomicBoolean();

  private InterruptWatch() {}

  /** A watched call; closing it ends the watch. */
  interface Watched extends AutoCloseable {
    @Override
    void close();
  }

  /** Watches {@code abort}'s thread until the returned handle is closed. */
  static Watched watch(CallAbort abort) {
    WATCHED.add(abort);
    if (!RUNNING.get() && RUNNING.compareAndSet(false, true)) {
      Thread.ofPlatform().daemon().name("tasktree-llm-interrupt-watch").start(InterruptWatch::loop);
    }
    return () -> WATCHED.remove(abort);
  }

  private static void loop() {
    long idleSince = System.nanoTime();
    while (true) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS));
      if (WATCHED.isEmpty()) {
        if (System.nanoTime() - idleSince < TimeUnit.SECONDS.toNanos(IDLE_SECONDS)) {
          continue;
        }
        RUNNING.set(false);
        // a call watched meanwhile either saw RUNNING true (so this thread must go on) or
        // started a new watcher after the set above
        if (WATCHED.isEmpty() || !RUNNING.compareAndSet(false, true)) {
          return;
        }
      }
      idleSince = System.nanoTime();
      for (CallAbort abort : WATCHED) {
        if (!abort.interrupted() && abort.thread().isInterrupted()) {
          abort.interrupt();
        }
      }
    }
  }
}
