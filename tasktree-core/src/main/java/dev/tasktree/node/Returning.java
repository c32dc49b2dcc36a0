package dev.tasktree.node;

import dev.tasktree.Result;
import dev.tasktree.runtime.Spec;
import java.util.function.Function;

/**
 * <b>Returning</b> ({@code returning(b -> data)}): keeps its child's status and replaces its data.
 *
 * <p>OK when the child is OK, FAIL when it fails; either way with the data computed from the
 * blackboard.
 */
public final class Returning {

  private Returning() {}

  /** The descriptor of {@code returning(data)}. */
  public static <B> Spec<B> spec(Function<B, ?> data) {
    return Transformer.<B>spec("Returning", (b, r) -> Result.of(r.isOk(), data.apply(b)))
        .notNull(data, "data");
  }
}
