package dev.tasktree;

/**
 * A function of the blackboard that may throw, used by {@link
 * TreeBuilder#call(BlackboardFunction)}.
 *
 * @param <B> the blackboard type
 * @param <R> the result type
 */
@FunctionalInterface
public interface BlackboardFunction<B, R> {
  /** Computes a value from the blackboard. */
  R apply(B blackboard) throws Exception;
}
