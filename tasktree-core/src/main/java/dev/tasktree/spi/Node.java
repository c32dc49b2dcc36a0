package dev.tasktree.spi;

import dev.tasktree.Result;
import dev.tasktree.Tree;
import dev.tasktree.TreeBuilder;

/**
 * A leaf node you write yourself, or that another module provides (the LLM node is one). Add it to
 * a tree with {@link TreeBuilder#node(Node)}.
 *
 * <p>The runtime gives it a span, catches what it throws (an exception becomes {@code FAIL(e)} and
 * is recorded), and cancels it through interruption plus {@link NodeContext#onCancel} hooks. A node
 * instance may run on many threads at once: keep per-run state in locals or the blackboard.
 *
 * @param <B> the blackboard type
 */
@FunctionalInterface
public interface Node<B> {

  /** Runs once; returns OK or FAIL. Throwing is the same as returning {@code FAIL(exception)}. */
  Result execute(B blackboard, NodeContext context) throws Exception;

  /** The span name; defaults to {@link #kind()}. */
  default String name() {
    return kind();
  }

  /** The kind shown beside the name in traces and {@link Tree#describe()}. */
  default String kind() {
    return "Node";
  }
}
