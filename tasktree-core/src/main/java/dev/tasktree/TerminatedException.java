package dev.tasktree;

import java.util.concurrent.CancellationException;

/** The FAIL data of a Terminable node whose signal was raised and which has no fallback. */
public final class TerminatedException extends CancellationException {

  private final String key;
  private final String reason;

  /** A termination by the signal under {@code key}, raised for {@code reason}. */
  public TerminatedException(String key, String reason) {
    super("terminated by signal '" + key + "': " + reason);
    this.key = key;
    this.reason = reason;
  }

  /** The signal key. */
  public String key() {
    return key;
  }

  /** The reason given when the signal was raised. */
  public String reason() {
    return reason;
  }
}
