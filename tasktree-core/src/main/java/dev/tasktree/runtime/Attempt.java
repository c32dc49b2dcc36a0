package dev.tasktree.runtime;

import dev.tasktree.Result;

/**
 * Which try of the innermost Retry (or loop of the innermost RepeatWhile) a node runs in, and how
 * the try before it failed. Inherited by the whole subtree of the try.
 *
 * @param number 1 for the first try
 * @param lastFailure the previous try's failure, or null
 */
record Attempt(int number, Result lastFailure) {
  static final Attempt FIRST = new Attempt(1, null);
}
