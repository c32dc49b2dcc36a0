package dev.tasktree.node;

import dev.tasktree.Result;
import dev.tasktree.runtime.Spec;
import java.util.function.Function;

/**
 * <b>ForceOk</b> ({@code forceOk()}, {@code forceOk(b -> data)}): succeeds whatever its child
 * returned.
 *
 * <p>Always OK, with the child's data or the data computed from the blackboard.
 */
public final class ForceOk {

  private ForceOk() {}

  /** The descriptor of {@code forceOk()}: OK with the child's data. */
  public static <B> Spec<B> spec() {
    return Transformer.spec("ForceOk", (b, r) -> Result.ok(r.data()));
  }

  /** The descriptor of {@code forceOk(data)}: OK with the computed data. */
  public static <B> Spec<B> spec(Function<B, ?> data) {
    return Transformer.<B>spec("ForceOk", (b, r) -> Result.ok(data.apply(b))).notNull(data, "data");
  }
}
