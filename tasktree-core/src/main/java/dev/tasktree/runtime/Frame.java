package dev.tasktree.runtime;

import dev.tasktree.Result;
import dev.tasktree.spi.NodeContext;
import dev.tasktree.spi.RunInterceptor;
import dev.tasktree.store.CacheStore;
import dev.tasktree.store.SignalStore;
import dev.tasktree.trace.LogLevel;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * One node's execution, and the one place where a node's children are started, timed, traced and
 * unwound on cancellation ({@link #run}). What the node's code sees is its {@link #context()}; the
 * previous-result flow is its {@link Lane}; fork tasks continue it on other threads through {@link
 * #forThread}.
 */
public final class Frame {

  private final Run run;
  private final Scope scope;
  private final Recorder.Span span;
  private final Lane lane;
  private final Frame parent;
  private final String segment;
  private final Fork.Task task;
  private final Attempt attempt;
  private String path;
  private String occurrencePath;
  private FrameContext context;

  Frame(
      Run run,
      Scope scope,
      Recorder.Span span,
      Lane lane,
      Frame parent,
      String segment,
      Fork.Task task,
      Attempt attempt,
      String path) {
    this.run = run;
    this.scope = scope;
    this.span = span;
    this.lane = lane;
    this.parent = parent;
    this.segment = segment;
    this.task = task;
    this.attempt = attempt;
    this.path = path;
  }

  Run run() {
    return run;
  }

  Scope scope() {
    return scope;
  }

  Recorder.Span span() {
    return span;
  }

  Attempt attempt() {
    return attempt;
  }

  /** This node, continued on another thread inside {@code scope} (for a fork task). */
  Frame forThread(Scope scope, Fork.Task task) {
    return new Frame(run, scope, span, lane.fork(), parent, segment, task, attempt, path);
  }

  /** What this node's code (a function, a {@code Node}, advice) sees of the run. */
  public NodeContext context() {
    FrameContext c = context;
    if (c == null) {
      c = new FrameContext(this);
      context = c;
    }
    return c;
  }

  /** Runs a child node in this node's flow and scope. */
  public <C> Result run(Step<C> step, C blackboard) {
    return run(step, blackboard, null, null, attempt);
  }

  /** Runs a child node with one attribute on its span (e.g. a Gather item's index). */
  public <C> Result run(Step<C> step, C blackboard, String key, Object value) {
    return run(step, blackboard, key, value, attempt);
  }

  /**
   * Runs try {@code number} (1 for the first) of a Retry or loop of a RepeatWhile: the child's
   * subtree sees it through {@code NodeContext.attempt()} and {@code lastFailure()}, its span
   * carries {@code key} = {@code number - 1}.
   */
  public <C> Result runAttempt(
      Step<C> step, C blackboard, String key, int number, Result lastFailure) {
    return run(step, blackboard, key, number - 1, new Attempt(number, lastFailure));
  }

  /**
   * Runs a child node: refuses to start inside a cancelled scope, opens its span (with one
   * attribute when {@code key} is not null), turns an exception into {@code FAIL(e)}, and unwinds
   * with {@link Cancelled} when the scope was cancelled meanwhile.
   */
  private <C> Result run(Step<C> step, C blackboard, String key, Object value, Attempt attempt) {
    if (scope.cancelled()) {
      throw new Cancelled(scope.reason());
    }
    String childPath = run.recorder().enabled() ? childPath(path(), step) : null;
    Recorder.Span childSpan = run.recorder().start(span, step.name(), step.kind(), childPath);
    if (task != null) {
      task.started(childSpan);
    }
    if (key != null) {
      childSpan.attribute(key, value);
    }
    Frame child =
        new Frame(run, scope, childSpan, lane, this, step.segment(), null, attempt, childPath);
    Result result;
    try (RunInterceptor.Entered entered = run.enter(childSpan)) {
      result = step.exec(blackboard, child);
      if (result == null) {
        throw new IllegalStateException(step.kind() + " '" + step.name() + "' returned null");
      }
    } catch (Cancelled cancelled) {
      childSpan.cancelled(cancelled.getMessage());
      throw cancelled;
    } catch (Exception | AssertionError | StackOverflowError e) {
      if (scope.cancelled()) {
        childSpan.cancelled(scope.reason());
        throw new Cancelled(scope.reason());
      }
      childSpan.error(e);
      result = Result.fail(e);
    }
    if (scope.cancelled()) {
      childSpan.cancelled(scope.reason());
      throw new Cancelled(scope.reason());
    }
    childSpan.end(result);
    lane.finished(result);
    return result;
  }

  /** A child span of this node around {@code work}, on this thread (for NodeContext.span). */
  Frame childSpanFrame(String name, Recorder.Span childSpan, String childPath) {
    return new Frame(run, scope, childSpan, lane, this, name, null, attempt, childPath);
  }

  /** Records {@code error} as the cause of this node's failure and returns {@code FAIL(error)}. */
  public Result failWith(Throwable error) {
    span.error(error);
    return Result.fail(error);
  }

  /** Records a log line on this node's span. */
  public void log(LogLevel level, String message) {
    run.recorder().log(span, path(), level, message);
  }

  /**
   * Marks this node's span as waiting for a decision under {@code key} on {@code proposal} (status
   * WAITING until it ends).
   */
  public void waiting(String key, Object proposal) {
    span.waiting(key, proposal);
  }

  /**
   * Suspends the whole run while this node waits: its span ends WAITING, the run's other work is
   * cancelled as by {@code RunHandle.cancel()}, and the run ends {@code FAIL(suspended)} with trace
   * status WAITING. The caller throws what this returns.
   */
  public Cancelled suspend(dev.tasktree.SuspendedException suspended) {
    span.end(dev.tasktree.trace.Status.WAITING, null);
    run.suspend(suspended);
    return new Cancelled(suspended.getMessage());
  }

  /** Records an attribute on this node's span. */
  public void attribute(String key, Object value) {
    span.attribute(key, value);
  }

  /** This node's path from the tree root. */
  public String path() {
    if (path == null) {
      path = parent == null ? segment : parent.path() + " > " + segment;
    }
    return path;
  }

  /**
   * A child's path: the one its step was built with when that is the same text (every node of a
   * tree outside Gather items and subtrees), so a traced run does not build one string per node.
   */
  private static String childPath(String parentPath, Step<?> step) {
    String built = step.path();
    String segment = step.segment();
    int n = parentPath.length();
    if (built.length() == n + 3 + segment.length()
        && built.startsWith(parentPath)
        && built.startsWith(" > ", n)
        && built.endsWith(segment)) {
      return built;
    }
    return parentPath + " > " + segment;
  }

  /**
   * This node's path with {@code #k} after each segment that is try (or loop) {@code k} of a Retry
   * (or RepeatWhile): the part of a checkpoint key that tells occurrences apart.
   */
  String occurrencePath() {
    String p = occurrencePath;
    if (p == null) {
      String own =
          parent != null && attempt != parent.attempt ? segment + "#" + attempt.number() : segment;
      p = parent == null ? own : parent.occurrencePath() + " > " + own;
      occurrencePath = p;
    }
    return p;
  }

  /**
   * Runs {@code work} as checkpoint {@code name} of this node. Without a journal it just runs it.
   * With one: when a resumed run's journal holds this checkpoint, its outcome is read back through
   * {@code format} and returned without running {@code work}, and this node's span records {@code
   * tasktree.replayed = true}; otherwise {@code work} runs and its result is journaled (when {@code
   * format} encodes it). What {@code work} throws — a cancellation among it — is never journaled. A
   * journal that cannot append is a warning on the span: the run goes on, that checkpoint will run
   * again on a resume.
   *
   * @throws IllegalStateException when a journaled outcome cannot be read back
   */
  public Result checkpoint(String name, Durable.Format format, Callable<Result> work)
      throws Exception {
    Durable durable = run.durable();
    return durable == null ? work.call() : durable.checkpoint(this, name, format, work);
  }

  /** The result of the node that finished just before this one in the same flow. */
  public Optional<Result> previous() {
    return Optional.ofNullable(lane.last());
  }

  /** The run's trace id. */
  public String traceId() {
    return run.traceId();
  }

  /** The run's random source. */
  public Random random() {
    return run.random();
  }

  /** The run's cache store. */
  public CacheStore cacheStore() {
    return run.options().cacheStore();
  }

  /** The run's signal store. */
  public SignalStore signalStore() {
    return run.options().signalStore();
  }

  /** The run's id: its journal's run id when durable (kept across resumes), else its trace id. */
  public String runId() {
    Durable durable = run.durable();
    return durable == null ? run.traceId() : durable.runId();
  }

  /** Whether an Approval without a decision suspends the run rather than blocking. */
  public boolean suspendsOnApproval() {
    return run.options().suspendsOnApproval();
  }

  /** Whether this node's subtree has been cancelled. */
  public boolean cancelled() {
    return scope.cancelled();
  }
}
