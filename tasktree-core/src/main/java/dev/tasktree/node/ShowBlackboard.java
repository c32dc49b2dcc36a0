package dev.tasktree.node;

import dev.tasktree.Result;
import dev.tasktree.runtime.Frame;
import dev.tasktree.runtime.Spec;
import dev.tasktree.runtime.Step;

/**
 * <b>ShowBlackboard</b> ({@code showBlackboard()}): shows the blackboard at this point.
 *
 * <p>Always OK with the blackboard as data, so the trace records it as JSON.
 *
 * @param <B> the blackboard type
 */
public final class ShowBlackboard<B> extends Step<B> {

  private ShowBlackboard(String name) {
    super(name, "ShowBlackboard");
  }

  /** The descriptor of {@code showBlackboard()}. */
  public static <B> Spec<B> spec() {
    return Spec.leaf("ShowBlackboard", ShowBlackboard::new);
  }

  @Override
  protected Result exec(B blackboard, Frame frame) {
    return Result.ok(blackboard);
  }
}
