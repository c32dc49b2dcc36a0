package dev.tasktree;

/** The FAIL data of an Approval whose decision was a rejection: who rejected it and why. */
public final class ApprovalRejectedException extends RuntimeException {

  private final String approvalKey;
  private final Decision decision;

  /** A rejection of approval {@code approvalKey} by {@code decision}. */
  public ApprovalRejectedException(String approvalKey, Decision decision) {
    super(
        "approval '"
            + approvalKey
            + "' rejected"
            + (decision.decidedBy() == null ? "" : " by " + decision.decidedBy())
            + (decision.comment() == null || decision.comment().isBlank()
                ? ""
                : ": " + decision.comment()));
    this.approvalKey = approvalKey;
    this.decision = decision;
  }

  /** The approval's key. */
  public String approvalKey() {
    return approvalKey;
  }

  /** The decider's comment, or null. */
  public String comment() {
    return decision.comment();
  }

  /** The whole decision. */
  public Decision decision() {
    return decision;
  }
}
