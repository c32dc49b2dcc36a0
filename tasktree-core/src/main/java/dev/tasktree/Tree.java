package dev.tasktree;

import dev.tasktree.runtime.Run;
import dev.tasktree.runtime.Step;
import dev.tasktree.runtime.Trees;
import dev.tasktree.runtime.VirtualHandOff;
import dev.tasktree.trace.TraceIds;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A named behavior tree: immutable and thread-safe, so one instance may run any number of times at
 * once, each run with its own blackboard, random source, cancellation and trace. Build one with
 * {@link #named}; use it inside another with {@link TreeBuilder#subtree}.
 *
 * <pre>{@code
 * Tree<Chat> answer = Tree.<Chat>named("Answer")
 *     .sequence()
 *         .selector()
 *             .timeout(Duration.ofSeconds(20)).node(primaryModel)
 *             .timeout(Duration.ofSeconds(20)).node(secondaryModel)
 *             .call(chat -> "No model answered.")
 *         .end()
 *         .writeBlackboard(Chat::setAnswer)
 *     .end()
 *     .build();
 *
 * Result result = answer.run(new Chat("What is a behavior tree?"));
 * }</pre>
 *
 * @param <B> the blackboard type: the per-run state its nodes read and write
 */
public final class Tree<B> {

  static {
    Trees.install(
        new Trees.Access() {
          @Override
          public <C> Step<C> root(Tree<C> tree) {
            return tree.root;
          }

          @Override
          public int depth(Tree<?> tree) {
            return tree.depth;
          }
        });
  }

  private final String name;
  private final Step<B> root;
  private final int depth;
  private final boolean forks;

  Tree(String name, Step<B> root, int depth) {
    this.name = name;
    this.root = root;
    this.depth = depth;
    this.forks = VirtualHandOff.forks(root);
  }

  /** Starts building a tree with this name (its trace name and the first segment of paths). */
  public static <B> TreeBuilder<B> named(String name) {
    return new TreeBuilder<>(name);
  }

  /** The tree's name. */
  public String name() {
    return name;
  }

  /** Runs the tree on the calling thread with {@link RunOptions#defaults()}. */
  public Result run(B blackboard) {
    return run(blackboard, RunOptions.defaults());
  }

  /**
   * Runs the tree and returns when the run is over. Sequential nodes run on the calling thread; a
   * tree with forking nodes (Timeout, Terminable, Parallel, Race, Gather) called from a platform
   * thread runs on one virtual thread while the caller waits (thread-locals other than SLF4J's MDC
   * are then not visible to its nodes; interrupting the caller cancels the run).
   */
  public Result run(B blackboard, RunOptions options) {
    Run run =
        new Run(
            TraceIds.create(name, options.clock().instant()), name, options, options.newRandom());
    return VirtualHandOff.execute(run, name, root, blackboard, forks);
  }

  /** Starts the tree on a virtual thread with {@link RunOptions#defaults()}. */
  public RunHandle start(B blackboard) {
    return start(blackboard, RunOptions.defaults());
  }

  /** Starts the tree on a virtual thread; the handle gives its trace id, result and cancel. */
  public RunHandle start(B blackboard, RunOptions options) {
    String traceId = TraceIds.create(name, options.clock().instant());
    Run execution = new Run(traceId, name, options, options.newRandom());
    CompletableFuture<Result> result = new CompletableFuture<>();
    Thread.ofVirtual()
        .name("tasktree-run-" + traceId)
        .start(
            () -> {
              try {
                result.complete(execution.execute(name, root, blackboard));
              } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
              }
            });
    return new RunHandle(traceId, execution, result);
  }

  /**
   * The tree's shape as an indented outline, one node per line with its kind and settings:
   *
   * <pre>
   * Answer
   * └─ Sequence
   *    ├─ Selector
   *    │  ├─ Timeout [20s]
   *    ...
   * </pre>
   */
  public String describe() {
    StringBuilder out = new StringBuilder(name).append('\n');
    describe(root, "", true, out);
    return out.toString();
  }

  private static void describe(Step<?> step, String indent, boolean last, StringBuilder out) {
    out.append(indent).append(last ? "└─ " : "├─ ").append(step.name());
    if (!step.name().equals(step.kind())) {
      out.append(" (").append(step.kind()).append(')');
    }
    if (!step.details().isEmpty()) {
      out.append(" [").append(step.details()).append(']');
    }
    out.append('\n');
    List<? extends Step<?>> children = step.children();
    for (int i = 0; i < children.size(); i++) {
      describe(children.get(i), indent + (last ? "   " : "│  "), i == children.size() - 1, out);
    }
  }

  @Override
  public String toString() {
    return "Tree[" + name + "]";
  }
}
