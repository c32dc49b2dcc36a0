package dev.tasktree.spi;

/**
 * Walks a tree's {@link NodeInfo shape} depth first, in child order: {@link #enter} before a node's
 * children, {@link #leave} after them.
 *
 * <pre>{@code
 * tree.shape().accept(node -> {
 *   System.out.println(node.path());
 *   return true;
 * });
 * }</pre>
 */
@FunctionalInterface
public interface NodeVisitor {

  /**
   * Visits a node before its children.
   *
   * @return whether to visit its children
   */
  boolean enter(NodeInfo node);

  /** Visits a node after its children (also when {@link #enter} skipped them). */
  default void leave(NodeInfo node) {}
}
