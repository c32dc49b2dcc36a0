package dev.tasktree;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A cancellation scope: the threads and hooks of one subtree. Cancelling a scope cancels every
 * scope opened inside it, interrupts every thread registered in any of them and runs their hooks,
 * so cancellation reaches every depth. Nodes check {@link #cancelled()} before they start, so
 * nothing starts inside a cancelled scope.
 */
final class Scope {

  private final Scope parent;
  private final ReentrantLock lock = new ReentrantLock();
  private final Set<Thread> threads = new HashSet<>(4);
  private final List<Scope> children = new ArrayList<>(2);
  private final List<Runnable> hooks = new ArrayList<>(1);
  private volatile String reason;

  Scope(Scope parent) {
    this.parent = parent;
  }

  /** A scope inside this one; cancelled already when this one is. */
  Scope open() {
    Scope child = new Scope(this);
    lock.lock();
    try {
      children.add(child);
    } finally {
      lock.unlock();
    }
    return child;
  }

  /** Detaches a finished scope from its parent. */
  void close() {
    if (parent != null) {
      parent.lock.lock();
      try {
        parent.children.remove(this);
      } finally {
        parent.lock.unlock();
      }
    }
  }

  boolean cancelled() {
    for (Scope s = this; s != null; s = s.parent) {
      if (s.reason != null) {
        return true;
      }
    }
    return false;
  }

  /** Why this scope (or the nearest cancelled ancestor) was cancelled, or null. */
  String reason() {
    for (Scope s = this; s != null; s = s.parent) {
      if (s.reason != null) {
        return s.reason;
      }
    }
    return null;
  }

  /** Registers the current thread, so a cancellation interrupts it. */
  void enter() {
    lock.lock();
    try {
      threads.add(Thread.currentThread());
      if (cancelled()) {
        // cancelled before this thread arrived: it must not block unaware
        Thread.currentThread().interrupt();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Unregisters the current thread; after this no cancellation of this scope interrupts it. */
  void exit() {
    lock.lock();
    try {
      threads.remove(Thread.currentThread());
    } finally {
      lock.unlock();
    }
  }

  /**
   * Runs {@code hook} when this scope is cancelled (at once if it already is).
   *
   * @return a handle that removes the hook
   */
  Runnable onCancel(Runnable hook) {
    lock.lock();
    try {
      if (!cancelled()) {
        hooks.add(hook);
        return () -> removeHook(hook);
      }
    } finally {
      lock.unlock();
    }
    hook.run();
    return () -> {};
  }

  private void removeHook(Runnable hook) {
    lock.lock();
    try {
      hooks.remove(hook);
    } finally {
      lock.unlock();
    }
  }

  /** Cancels this scope and everything inside it; the first reason wins. */
  void cancel(String why) {
    if (reason == null) {
      reason = why;
      propagate();
    }
  }

  /** Interrupts this scope's threads, runs its hooks, and does the same in every inner scope. */
  private void propagate() {
    List<Scope> inner;
    List<Runnable> toRun;
    lock.lock();
    try {
      // Interrupt under the lock, so a thread that has exit()ed is never interrupted.
      threads.forEach(Thread::interrupt);
      inner = List.copyOf(children);
      toRun = List.copyOf(hooks);
      hooks.clear();
    } finally {
      lock.unlock();
    }
    for (Runnable hook : toRun) {
      try {
        hook.run();
      } catch (RuntimeException ignored) {
        // a hook must not stop the cancellation of the rest
      }
    }
    inner.forEach(Scope::propagate);
  }
}
