package dev.tasktree.examples;

/** A setup problem a user can fix; its message is the one line the demo prints. */
final class Problem extends Exception {
  Problem(String message) {
    super(message, null, false, false);
  }
}
