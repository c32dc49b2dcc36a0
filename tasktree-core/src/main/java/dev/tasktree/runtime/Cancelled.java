package dev.tasktree.runtime;

/**
 * Unwinds a cancelled subtree up to the node that cancelled it. Internal: it never reaches user
 * code as a result (a cancelled run ends as {@code FAIL(CancellationException)}).
 */
public final class Cancelled extends RuntimeException {

  /** A cancellation for {@code reason}. */
  public Cancelled(String reason) {
    super(reason, null, false, false);
  }
}
