package dev.tasktree.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasktree.Result;
import dev.tasktree.RunOptions;
import dev.tasktree.SuspendedException;
import dev.tasktree.spi.RunInterceptor;
import dev.tasktree.trace.LogLevel;
import dev.tasktree.trace.Status;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/** The state of one run: its id, options, recorder, random source and root scope. */
public final class Run {

  private final String traceId;
  private final RunOptions options;
  private final Recorder recorder;
  private final Random random;
  private final Scope root = Scope.root();
  private final ReentrantLock runThreadLock = new ReentrantLock();
  private Thread runThread; // the thread executing the root, while it does
  private final RunInterceptor.Run interception;
  private final Durable durable;

  /**
   * Called on the thread that asked for the run (interceptors see its context).
   *
   * @param traceId the run's trace id
   * @param treeName the tree's name
   * @param options how the run is carried out
   * @param random the run's random source
   */
  public Run(String traceId, String treeName, RunOptions options, Random random) {
    this(traceId, treeName, options, random, null);
  }

  /**
   * A durable run (or one without a journal when {@code durable} is null).
   *
   * @param durable the run's journal side: a new run's header, or a resumed run's checkpoints
   */
  public Run(String traceId, String treeName, RunOptions options, Random random, Durable durable) {
    this.traceId = traceId;
    this.durable = durable;
    this.options = options;
    this.interception = options.runInterceptor().begin(traceId, treeName);
    this.recorder =
        new Recorder(
            options.traceSink(),
            traceId,
            options.clock(),
            options.valueLimits(),
            options.redaction());
    this.random = random;
  }

  String traceId() {
    return traceId;
  }

  RunOptions options() {
    return options;
  }

  Recorder recorder() {
    return recorder;
  }

  Random random() {
    return random;
  }

  Durable durable() {
    return durable;
  }

  /** Makes {@code span} current for the run's interceptor until the handle is closed. */
  RunInterceptor.Entered enter(Recorder.Span span) {
    return interception.enter(span.id());
  }

  private volatile SuspendedException suspended;

  /** Suspends the run: the first suspension wins; the run is cancelled and ends WAITING. */
  void suspend(SuspendedException why) {
    if (suspended == null) {
      suspended = why;
    }
    root.cancel(why.getMessage());
  }

  /** Cancels the whole run. */
  public void cancel(String reason) {
    root.cancel(reason);
  }

  private void setRunThread(Thread thread) {
    runThreadLock.lock();
    try {
      runThread = thread;
    } finally {
      runThreadLock.unlock();
    }
  }

  /** Under the lock, so the thread is never interrupted after the run has left it. */
  private void interruptRunThread() {
    runThreadLock.lock();
    try {
      if (runThread != null) {
        runThread.interrupt();
      }
    } finally {
      runThreadLock.unlock();
    }
  }

  /**
   * A cancel of the whole run runs the hooks of nodes on the run's own thread on the cancelling
   * thread (this thread may be blocked in the very call such a hook aborts): the run does not end
   * before they finished, or the grace expired.
   */
  private void awaitCancelHooks(Recorder.Span treeSpan, String treeName) {
    long deadline = System.nanoTime() + options.cancelGrace().toNanos();
    if (!root.awaitPropagated(deadline)) {
      recorder.log(
          treeSpan,
          treeName,
          LogLevel.WARN,
          "cancel hooks still running after the "
              + Durations.human(options.cancelGrace())
              + " grace; abandoned");
    }
  }

  /**
   * Runs a tree on the current thread, from trace start to trace end. Never throws.
   *
   * @param treeName the tree's name (its root span's name and path)
   * @param rootNode the tree's root node
   * @param blackboard the run's blackboard
   * @param shape the tree's shape as JSON, asked for only when the run is traced
   */
  public <B> Result execute(
      String treeName, Step<B> rootNode, B blackboard, Supplier<JsonNode> shape) {
    Map<String, Object> traceAttributes = interception.traceAttributes();
    if (durable != null) {
      traceAttributes = new LinkedHashMap<>(traceAttributes);
      traceAttributes.putAll(durable.traceAttributes());
    }
    recorder.traceStarted(treeName, traceAttributes, shape);
    Recorder.Span treeSpan = recorder.start(null, treeName, "Tree", treeName);
    if (durable != null) {
      try {
        durable.begin();
      } catch (RuntimeException e) {
        recorder.log(
            treeSpan,
            treeName,
            LogLevel.WARN,
            "the journal could not record the start of the run: " + e.getMessage());
      }
    }
    Frame frame =
        new Frame(
            this, root, treeSpan, new Lane(null), null, treeName, null, Attempt.FIRST, treeName);
    setRunThread(Thread.currentThread());
    Runnable interruptHook = root.onCancel(this::interruptRunThread);
    Result result;
    Status status;
    try {
      result =
          options.budget() == null
              ? frame.run(rootNode, blackboard)
              : BudgetScope.enclose(options.budget(), frame, () -> frame.run(rootNode, blackboard));
      status = result.isOk() ? Status.OK : Status.FAIL;
      treeSpan.end(result);
    } catch (Cancelled cancelled) {
      SuspendedException suspension = suspended;
      if (suspension != null) {
        result = Result.fail(suspension);
        status = Status.WAITING;
        awaitCancelHooks(treeSpan, treeName);
        treeSpan.end(Status.WAITING, null);
      } else {
        result = Result.fail(new CancellationException("run cancelled: " + cancelled.getMessage()));
        status = Status.CANCELLED;
        awaitCancelHooks(treeSpan, treeName);
        treeSpan.cancelled(cancelled.getMessage());
      }
    } catch (StackOverflowError overflow) {
      // build() bounds the depth (Assembly.MAX_DEPTH); a thread with a tiny stack may still
      // overflow. A run never throws: it fails with a clear reason.
      IllegalStateException error =
          new IllegalStateException(
              "the tree nests too deep for this thread's stack; run it on a thread with a larger"
                  + " stack (nesting is limited to "
                  + Assembly.MAX_DEPTH
                  + " levels by build())",
              overflow);
      result = Result.fail(error);
      status = Status.FAIL;
      treeSpan.error(error);
      treeSpan.end(result);
    } finally {
      interruptHook.run();
      setRunThread(null);
      if (suspended != null) {
        Thread.interrupted(); // the suspension's own cancel interrupted this thread, nobody else
      }
    }
    if (root.cancelled()) {
      awaitCancelHooks(treeSpan, treeName); // a cancel that arrived as the run was finishing
    }
    if (durable != null && status != Status.WAITING) { // a suspended run stays resumable
      try {
        durable.end(status.name());
      } catch (RuntimeException e) {
        recorder.log(
            treeSpan,
            treeName,
            LogLevel.WARN,
            "the journal could not record the end of the run: " + e.getMessage());
      }
    }
    recorder.traceEnded(status, result.data());
    interception.end();
    return result;
  }
}
