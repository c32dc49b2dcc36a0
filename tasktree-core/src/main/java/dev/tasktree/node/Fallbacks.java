package dev.tasktree.node;

import dev.tasktree.Result;
import dev.tasktree.runtime.Frame;
import dev.tasktree.runtime.Step;
import dev.tasktree.trace.LogLevel;
import java.util.List;

/** What Timeout and Terminable share: a child that may be replaced by a {@code fallback()}. */
final class Fallbacks {

  private Fallbacks() {}

  /** The child, then the fallback when there is one. */
  static <B> List<Step<B>> children(Step<B> child, Step<B> fallback) {
    return fallback == null ? List.of(child) : List.of(child, fallback);
  }

  /** The fallback's result, or {@code FAIL(cause)} when there is none. */
  static <B> Result cutShort(Step<B> fallback, B blackboard, Frame frame, Exception cause) {
    if (fallback == null) {
      return frame.failWith(cause);
    }
    frame.log(LogLevel.INFO, cause.getMessage() + "; running the fallback");
    return frame.run(fallback, blackboard);
  }
}
