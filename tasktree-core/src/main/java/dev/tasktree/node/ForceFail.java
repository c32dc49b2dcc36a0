package dev.tasktree.node;

import dev.tasktree.Result;
import dev.tasktree.runtime.Spec;
import java.util.function.Function;

/**
 * <b>ForceFail</b> ({@code forceFail()}, {@code forceFail(b -> data)}): fails whatever its child
 * returned.
 *
 * <p>Always FAIL, with the child's data or the data computed from the blackboard.
 */
public final class ForceFail {

  private ForceFail() {}

  /** The descriptor of {@code forceFail()}: FAIL with the child's data. */
  public static <B> Spec<B> spec() {
    return Transformer.spec("ForceFail", (b, r) -> Result.fail(r.data()));
  }

  /** The descriptor of {@code forceFail(data)}: FAIL with the computed data. */
  public static <B> Spec<B> spec(Function<B, ?> data) {
    return Transformer.<B>spec("ForceFail", (b, r) -> Result.fail(data.apply(b)))
        .notNull(data, "data");
  }
}
