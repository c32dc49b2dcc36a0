package dev.tasktree;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasktree.runtime.Outline;
import dev.tasktree.runtime.Run;
import dev.tasktree.runtime.Shapes;
import dev.tasktree.runtime.Step;
import dev.tasktree.runtime.Trees;
import dev.tasktree.runtime.VirtualHandOff;
import dev.tasktree.spi.NodeInfo;
import dev.tasktree.trace.Trace;
import dev.tasktree.trace.TraceIds;
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
  private volatile NodeInfo shape; // computed once, on first use
  private volatile JsonNode shapeJson;

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
    return VirtualHandOff.execute(run, name, root, blackboard, forks, this::shapeJson);
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
                result.complete(execution.execute(name, root, blackboard, this::shapeJson));
              } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
              }
            });
    return new RunHandle(traceId, execution, result);
  }

  /**
   * The tree's static shape, read-only: a {@code Tree} node named after the tree, its root node
   * below it, and so on, each with its kind, name, path (as its spans carry it), static arguments
   * and children. Subtrees appear under the node that runs them; a Gather shows its per-item tree
   * once, without an item index. Walk it with {@link NodeInfo#accept}.
   */
  public NodeInfo shape() {
    NodeInfo s = shape;
    if (s == null) {
      s = Shapes.of(name, root);
      shape = s;
    }
    return s;
  }

  private JsonNode shapeJson() {
    JsonNode json = shapeJson;
    if (json == null) {
      json = shape().toJson();
      shapeJson = json;
    }
    return json;
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
    return Outline.describe(name, root);
  }

  /**
   * The status outline of one run of this tree: {@link #describe()}'s outline with what the run did
   * at each node — {@code — OK}, {@code — FAIL ×3} (the last execution's status, and the number of
   * executions when there were several: Retry tries, RepeatWhile loops), {@code — CANCELLED} or
   * {@code — not run}. Spans are matched to nodes by path, so per-item spans of a Gather (whose
   * paths carry an index) are not counted on the per-item tree.
   *
   * <pre>
   * T — OK
   * └─ Retry [3 tries, no backoff] — OK
   *    └─ Call — OK ×3
   * </pre>
   *
   * @param trace a trace of a run of this tree (e.g. from an {@code InMemoryTraceSink})
   */
  public String outline(Trace trace) {
    return Outline.status(name, root, trace);
  }

  @Override
  public String toString() {
    return "Tree[" + name + "]";
  }
}
