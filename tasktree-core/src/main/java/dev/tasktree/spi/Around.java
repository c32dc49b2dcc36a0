package dev.tasktree.spi;

import dev.tasktree.Result;
import dev.tasktree.TreeBuilder;

/**
 * Advice around a child node, for {@link TreeBuilder#wrap(Around)}: your code decides when, whether
 * and how often the child runs, and what the result is.
 *
 * <pre>{@code
 * .wrap((board, ctx, child) -> {
 *   try (var permit = rateLimiter.acquire()) {
 *     return child.run();
 *   }
 * })
 * }</pre>
 *
 * @param <B> the blackboard type
 */
@FunctionalInterface
public interface Around<B> {

  /** Runs around the child; return the wrapper's result (often the child's). */
  Result around(B blackboard, NodeContext context, Child child) throws Exception;

  /** The wrapped child. */
  @FunctionalInterface
  interface Child {
    /** Runs the child once (each call is its own span) and returns its result. */
    Result run();
  }
}
