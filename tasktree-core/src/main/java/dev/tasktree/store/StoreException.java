package dev.tasktree.store;

/**
 * A store could not do what was asked (connection lost, timeout, bad reply). Nodes that use a store
 * treat it as a warning, never as a result: Cacher runs its child, Terminable keeps going.
 */
public class StoreException extends RuntimeException {

  /** A failure with a message and its cause. */
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }

  /** A failure with a message. */
  public StoreException(String message) {
    super(message);
  }
}
