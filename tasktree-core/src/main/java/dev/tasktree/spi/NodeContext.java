package dev.tasktree.spi;

import dev.tasktree.Result;
import dev.tasktree.RunOptions;
import dev.tasktree.TreeBuilder;
import dev.tasktree.store.CacheStore;
import dev.tasktree.store.SignalStore;
import dev.tasktree.trace.LogLevel;
import java.time.Clock;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * What a running node can see and record: the previous result, the run's random source and clock,
 * the stores, and its own span (logs, attributes, child spans). Handed to {@link
 * TreeBuilder#call(dev.tasktree.ContextFunction) call} functions, {@link Node}s and {@link Around}
 * advice. Valid only while that node runs. It is thread-safe: a node may record logs, attributes
 * and child spans from helper threads it starts (e.g. concurrent tool calls), as long as it joins
 * them before it returns.
 */
public interface NodeContext {

  /** The run's trace id (also when tracing is off). */
  String traceId();

  /** This node's path from the tree root, e.g. {@code Answer > Sequence > Call[1]}. */
  String path();

  /**
   * The result of the node that finished just before this one in the same flow: the previous
   * sibling in a Sequence, or what came before the enclosing composite. Empty at the start of a
   * run.
   */
  Optional<Result> previous();

  /**
   * Which try this is of the innermost enclosing Retry, or which loop of the innermost enclosing
   * RepeatWhile: 1 for the first. 1 outside any. The whole subtree of a try sees the same number.
   */
  int attempt();

  /**
   * The failure of the try before this one under the innermost enclosing Retry (its status and
   * data, e.g. the exception), so a retried node can do better: tell a model what was wrong with
   * its last answer. Empty on the first try, outside any Retry, and under RepeatWhile (a failing
   * loop ends the RepeatWhile, so no loop follows a failure).
   */
  Optional<Result> lastFailure();

  /** The run's random source (seedable through {@link RunOptions#withRandom}). */
  Random random();

  /** The run's clock (settable through {@link RunOptions#withClock}). */
  Clock clock();

  /** The run's cache store. */
  CacheStore cacheStore();

  /** The run's termination-signal store. */
  SignalStore signalStore();

  /** Records a log line on this node's span. */
  void log(LogLevel level, String message);

  /** Records an attribute on this node's span; the value is stored as typed JSON. */
  void attribute(String key, Object value);

  /**
   * Runs {@code work} on this thread as a child span of this node (a tool call, a sub-step). The
   * span ends OK or FAIL with the returned value ({@link Result}s keep their status); an exception
   * ends it FAIL, is recorded, and is rethrown.
   */
  <T> T span(String name, String kind, SpanWork<T> work) throws Exception;

  /**
   * Runs {@code work} as a checkpoint named {@code name} of this node: with a journal configured
   * ({@link RunOptions#withJournal}), its value (and, when {@code codec} says so, its failure) is
   * journaled when it completes, and a resumed run that finds it in the journal returns the
   * journaled outcome without running {@code work} — recording {@code tasktree.replayed = true} on
   * this node's span. Without a journal it just runs {@code work}.
   *
   * <p>A checkpoint is identified by this node's path, the tries and loops of the enclosing Retry
   * and RepeatWhile nodes, {@code name}, and how many checkpoints of that name this node started
   * before in the same occurrence — so name concurrent checkpoints of one node distinctly (the LLM
   * node names a tool call after its call id). A cancelled or interrupted {@code work} is never
   * journaled.
   *
   * @throws Exception what {@code work} threw, or the replayed failure
   */
  default <T> T checkpoint(String name, CheckpointCodec<T> codec, Callable<T> work)
      throws Exception {
    return work.call();
  }

  /** Whether this node's subtree has been cancelled; long loops should check it. */
  boolean cancelled();

  /**
   * Runs {@code hook} when this node is cancelled (at once if it already is) — e.g. to abort an
   * HTTP call that does not react to interruption.
   *
   * @return a handle that removes the hook; close it when the guarded work is done
   */
  Registration onCancel(Runnable hook);

  /** Work that runs inside a child span. */
  @FunctionalInterface
  interface SpanWork<T> {
    /** Runs with the child span's context. */
    T run(NodeContext context) throws Exception;
  }

  /** Removes a registered hook. */
  interface Registration extends AutoCloseable {
    @Override
    void close();
  }
}
