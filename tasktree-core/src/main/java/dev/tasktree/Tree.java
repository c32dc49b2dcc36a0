package dev.tasktree;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasktree.runtime.Durable;
import dev.tasktree.runtime.Outline;
import dev.tasktree.runtime.Run;
import dev.tasktree.runtime.Shapes;
import dev.tasktree.runtime.Step;
import dev.tasktree.runtime.Trees;
import dev.tasktree.runtime.VirtualHandOff;
import dev.tasktree.spi.NodeInfo;
import dev.tasktree.store.Journal;
import dev.tasktree.store.JournalRecord;
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
    String traceId = TraceIds.create(name, options.clock().instant());
    Run run = new Run(traceId, name, options, options.newRandom(), durable(traceId, options));
    return VirtualHandOff.execute(run, name, root, blackboard, forks, this::shapeJson);
  }

  /**
   * Continues run {@code runId} of this tree from its journal ({@link RunOptions#withJournal}, the
   * journal the run was started with): the tree runs again from the root on {@code blackboard} (the
   * same input the run started with), every checkpoint the journal holds returns its journaled
   * result without running (its span records {@code tasktree.replayed = true}), and the rest runs
   * for real and is journaled under the same run id — so a run killed mid-way, resumed, and killed
   * again resumes again from where it got to. The resumed run writes a new trace whose {@code
   * tasktree.resumed_from} attribute names the run it continues.
   *
   * <p>Like {@link #run}, it never throws: it fails at once, without running anything, when the
   * options have no journal, the journal has no run {@code runId} or cannot be read, the run
   * already ended, or this tree's shape is not the journaled one (the error names the first node
   * that differs) — checkpoints are matched to nodes by path, so a changed tree cannot resume.
   *
   * @param runId the run's id: its first trace id, as {@link dev.tasktree.store.Journal#resumable}
   *     lists it
   */
  public Result resume(String runId, B blackboard, RunOptions options) {
    java.util.Objects.requireNonNull(runId, "runId");
    java.util.Objects.requireNonNull(options, "options");
    Journal journal = options.journal();
    if (journal == null) {
      return Result.fail(
          new IllegalStateException(
              "resume needs the run's journal: pass options with RunOptions.withJournal(...)"));
    }
    JournalRecord record;
    try {
      record = journal.read(runId).orElse(null);
    } catch (RuntimeException e) {
      return Result.fail(e);
    }
    if (record == null) {
      return Result.fail(
          new java.util.NoSuchElementException("the journal has no run '" + runId + "'"));
    }
    String refusal = Durable.refusal(record, name, shapeJson());
    if (refusal != null) {
      return Result.fail(new IllegalStateException(refusal));
    }
    Run run =
        new Run(
            TraceIds.create(name, options.clock().instant()),
            name,
            options,
            options.newRandom(),
            Durable.resumed(journal, record));
    return VirtualHandOff.execute(run, name, root, blackboard, forks, this::shapeJson);
  }

  private Durable durable(String runId, RunOptions options) {
    Journal journal = options.journal();
    return journal == null
        ? null
        : Durable.fresh(journal, runId, name, shapeJson(), options.clock());
  }

  /** Starts the tree on a virtual thread with {@link RunOptions#defaults()}. */
  public RunHandle start(B blackboard) {
    return start(blackboard, RunOptions.defaults());
  }

  /** Starts the tree on a virtual thread; the handle gives its trace id, result and cancel. */
  public RunHandle start(B blackboard, RunOptions options) {
    String traceId = TraceIds.create(name, options.clock().instant());
    Run execution = new Run(traceId, name, options, options.newRandom(), durable(traceId, options));
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
