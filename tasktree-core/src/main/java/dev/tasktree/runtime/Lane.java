package dev.tasktree.runtime;

import dev.tasktree.Result;

/**
 * The previous-result lane: the sequential flow nodes run in, which remembers the last result so
 * the next node can read it ({@code NodeContext.previous()}). One per thread of a run: a fork task
 * starts a lane of its own from its parent's last result.
 */
final class Lane {

  private Result last;

  Lane(Result last) {
    this.last = last;
  }

  Result last() {
    return last;
  }

  void finished(Result result) {
    last = result;
  }

  /** A new lane for another thread, starting from this lane's last result. */
  Lane fork() {
    return new Lane(last);
  }
}
