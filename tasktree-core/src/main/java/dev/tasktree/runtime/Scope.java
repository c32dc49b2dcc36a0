package dev.tasktree.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.locks.LockSupport;

/**
 * A cancellation scope: one subtree's hooks and inner scopes. Cancelling a scope runs the hooks of
 * every scope inside it (a fork's hook interrupts its threads), so cancellation reaches every
 * depth; nodes check {@link #cancelled()} before they start, so nothing starts inside a cancelled
 * scope.
 *
 * <p><b>Who runs the hooks.</b> A fork's scope has an <em>owner</em>: the thread of the forking
 * node, parked while its children run. When anything else cancels that scope (a signal watcher, a
 * winning sibling, a cancel from above), the cancelling thread only marks the scope and wakes the
 * owner, which then runs every hook of the scope and of the scopes inside it ({@link
 * #completeHandOff()}) before it waits for its children. So every hook of a cancelled subtree has
 * finished before the cancelling node returns, and a signal watcher's thread never runs user hooks.
 * The run's root scope has no owner (its thread may be blocked in the very call a hook aborts): a
 * cancel of the whole run runs the root's own hooks on the cancelling thread, and the run waits for
 * that to finish ({@link #awaitPropagated}).
 *
 * <p>Lock-free and O(1) to open, close and register hooks: a Gather of 100,000 items opens as many
 * inner scopes. Each hook runs exactly once — whoever removes it from the set runs it.
 */
final class Scope {

  private static final AtomicIntegerFieldUpdater<Scope> PROPAGATING =
      AtomicIntegerFieldUpdater.newUpdater(Scope.class, "propagating");

  private final Scope parent;
  private final Thread owner; // completes this scope's cancellation; null: whoever raises it
  private final Set<Scope> children = ConcurrentHashMap.newKeySet();
  private final Set<Hook> hooks = ConcurrentHashMap.newKeySet();
  private volatile String reason;
  private volatile boolean handedOff; // cancelled elsewhere; the owner has not taken it over yet
  private volatile int propagating; // cancellations running hooks through this scope now
  private volatile Thread propagationWaiter;

  /** A registered hook; identity matters (the same runnable may be registered twice). */
  private static final class Hook {
    final Runnable action;

    Hook(Runnable action) {
      this.action = action;
    }
  }

  private Scope(Scope parent, Thread owner) {
    this.parent = parent;
    this.owner = owner;
  }

  /** A run's root scope: no owner, hooks run on whichever thread cancels the run. */
  static Scope root() {
    return new Scope(null, null);
  }

  /**
   * A scope inside this one, owned by the current thread (which must then call {@link
   * #completeHandOff()} whenever it wakes); cancelled already when this one is.
   */
  Scope open() {
    Scope child = new Scope(this, Thread.currentThread());
    children.add(child);
    if (cancelled()) {
      child.propagate();
    }
    return child;
  }

  /** Detaches a finished scope from its parent. */
  void close() {
    if (parent != null) {
      parent.children.remove(this);
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

  /**
   * Runs {@code action} once when this scope is cancelled (at once if it already is).
   *
   * @return a handle that removes the hook
   */
  Runnable onCancel(Runnable action) {
    Hook hook = new Hook(action);
    hooks.add(hook);
    if (cancelled()) {
      run(hook); // lost the race with propagate(), or arrived late: run it here, once
    }
    return () -> hooks.remove(hook);
  }

  /**
   * Cancels this scope and everything inside it; the first reason wins. On the owner's thread (or
   * in an ownerless scope) the hooks run now; from any other thread they are handed to the owner.
   */
  void cancel(String why) {
    // Counted before the reason is visible, so whoever sees the cancel also sees it in progress.
    PROPAGATING.incrementAndGet(this);
    try {
      if (reason == null) {
        reason = why;
        deliver();
      }
    } finally {
      propagated();
    }
  }

  /**
   * On the owner's thread: runs the hooks of a cancellation another thread handed over, if any.
   * Cheap when there is none (one volatile read).
   */
  void completeHandOff() {
    if (handedOff) {
      handedOff = false;
      propagate();
    }
  }

  /**
   * Waits until no cancellation is running hooks through this scope, or the deadline ({@link
   * System#nanoTime()} based) passes.
   *
   * @return whether every such cancellation finished in time
   */
  boolean awaitPropagated(long deadlineNanos) {
    if (propagating == 0) {
      return true;
    }
    propagationWaiter = Thread.currentThread();
    boolean interrupted = false;
    try {
      while (propagating != 0) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        LockSupport.parkNanos(this, left);
        interrupted |= Thread.interrupted();
      }
      return true;
    } finally {
      propagationWaiter = null;
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Runs the hooks here, or hands them to the owner when this thread is not the owner. */
  private void deliver() {
    if (owner != null && owner != Thread.currentThread()) {
      handedOff = true;
      LockSupport.unpark(owner);
    } else {
      propagate();
    }
  }

  /**
   * Runs every hook of this scope, then delivers the cancellation to every inner scope. All of a
   * scope's hooks are claimed before any runs: a hook may interrupt a node that then closes its own
   * hook while unwinding, and that hook must run all the same.
   */
  private void propagate() {
    PROPAGATING.incrementAndGet(this);
    if (owner == Thread.currentThread()) {
      handedOff = false; // taken over: this propagation runs everything a hand-off would
    }
    try {
      List<Hook> claimed = new ArrayList<>();
      for (Hook hook : hooks) {
        if (hooks.remove(hook)) {
          claimed.add(hook);
        }
      }
      claimed.forEach(Scope::runQuietly);
      for (Scope child : children) {
        child.deliver();
      }
    } finally {
      propagated();
    }
  }

  private void propagated() {
    if (PROPAGATING.decrementAndGet(this) == 0) {
      Thread waiter = propagationWaiter;
      if (waiter != null) {
        LockSupport.unpark(waiter);
      }
    }
  }

  private void run(Hook hook) {
    if (hooks.remove(hook)) {
      runQuietly(hook);
    }
  }

  private static void runQuietly(Hook hook) {
    try {
      hook.action.run();
    } catch (RuntimeException ignored) {
      // a hook must not stop the cancellation of the rest
    }
  }
}
