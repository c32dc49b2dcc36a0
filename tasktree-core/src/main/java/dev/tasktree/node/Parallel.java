package dev.tasktree.node;

import dev.tasktree.Result;
import dev.tasktree.runtime.Fork;
import dev.tasktree.runtime.Frame;
import dev.tasktree.runtime.Spec;
import dev.tasktree.runtime.Step;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * <b>Parallel</b> ({@code parallel([maxConcurrency]) … end()}) and <b>ParallelFailFast</b> ({@code
 * parallelFailFast([maxConcurrency]) … end()}): run their children concurrently on virtual threads,
 * at most {@code maxConcurrency} at once.
 *
 * <p>Parallel waits for every child: OK when all are OK, FAIL when any fails; the data is the list
 * of child data in child order, either way. ParallelFailFast is OK the same way, but the first
 * failure cancels the other children (their spans end CANCELLED with the reason {@code a sibling
 * failed}) and is the result.
 *
 * @param <B> the blackboard type
 */
public final class Parallel<B> extends Step<B> {

  private final List<Step<B>> children;
  private final int limit;
  private final boolean failFast;

  private Parallel(String name, List<Step<B>> children, int limit, boolean failFast) {
    super(name, failFast ? "ParallelFailFast" : "Parallel");
    this.children = List.copyOf(children);
    this.limit = limit;
    this.failFast = failFast;
  }

  /** The descriptor of {@code parallel(maxConcurrency)} or {@code parallelFailFast(…)}. */
  public static <B> Spec<B> spec(int maxConcurrency, boolean failFast) {
    return Spec.<B>block(
            failFast ? "ParallelFailFast" : "Parallel",
            (name, children, branch) -> new Parallel<>(name, children, maxConcurrency, failFast))
        .check(maxConcurrency > 0, "concurrency limit must be positive, found " + maxConcurrency);
  }

  @Override
  public List<? extends Step<?>> children() {
    return children;
  }

  @Override
  public String details() {
    return limit == Integer.MAX_VALUE ? "" : "limit " + limit;
  }

  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> args = new LinkedHashMap<>();
    if (limit != Integer.MAX_VALUE) {
      args.put("limit", limit);
    }
    return args;
  }

  @Override
  public boolean forks() {
    return true;
  }

  @Override
  protected Result exec(B blackboard, Frame frame) {
    AtomicReference<Result> firstFailure = new AtomicReference<>();
    try (Fork fork = new Fork(frame, limit)) {
      for (Step<B> child : children) {
        fork.spawn(
            f -> f.run(child, blackboard),
            task -> {
              if (failFast
                  && !task.result().isOk()
                  && firstFailure.compareAndSet(null, task.result())) {
                fork.cancel("a sibling failed (ParallelFailFast)");
              }
            });
      }
      fork.join(Long.MAX_VALUE);
      if (firstFailure.get() != null) {
        return firstFailure.get();
      }
      return collect(fork.tasks());
    }
  }

  /** Every task's data in order; OK when all tasks are OK. */
  static Result collect(List<Fork.Task> tasks) {
    List<Object> data = new ArrayList<>(tasks.size());
    boolean allOk = true;
    for (Fork.Task task : tasks) {
      Result result = task.result();
      allOk &= result != null && result.isOk();
      data.add(result == null ? null : result.data());
    }
    return Result.of(allOk, Collections.unmodifiableList(data));
  }
}
