package dev.tasktree.trace;

/**
 * The status of a span or of a whole trace.
 *
 * <p>{@link #OK} and {@link #FAIL} mirror {@code Result}; {@link #CANCELLED} means a cancelling
 * ancestor (Timeout, Terminable, Race, fail-fast Parallel or the run's handle) stopped the work;
 * {@link #RUNNING} means no end has been written yet; {@link #INTERRUPTED} means the writing
 * process went silent without finishing the trace (it most likely died). {@link #WAITING} means an
 * Approval node is waiting for a person's decision: on a span, from its {@code wait} event until
 * its end; on a live trace, while any of its spans waits; on a finished trace (and its root span),
 * that the run was suspended while waiting and may be resumed once the decision arrives.
 */
public enum Status {
  OK,
  FAIL,
  CANCELLED,
  RUNNING,
  INTERRUPTED,
  WAITING
}
