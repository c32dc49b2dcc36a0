package dev.tasktree.trace;

/**
 * The status of a span or of a whole trace.
 *
 * <p>{@link #OK} and {@link #FAIL} mirror {@code Result}; {@link #CANCELLED} means a cancelling
 * ancestor (Timeout, Terminable, Race, fail-fast Parallel or the run's handle) stopped the work;
 * {@link #RUNNING} means no end has been written yet; {@link #INTERRUPTED} means the writing
 * process went silent without finishing the trace (it most likely died).
 */
public enum Status {
  OK,
  FAIL,
  CANCELLED,
  RUNNING,
  INTERRUPTED
}
