package dev.tasktree;

/**
 * Unwinds a cancelled subtree up to the node that cancelled it. Internal: it never reaches user
 * code as a result (a cancelled run ends as {@code FAIL(CancellationException)}).
 */
final class Cancelled extends RuntimeException {

  Cancelled(String reason) {
    super(reason, null, false, false);
  }
}
