package dev.tasktree.node;

import dev.tasktree.Result;
import dev.tasktree.Tree;
import dev.tasktree.runtime.Fork;
import dev.tasktree.runtime.Frame;
import dev.tasktree.runtime.Spec;
import dev.tasktree.runtime.Step;
import dev.tasktree.runtime.Trees;
import dev.tasktree.trace.Attributes;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * <b>Gather</b> ({@code gather(items, perItem[, maxConcurrency])}): runs a per-item tree once for
 * each item the blackboard yields, concurrently (at most {@code maxConcurrency} at once), each item
 * on its own blackboard.
 *
 * <p>OK when every item's run is OK (also when there are no items); FAIL when any item fails, after
 * all have finished. The data is the list of item data in input order, either way. The span records
 * the {@code items} count; each item is one span named after the per-item tree, kind Subtree, with
 * its index in its path ({@code Gather > Enrich[3]}) and in {@code tasktree.index}; the per-item
 * tree's nodes are below it.
 *
 * @param <B> the blackboard type
 * @param <C> the per-item blackboard type
 */
public final class Gather<B, C> extends Step<B> {

  private final Function<B, ? extends Collection<? extends C>> items;
  private final Tree<C> tree;
  private final int limit;

  private Gather(
      String name, Function<B, ? extends Collection<? extends C>> items, Tree<C> tree, int limit) {
    super(name, "Gather");
    this.items = items;
    this.tree = tree;
    this.limit = limit;
  }

  /** The descriptor of {@code gather(items, perItem, maxConcurrency)}. */
  public static <B, C> Spec<B> spec(
      Function<B, ? extends Collection<? extends C>> items, Tree<C> perItem, int maxConcurrency) {
    return Spec.<B>leaf("Gather", name -> new Gather<>(name, items, perItem, maxConcurrency))
        .notNull(items, "items")
        .notNull(perItem, "perItem")
        .check(maxConcurrency > 0, "concurrency limit must be positive, found " + maxConcurrency)
        .nested(perItem == null ? 0 : Trees.depth(perItem) + 1);
  }

  @Override
  public String details() {
    return "each item through '"
        + tree.name()
        + "'"
        + (limit == Integer.MAX_VALUE ? "" : ", limit " + limit);
  }

  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> args = new LinkedHashMap<>();
    args.put("tree", tree.name());
    if (limit != Integer.MAX_VALUE) {
      args.put("limit", limit);
    }
    return args;
  }

  @Override
  public List<? extends Step<?>> children() {
    return List.of(Trees.root(tree));
  }

  @Override
  public boolean forks() {
    return true;
  }

  @Override
  protected Result exec(B blackboard, Frame frame) {
    List<? extends C> inputs = List.copyOf(items.apply(blackboard));
    frame.attribute("items", inputs.size());
    try (Fork fork = new Fork(frame, limit)) {
      for (int i = 0; i < inputs.size(); i++) {
        C item = inputs.get(i);
        Step<C> itemStep = new Item<>(tree, i);
        int index = i;
        if (fork.spawn(f -> f.run(itemStep, item, Attributes.INDEX, index), null) == null) {
          break;
        }
      }
      fork.join(Long.MAX_VALUE);
      return Parallel.collect(fork.tasks());
    }
  }

  /**
   * One item's run of the per-item tree: its span is named after the tree, its index in the path.
   */
  private static final class Item<C> extends Step<C> {
    private final Step<C> root;

    Item(Tree<C> tree, int index) {
      super(tree.name(), "Subtree", tree.name() + "[" + index + "]");
      this.root = Trees.root(tree);
    }

    @Override
    protected Result exec(C blackboard, Frame frame) {
      return frame.run(root, blackboard);
    }
  }
}
