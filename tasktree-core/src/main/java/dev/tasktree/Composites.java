package dev.tasktree;

import dev.tasktree.trace.Attributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;

/** The composite nodes: they run several children and combine their results. */
final class Composites {

  private Composites() {}

  /** A node with an ordered list of children. */
  abstract static class Composite<B> extends Step<B> {
    final List<Step<B>> children;

    Composite(String name, String kind, List<Step<B>> children) {
      super(name, kind);
      this.children = List.copyOf(children);
    }

    @Override
    List<? extends Step<?>> children() {
      return children;
    }
  }

  /** Runs children in order; FAIL at the first failure, else OK with the last child's data. */
  static final class Sequence<B> extends Composite<B> {
    Sequence(String name, List<Step<B>> children) {
      super(name, "Sequence", children);
    }

    @Override
    Result exec(B blackboard, Frame frame) {
      Result result = Result.ok();
      for (Step<B> child : children) {
        result = frame.run(child, blackboard);
        if (!result.isOk()) {
          return result;
        }
      }
      return result;
    }
  }

  /** Runs children in order until one is OK; FAIL with the last child's data otherwise. */
  static class Selector<B> extends Composite<B> {
    Selector(String name, List<Step<B>> children) {
      super(name, "Selector", children);
    }

    Selector(String name, String kind, List<Step<B>> children) {
      super(name, kind, children);
    }

    @Override
    Result exec(B blackboard, Frame frame) {
      return firstOk(children, blackboard, frame);
    }

    static <B> Result firstOk(List<Step<B>> order, B blackboard, Frame frame) {
      Result result = Result.fail();
      for (Step<B> child : order) {
        result = frame.run(child, blackboard);
        if (result.isOk()) {
          return result;
        }
      }
      return result;
    }
  }

  /** A Selector over a weighted random order drawn from the run's {@link Random}. */
  static final class RandomSelector<B> extends Selector<B> {
    private final Function<B, double[]> weights;

    RandomSelector(String name, List<Step<B>> children, Function<B, double[]> weights) {
      super(name, "RandomSelector", children);
      this.weights = weights;
    }

    @Override
    Result exec(B blackboard, Frame frame) {
      double[] w = weights == null ? null : weights.apply(blackboard);
      String problem = checkWeights(w, children.size());
      if (problem != null) {
        return frame.failWith(new IllegalArgumentException("RandomSelector: " + problem));
      }
      List<Step<B>> order = weightedOrder(children, w, frame.random());
      frame.attribute("order", order.stream().map(Step::segment).toList());
      return firstOk(order, blackboard, frame);
    }

    /** Null when the weights fit, else what is wrong with them. */
    static String checkWeights(double[] weights, int children) {
      if (weights == null) {
        return null;
      }
      if (weights.length != children) {
        return "expects " + children + " weights (one per child), found " + weights.length;
      }
      for (double weight : weights) {
        if (!(weight > 0) || Double.isInfinite(weight)) {
          return "weights must be positive and finite, found " + Arrays.toString(weights);
        }
      }
      return null;
    }

    /** Weighted sampling without replacement; uniform shuffle when weights is null. */
    static <T> List<T> weightedOrder(List<T> items, double[] weights, Random random) {
      List<T> order = new ArrayList<>(items);
      if (weights == null) {
        Collections.shuffle(order, random);
        return order;
      }
      // Efraimidis–Spirakis: sort by u^(1/w) descending.
      double[] keys = new double[items.size()];
      Integer[] index = new Integer[items.size()];
      for (int i = 0; i < keys.length; i++) {
        keys[i] = Math.pow(random.nextDouble(), 1.0 / weights[i]);
        index[i] = i;
      }
      Arrays.sort(index, (a, b) -> Double.compare(keys[b], keys[a]));
      for (int i = 0; i < index.length; i++) {
        order.set(i, items.get(index[i]));
      }
      return order;
    }
  }

  /**
   * Runs children concurrently (at most {@code limit} at once). OK when all are OK; data is the
   * list of child data in child order either way. Fail-fast: the first FAIL cancels the rest and is
   * the result.
   */
  static final class Parallel<B> extends Composite<B> {
    private final int limit;
    private final boolean failFast;

    Parallel(String name, List<Step<B>> children, int limit, boolean failFast) {
      super(name, "Parallel", children);
      this.limit = limit;
      this.failFast = failFast;
    }

    @Override
    String details() {
      return (limit == Integer.MAX_VALUE ? "" : "limit " + limit + " ")
          + (failFast ? "fail-fast" : "wait for all");
    }

    @Override
    Result exec(B blackboard, Frame frame) {
      AtomicReference<Result> firstFailure = new AtomicReference<>();
      try (Fork fork = new Fork(frame, limit)) {
        for (Step<B> child : children) {
          fork.spawn(
              f -> f.run(child, blackboard),
              task -> {
                if (failFast
                    && !task.result().isOk()
                    && firstFailure.compareAndSet(null, task.result())) {
                  fork.cancel("a sibling failed (fail-fast Parallel)");
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
  }

  /**
   * Runs a subtree once per item, each with its own blackboard, at most {@code limit} at once. OK
   * when every item is OK; data is the list of item data in input order either way.
   */
  static final class Gather<B, C> extends Step<B> {
    private final Function<B, ? extends Collection<? extends C>> items;
    private final Tree<C> tree;
    private final int limit;

    Gather(
        String name,
        Function<B, ? extends Collection<? extends C>> items,
        Tree<C> tree,
        int limit) {
      super(name, "Gather");
      this.items = items;
      this.tree = tree;
      this.limit = limit;
    }

    @Override
    String details() {
      return "each item through '"
          + tree.name()
          + "'"
          + (limit == Integer.MAX_VALUE ? "" : ", limit " + limit);
    }

    @Override
    List<? extends Step<?>> children() {
      return List.of(tree.root());
    }

    @Override
    Result exec(B blackboard, Frame frame) {
      List<? extends C> inputs = List.copyOf(items.apply(blackboard));
      frame.attribute("items", inputs.size());
      try (Fork fork = new Fork(frame, limit)) {
        for (int i = 0; i < inputs.size(); i++) {
          C item = inputs.get(i);
          int index = i;
          if (fork.spawn(f -> f.run(tree.root(), item, Attributes.INDEX, index), null) == null) {
            break;
          }
        }
        fork.join(Long.MAX_VALUE);
        return collect(fork.tasks());
      }
    }
  }

  /** Every task's data in order; OK when all tasks are OK. */
  private static Result collect(List<Fork.Task> tasks) {
    List<Object> data = new ArrayList<>(tasks.size());
    boolean allOk = true;
    for (Fork.Task task : tasks) {
      Result result = task.result();
      allOk &= result != null && result.isOk();
      data.add(result == null ? null : result.data());
    }
    return Result.of(allOk, Collections.unmodifiableList(data));
  }

  /**
   * Runs children concurrently; the first OK wins and the others are cancelled. FAIL with the data
   * of the child that failed last when none is OK.
   */
  static final class Race<B> extends Composite<B> {
    Race(String name, List<Step<B>> children) {
      super(name, "Race", children);
    }

    @Override
    Result exec(B blackboard, Frame frame) {
      AtomicReference<Result> winner = new AtomicReference<>();
      AtomicReference<Result> lastFailure = new AtomicReference<>(Result.fail());
      try (Fork fork = new Fork(frame, 0)) {
        for (Step<B> child : children) {
          fork.spawn(
              f -> f.run(child, blackboard),
              task -> {
                if (task.result().isOk()) {
                  if (winner.compareAndSet(null, task.result())) {
                    frame.attribute("winner", child.segment());
                    fork.cancel("lost the race to " + child.segment());
                  }
                } else {
                  lastFailure.set(task.result());
                }
              });
        }
        fork.join(Long.MAX_VALUE);
        return winner.get() != null ? winner.get() : lastFailure.get();
      }
    }
  }

  /** Runs the then-branch when the condition holds, else the else-branch (or OK(null)). */
  static final class If<B> extends Step<B> {
    private final Predicate<B> condition;
    private final Step<B> then;
    private final Step<B> otherwise;

    If(String name, Predicate<B> condition, Step<B> then, Step<B> otherwise) {
      super(name, "If");
      this.condition = condition;
      this.then = then;
      this.otherwise = otherwise;
    }

    @Override
    List<? extends Step<?>> children() {
      return otherwise == null ? List.of(then) : List.of(then, otherwise);
    }

    @Override
    Result exec(B blackboard, Frame frame) {
      boolean holds = condition.test(blackboard);
      frame.attribute("condition", holds);
      if (holds) {
        return frame.run(then, blackboard);
      }
      return otherwise == null ? Result.ok() : frame.run(otherwise, blackboard);
    }
  }
}
