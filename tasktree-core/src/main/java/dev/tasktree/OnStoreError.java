package dev.tasktree;

/** What a Terminable node does when its signal store fails (unreachable, timing out). */
public enum OnStoreError {
  /** Keep the child running, record a warning: a store failure is never a termination. */
  CONTINUE,
  /** Cancel the child and fail with the store's exception. */
  FAIL
}
