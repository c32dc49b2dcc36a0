package dev.tasktree.node;

import dev.tasktree.Result;
import dev.tasktree.runtime.Frame;
import dev.tasktree.runtime.Spec;
import dev.tasktree.runtime.Step;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The shared exec of the decorators that only transform their child's result (ForceOk, ForceFail,
 * Returning, Invert): each of those files holds its own descriptor and semantics.
 */
final class Transformer<B> extends Step<B> {

  private final Step<B> child;
  private final BiFunction<B, Result, Result> transform;

  private Transformer(
      String name, String kind, Step<B> child, BiFunction<B, Result, Result> transform) {
    super(name, kind);
    this.child = child;
    this.transform = transform;
  }

  /** A decorator of this kind that returns {@code transform(blackboard, childResult)}. */
  static <B> Spec<B> spec(String kind, BiFunction<B, Result, Result> transform) {
    return Spec.decorator(
        kind,
        (name, children, branch) -> new Transformer<>(name, kind, children.getFirst(), transform));
  }

  @Override
  public List<? extends Step<?>> children() {
    return List.of(child);
  }

  @Override
  protected Result exec(B blackboard, Frame frame) {
    return transform.apply(blackboard, frame.run(child, blackboard));
  }
}
