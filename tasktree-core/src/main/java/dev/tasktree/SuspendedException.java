package dev.tasktree;

import java.util.concurrent.CancellationException;

/**
 * The FAIL data of a run suspended while an Approval waits for a decision (with {@link
 * RunOptions#suspendOnApproval()}): the run stopped on purpose, its trace ends with status WAITING
 * and its journal (if any) stays open. Deliver the decision ({@link Decision#deliver}) and {@link
 * Tree#resume resume} the run by {@link #runId()}; the Approval then takes the decision at once.
 */
public final class SuspendedException extends CancellationException {

  private final String runId;
  private final String approvalKey;

  /** Run {@code runId} suspended waiting on approval {@code approvalKey}. */
  public SuspendedException(String runId, String approvalKey) {
    super(
        "suspended waiting for a decision on approval '"
            + approvalKey
            + "': deliver it, then resume run "
            + runId);
    this.runId = runId;
    this.approvalKey = approvalKey;
  }

  /**
   * The suspended run's id, what {@link Tree#resume} takes: its journal's run id (the first trace
   * id of the run, kept across resumes), or its trace id without a journal.
   */
  public String runId() {
    return runId;
  }

  /** The key the decision is awaited under. */
  public String approvalKey() {
    return approvalKey;
  }
}
