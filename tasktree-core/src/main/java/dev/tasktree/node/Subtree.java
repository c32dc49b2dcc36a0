package dev.tasktree.node;

import dev.tasktree.Result;
import dev.tasktree.Tree;
import dev.tasktree.runtime.Frame;
import dev.tasktree.runtime.Spec;
import dev.tasktree.runtime.Step;
import dev.tasktree.runtime.Trees;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * <b>Subtree</b> ({@code subtree(tree)}, {@code subtree(tree, b -> childBoard)}): runs another tree
 * here, on the same blackboard or on one made from it.
 *
 * <p>OK or FAIL as the subtree's root. One span named after the subtree, with the subtree's nodes
 * below it.
 *
 * @param <B> the blackboard type
 * @param <C> the subtree's blackboard type
 */
public final class Subtree<B, C> extends Step<B> {

  private final Tree<C> tree;
  private final Function<B, C> blackboard;

  private Subtree(String name, Tree<C> tree, Function<B, C> blackboard) {
    super(name, "Subtree");
    this.tree = tree;
    this.blackboard = blackboard;
  }

  /** The descriptor of {@code subtree(tree, blackboard)}. */
  public static <B, C> Spec<B> spec(Tree<C> tree, Function<B, C> blackboard) {
    return Spec.<B>leaf("Subtree", name -> new Subtree<>(name, tree, blackboard))
        .notNull(tree, "tree")
        .notNull(blackboard, "blackboard")
        .defaultName(tree == null ? "Subtree" : tree.name())
        .nested(tree == null ? 0 : Trees.depth(tree));
  }

  @Override
  public List<? extends Step<?>> children() {
    return List.of(Trees.root(tree));
  }

  @Override
  public Map<String, Object> arguments() {
    return Map.of("tree", tree.name());
  }

  @Override
  protected Result exec(B parentBlackboard, Frame frame) {
    return frame.run(Trees.root(tree), blackboard.apply(parentBlackboard));
  }
}
