package dev.tasktree.runtime;

import dev.tasktree.Tree;

/**
 * The runtime's view of a built {@link Tree}'s internals (its root node and depth), which the
 * public {@code Tree} does not expose. {@code Tree} installs the access when its class initialises;
 * any code holding a tree has therefore already triggered that.
 */
public final class Trees {

  /** What {@code Tree} reveals to the runtime. */
  public interface Access {
    /** The tree's root node. */
    <B> Step<B> root(Tree<B> tree);

    /** How deeply the tree's nodes nest, its subtrees included. */
    int depth(Tree<?> tree);
  }

  private static volatile Access access;

  private Trees() {}

  /** Called once, by {@code Tree}'s static initialiser; later calls are ignored. */
  public static void install(Access tree) {
    if (access == null) {
      access = tree;
    }
  }

  /** The tree's root node. */
  public static <B> Step<B> root(Tree<B> tree) {
    return access.root(tree);
  }

  /** How deeply the tree's nodes nest. */
  public static int depth(Tree<?> tree) {
    return access.depth(tree);
  }
}
