package dev.tasktree.node;

import dev.tasktree.Result;
import dev.tasktree.runtime.Frame;
import dev.tasktree.runtime.Spec;
import dev.tasktree.runtime.Step;
import dev.tasktree.spi.Node;

/**
 * <b>Custom node</b> ({@code node(Node)}): a {@link Node} you wrote, or one from another module
 * (the LLM node).
 *
 * <p>OK or FAIL as {@code execute} returns; a thrown exception is {@code FAIL(exception)} and is
 * recorded. The span takes the node's {@code name()} and {@code kind()}; its logs, attributes and
 * child spans land under it.
 *
 * @param <B> the blackboard type
 */
public final class Custom<B> extends Step<B> {

  private final Node<B> node;

  private Custom(String name, Node<B> node) {
    super(name, node.kind());
    this.node = node;
  }

  /** The descriptor of {@code node(node)}. */
  public static <B> Spec<B> spec(Node<B> node) {
    if (node == null) {
      return Spec.<B>leaf("Node", name -> null).notNull(null, "node");
    }
    String kind = node.kind();
    if (kind == null || kind.isBlank()) {
      return Spec.<B>leaf("Node", name -> null).check(false, "node kind must not be blank");
    }
    return Spec.<B>leaf(kind, name -> new Custom<>(name, node)).defaultName(node.name());
  }

  @Override
  protected Result exec(B blackboard, Frame frame) throws Exception {
    return node.execute(blackboard, frame.context());
  }
}
