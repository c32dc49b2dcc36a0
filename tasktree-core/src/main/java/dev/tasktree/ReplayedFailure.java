package dev.tasktree;

/**
 * The {@code FAIL} data a resumed run replays for a journaled failure whose exception cannot be
 * rebuilt: a {@link TreeBuilder#checkpoint(Class) .checkpoint()} subtree that failed with an
 * exception (or with non-exception data) is journaled as the failure's type and message, and
 * replayed as this exception. {@link #originalType()} names what the original failure was, so a
 * {@code retryIf} or a fallback that judges failures by type can judge a replayed one too.
 */
public final class ReplayedFailure extends RuntimeException {

  private final String originalType;

  /**
   * A replayed failure.
   *
   * @param originalType the class name of the original failure (its exception, or its data)
   * @param message the original failure's message (or its data's text)
   */
  public ReplayedFailure(String originalType, String message) {
    super(message, null, false, false);
    this.originalType = originalType;
  }

  /** The class name of the original failure. */
  public String originalType() {
    return originalType;
  }

  @Override
  public String toString() {
    return "ReplayedFailure[" + originalType + "]: " + getMessage();
  }
}
