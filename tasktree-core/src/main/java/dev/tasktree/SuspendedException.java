package dev.tasktree;

import java.util.concurrent.CancellationException;

/**
 * The FAIL data of a run suspended while an Approval waits for a decision (with {@link
 * RunOptions#suspendOnApproval()}): the run stopped on purpose and its trace ends with status
 * WAITING. Deliver the decision ({@link Decision#deliver}) and resume the run; the Approval then
 * takes the decision at once.
 */
public final class SuspendedException extends CancellationException {

  private final String traceId;
  private final String approvalKey;

  /** A run {@code traceId} suspended waiting on approval {@code approvalKey}. */
  public SuspendedException(String traceId, String approvalKey) {
    super(
        "suspended waiting for a decision on approval '"
            + approvalKey
            + "': deliver it, then resume run "
            + traceId);
    this.traceId = traceId;
    this.approvalKey = approvalKey;
  }

  /** The suspended run's trace id (its run id). */
  public String traceId() {
    return traceId;
  }

  /** The key the decision is awaited under. */
  public String approvalKey() {
    return approvalKey;
  }
}
