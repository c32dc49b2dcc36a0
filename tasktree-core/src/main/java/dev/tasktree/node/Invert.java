package dev.tasktree.node;

import dev.tasktree.Result;
import dev.tasktree.runtime.Spec;

/**
 * <b>Invert</b> ({@code invert()}): swaps its child's status.
 *
 * <p>OK when the child fails, FAIL when it is OK; the child's data stays.
 */
public final class Invert {

  private Invert() {}

  /** The descriptor of {@code invert()}. */
  public static <B> Spec<B> spec() {
    return Transformer.spec("Invert", (b, r) -> Result.of(!r.isOk(), r.data()));
  }
}
