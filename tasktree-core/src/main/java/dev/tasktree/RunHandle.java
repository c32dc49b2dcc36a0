package dev.tasktree;

import dev.tasktree.runtime.Run;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A run started with {@link Tree#start}: its trace id, its result when it comes, and a way to
 * cancel it. Thread-safe.
 */
public final class RunHandle {

  private final String traceId;
  private final Run execution;
  private final CompletableFuture<Result> result;

  RunHandle(String traceId, Run execution, CompletableFuture<Result> result) {
    this.traceId = traceId;
    this.execution = execution;
    this.result = result;
  }

  /** The run's trace id. */
  public String traceId() {
    return traceId;
  }

  /**
   * Cancels the whole run: every running node at any depth is interrupted and no node starts
   * afterwards. The result becomes {@code FAIL(CancellationException)}, the trace CANCELLED.
   */
  public void cancel() {
    execution.cancel("cancelled by the caller");
  }

  /** Whether the run has finished. */
  public boolean isDone() {
    return result.isDone();
  }

  /** The result, completed when the run finishes (never exceptionally). */
  public CompletableFuture<Result> result() {
    return result.copy();
  }

  /** Waits for the result. */
  public Result await() throws InterruptedException {
    try {
      return result.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("run failed outside any node", e.getCause());
    }
  }

  /** Waits up to {@code timeout} for the result; empty if the run is still going. */
  public Optional<Result> await(Duration timeout) throws InterruptedException {
    try {
      return Optional.of(result.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
    } catch (TimeoutException e) {
      return Optional.empty();
    } catch (ExecutionException e) {
      throw new IllegalStateException("run failed outside any node", e.getCause());
    }
  }
}
