package dev.tasktree;

import dev.tasktree.store.CacheStore;
import dev.tasktree.store.SignalStore;
import dev.tasktree.trace.LogLevel;
import dev.tasktree.trace.Status;
import java.time.Clock;
import java.util.Optional;
import java.util.Random;

/**
 * One node's execution: its span, its cancellation scope, its flow of previous results. The one
 * place where a node is started, timed, traced, and unwound on cancellation ({@link #run}); the
 * {@link NodeContext} its code sees.
 */
final class Frame implements NodeContext {

  /** The sequential flow a node runs in; it knows the last result. One per thread of a run. */
  static final class Lane {
    Result last;

    Lane(Result last) {
      this.last = last;
    }
  }

  private final Execution run;
  private final Scope scope;
  private final Recorder.Span span;
  private final Lane lane;
  private final Frame parent;
  private final String segment;
  private final Fork.Task task;
  private String path;

  Frame(
      Execution run,
      Scope scope,
      Recorder.Span span,
      Lane lane,
      Frame parent,
      String segment,
      Fork.Task task,
      String path) {
    this.run = run;
    this.scope = scope;
    this.span = span;
    this.lane = lane;
    this.parent = parent;
    this.segment = segment;
    this.task = task;
    this.path = path;
  }

  Execution run() {
    return run;
  }

  Scope scope() {
    return scope;
  }

  Recorder.Span span() {
    return span;
  }

  /** This node, continued on another thread inside {@code scope} (for a fork task). */
  Frame forThread(Scope scope, Fork.Task task) {
    return new Frame(run, scope, span, new Lane(lane.last), parent, segment, task, path);
  }

  /** Runs a child node in this node's flow and scope. */
  <C> Result run(Step<C> step, C blackboard) {
    return run(step, blackboard, null, null);
  }

  /**
   * Runs a child node: refuses to start inside a cancelled scope, opens its span (with one
   * attribute when {@code key} is not null), turns an exception into {@code FAIL(e)}, and unwinds
   * with {@link Cancelled} when the scope was cancelled meanwhile.
   */
  <C> Result run(Step<C> step, C blackboard, String key, Object value) {
    if (scope.cancelled()) {
      throw new Cancelled(scope.reason());
    }
    String childPath = run.recorder().enabled() ? path() + " > " + step.segment() : null;
    Recorder.Span childSpan = run.recorder().start(span, step.name(), step.kind(), childPath);
    if (task != null && task.span == null) {
      task.span = childSpan;
    }
    if (key != null) {
      childSpan.attribute(key, value);
    }
    Frame child = new Frame(run, scope, childSpan, lane, this, step.segment(), null, childPath);
    Result result;
    try {
      result = step.exec(blackboard, child);
      if (result == null) {
        throw new IllegalStateException(step.kind() + " '" + step.name() + "' returned null");
      }
    } catch (Cancelled cancelled) {
      childSpan.cancelled(cancelled.getMessage());
      throw cancelled;
    } catch (Exception | AssertionError e) {
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
    lane.last = result;
    return result;
  }

  /** Records {@code error} as the cause of this node's failure and returns {@code FAIL(error)}. */
  Result failWith(Throwable error) {
    span.error(error);
    return Result.fail(error);
  }

  @Override
  public <T> T span(String name, String kind, SpanWork<T> work) throws Exception {
    if (scope.cancelled()) {
      throw new Cancelled(scope.reason());
    }
    String childPath = run.recorder().enabled() ? path() + " > " + name : null;
    Recorder.Span childSpan = run.recorder().start(span, name, kind, childPath);
    Frame child = new Frame(run, scope, childSpan, lane, this, name, null, childPath);
    try {
      T value = work.run(child);
      childSpan.end(value instanceof Result r ? r : Result.ok(value));
      return value;
    } catch (Cancelled cancelled) {
      childSpan.cancelled(cancelled.getMessage());
      throw cancelled;
    } catch (Exception e) {
      childSpan.error(e);
      childSpan.end(Status.FAIL, e);
      throw e;
    }
  }

  @Override
  public String traceId() {
    return run.traceId();
  }

  @Override
  public String path() {
    if (path == null) {
      path = parent == null ? segment : parent.path() + " > " + segment;
    }
    return path;
  }

  @Override
  public Optional<Result> previous() {
    return Optional.ofNullable(lane.last);
  }

  @Override
  public Random random() {
    return run.random();
  }

  @Override
  public Clock clock() {
    return run.options().clock();
  }

  @Override
  public CacheStore cacheStore() {
    return run.options().cacheStore();
  }

  @Override
  public SignalStore signalStore() {
    return run.options().signalStore();
  }

  @Override
  public void log(LogLevel level, String message) {
    run.recorder().log(span, path(), level, message);
  }

  @Override
  public void attribute(String key, Object value) {
    span.attribute(key, value);
  }

  @Override
  public boolean cancelled() {
    return scope.cancelled();
  }

  @Override
  public Registration onCancel(Runnable hook) {
    Runnable remove = scope.onCancel(hook);
    return remove::run;
  }
}
