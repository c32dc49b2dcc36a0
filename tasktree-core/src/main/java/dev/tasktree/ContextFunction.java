package dev.tasktree;

import dev.tasktree.spi.NodeContext;

/**
 * A function of the blackboard and the node's context (logs, attributes, previous result) that may
 * throw, used by {@link TreeBuilder#call(ContextFunction)}.
 *
 * @param <B> the blackboard type
 * @param <R> the result type
 */
@FunctionalInterface
public interface ContextFunction<B, R> {
  /** Computes a value from the blackboard and the context. */
  R apply(B blackboard, NodeContext context) throws Exception;
}
