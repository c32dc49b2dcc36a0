package dev.tasktree.runtime;

import dev.tasktree.Result;
import dev.tasktree.spi.RunInterceptor;
import dev.tasktree.trace.LogLevel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Structured concurrency for Parallel, Gather, Race, Timeout and Terminable: children run on
 * virtual threads inside one cancellation scope, at most {@code limit} at a time, and {@link #join}
 * does not return while a child still runs — except that a child which ignores interruption for
 * longer than the grace period after a cancel is abandoned (its span says so).
 *
 * <p>Cheap by design, because a Gather may fork 100,000 children: a task's thread is interrupted
 * through one cancel hook on the fork's scope (no per-thread registration), and the waiting parent
 * is woken only when the last task ends or the fork is cancelled. A fork is created, spawned from
 * and joined on one thread: the forking node's.
 */
public final class Fork implements AutoCloseable {

  /** How a join ended. */
  public enum Outcome {
    /** Every task finished. */
    DONE,
    /** The deadline passed first; the tasks still run (cancel, then join again). */
    DEADLINE,
    /** Cancelled, and some tasks ignored interruption past the grace period. */
    ABANDONED
  }

  /** One child's execution. */
  public static final class Task {
    volatile Thread thread;
    volatile Result result;
    volatile boolean done;
    volatile Recorder.Span span;

    /** Null when the child was cancelled (or has not finished). */
    public Result result() {
      return result;
    }

    /** The task's first child span, marked abandoned if the task outlives the grace. */
    void started(Recorder.Span childSpan) {
      if (span == null) {
        span = childSpan;
      }
    }
  }

  private final Frame parent;
  private final Scope scope;
  private final AtomicInteger permits; // free task slots; null for no limit
  private final long graceNanos;
  private final ReentrantLock lock = new ReentrantLock(); // guards tasks
  private final List<Task> tasks = new ArrayList<>();
  private final AtomicInteger running = new AtomicInteger();
  private final Thread waiter = Thread.currentThread(); // the forking node's thread
  private volatile long cancelledAt;

  /**
   * @param parent the forking node's frame
   * @param limit most tasks at once; 0 for no limit
   */
  public Fork(Frame parent, int limit) {
    this.parent = parent;
    this.scope = parent.scope().open();
    this.permits = limit > 0 && limit < Integer.MAX_VALUE ? new AtomicInteger(limit) : null;
    this.graceNanos = parent.run().options().cancelGrace().toNanos();
    scope.onCancel(this::cancelled);
  }

  /**
   * Starts {@code body} on a new virtual thread once a permit is free.
   *
   * @param body runs the child in the given frame and returns its result
   * @param onDone called on the task's thread when it finishes (not when cancelled)
   * @return the task, or null when the fork is cancelled before it could start
   * @throws Cancelled when the forking node itself is cancelled while waiting for a permit
   */
  public Task spawn(Function<Frame, Result> body, Consumer<Task> onDone) {
    if (permits != null && !acquirePermit()) {
      return null;
    }
    Task task;
    lock.lock();
    try {
      if (scope.cancelled()) {
        releasePermit();
        return null;
      }
      task = new Task();
      tasks.add(task);
      running.incrementAndGet();
    } finally {
      lock.unlock();
    }
    Frame frame = parent.forThread(scope, task);
    Thread.startVirtualThread(() -> runTask(task, frame, body, onDone));
    return task;
  }

  /**
   * Waits for a free slot; false when the fork is cancelled meanwhile. Parks rather than blocking
   * on a semaphore, so that a cancellation handed to this (the owner's) thread is completed here.
   *
   * @throws Cancelled when the forking node itself is cancelled meanwhile
   */
  private boolean acquirePermit() {
    while (true) {
      scope.completeHandOff();
      if (scope.cancelled()) {
        return false;
      }
      int free = permits.get();
      if (free > 0 && permits.compareAndSet(free, free - 1)) {
        return true;
      }
      if (free == 0) {
        LockSupport.park(this);
        if (Thread.interrupted()) {
          throw cancelAndUnwind();
        }
      }
    }
  }

  private void releasePermit() {
    if (permits != null) {
      permits.incrementAndGet();
      wake();
    }
  }

  private void runTask(
      Task task, Frame frame, Function<Frame, Result> body, Consumer<Task> onDone) {
    // Set before the body's first cancellation check, so a cancel either sees this thread or
    // happened before that check (which then refuses to start the child).
    task.thread = Thread.currentThread();
    try (RunInterceptor.Entered entered = frame.run().enter(frame.span())) {
      task.result = body.apply(frame);
    } catch (Cancelled cancelled) {
      task.result = null;
    } catch (RuntimeException | Error unexpected) {
      task.result = Result.fail(unexpected);
    }
    try {
      // Before the task counts as finished, so join() never returns ahead of this decision.
      if (task.result != null && onDone != null) {
        onDone.accept(task);
      }
    } finally {
      task.thread = null;
      releasePermit();
      task.done = true;
      if (running.decrementAndGet() == 0) {
        wake();
      }
    }
  }

  /** The tasks started so far, in start order. */
  public List<Task> tasks() {
    lock.lock();
    try {
      return List.copyOf(tasks);
    } finally {
      lock.unlock();
    }
  }

  /** Cancels every task (and, through the scope, everything inside them). */
  public void cancel(String reason) {
    scope.cancel(reason);
  }

  /** The scope was cancelled (here or above): interrupt every running task, wake the parent. */
  private void cancelled() {
    if (cancelledAt == 0) {
      cancelledAt = System.nanoTime();
    }
    for (Task task : tasks()) {
      Thread thread = task.thread;
      if (thread != null) {
        thread.interrupt();
      }
    }
    wake();
  }

  private void wake() {
    LockSupport.unpark(waiter);
  }

  /**
   * Waits for every task, until {@code deadlineNanos} ({@link System#nanoTime()} based; {@code
   * Long.MAX_VALUE} for none). After a cancel, waits at most the grace period; tasks still running
   * then are abandoned and their spans say so.
   *
   * @throws Cancelled when the forking node itself is cancelled meanwhile (after the same grace)
   */
  public Outcome join(long deadlineNanos) {
    Outcome outcome;
    try {
      outcome = await(deadlineNanos);
    } catch (InterruptedException e) {
      throw cancelAndUnwind();
    }
    if (outcome == Outcome.ABANDONED) {
      abandonRunning();
    }
    return outcome;
  }

  /**
   * Parks the forking thread until the tasks are done, the deadline passes or the grace ends. A
   * cancellation handed to this thread is completed here, before the tasks are waited for.
   */
  private Outcome await(long deadlineNanos) throws InterruptedException {
    while (true) {
      scope.completeHandOff();
      if (running.get() == 0) {
        return Outcome.DONE;
      }
      long now = System.nanoTime();
      long left;
      if (cancelledAt != 0) {
        left = cancelledAt + graceNanos - now;
        if (left <= 0) {
          return Outcome.ABANDONED;
        }
      } else if (now - deadlineNanos >= 0) {
        return Outcome.DEADLINE;
      } else {
        left = deadlineNanos - now;
      }
      LockSupport.parkNanos(this, left);
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
  }

  /** The forking node was cancelled from above: stop the children, wait the grace, unwind. */
  private Cancelled cancelAndUnwind() {
    String reason = parent.scope().reason();
    cancel(reason == null ? "interrupted" : reason);
    boolean interrupted = false;
    while (true) {
      try {
        if (await(Long.MAX_VALUE) == Outcome.ABANDONED) {
          abandonRunning();
        }
        break;
      } catch (InterruptedException again) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return new Cancelled(reason == null ? "interrupted" : reason);
  }

  private void abandonRunning() {
    for (Task task : tasks()) {
      if (!task.done) {
        String reason = String.valueOf(scope.reason());
        Recorder recorder = parent.run().recorder();
        Recorder.Span span = task.span != null ? task.span : Recorder.Span.NONE;
        recorder.log(
            span, parent.path(), LogLevel.WARN, "ignored interruption; abandoned: " + reason);
        span.abandoned(reason);
      }
    }
  }

  @Override
  public void close() {
    scope.close();
  }
}
