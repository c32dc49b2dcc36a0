package dev.tasktree.node;

import dev.tasktree.Result;
import dev.tasktree.runtime.Frame;
import dev.tasktree.runtime.Spec;
import dev.tasktree.runtime.Step;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * <b>RandomSelector</b> ({@code randomSelector()}, {@code randomSelector(w1, w2, …)}, {@code
 * randomSelector(b -> weights)}): a Selector over a random order of its children, uniform or
 * weighted, drawn from the run's {@link Random} (so a seeded run repeats it).
 *
 * <p>OK and FAIL as a Selector over that order; also FAIL when weights computed at run time do not
 * fit. Weights must be positive and finite, one per child: fixed weights are checked by {@code
 * build()}, computed ones when the node runs. The span records the {@code order} tried (segments).
 *
 * @param <B> the blackboard type
 */
public final class RandomSelector<B> extends Step<B> {

  private final List<Step<B>> children;
  private final Function<B, double[]> weights;

  private RandomSelector(String name, List<Step<B>> children, Function<B, double[]> weights) {
    super(name, "RandomSelector");
    this.children = List.copyOf(children);
    this.weights = weights;
  }

  /** The descriptor of {@code randomSelector()}: a uniform order. */
  public static <B> Spec<B> spec() {
    return Spec.block(
        "RandomSelector", (name, children, branch) -> new RandomSelector<>(name, children, null));
  }

  /** The descriptor of {@code randomSelector(weights...)}: fixed weights, one per child. */
  public static <B> Spec<B> spec(double... weights) {
    if (weights == null) {
      return RandomSelector.<B>spec().notNull(null, "weights");
    }
    double[] fixed = weights.clone();
    return Spec.<B>block(
            "RandomSelector",
            (name, children, branch) -> new RandomSelector<>(name, children, b -> fixed))
        .checkChildren(children -> checkWeights(fixed, children));
  }

  /** The descriptor of {@code randomSelector(b -> weights)}: weights computed per run. */
  public static <B> Spec<B> spec(Function<B, double[]> weights) {
    return Spec.<B>block(
            "RandomSelector",
            (name, children, branch) -> new RandomSelector<>(name, children, weights))
        .notNull(weights, "weights");
  }

  @Override
  public List<? extends Step<?>> children() {
    return children;
  }

  @Override
  public Map<String, Object> arguments() {
    return Map.of("weights", weights == null ? "uniform" : "weighted");
  }

  @Override
  protected Result exec(B blackboard, Frame frame) {
    double[] w = weights == null ? null : weights.apply(blackboard);
    String problem = checkWeights(w, children.size());
    if (problem != null) {
      return frame.failWith(new IllegalArgumentException("RandomSelector: " + problem));
    }
    List<Step<B>> order = weightedOrder(children, w, frame.random());
    frame.attribute("order", order.stream().map(Step::segment).toList());
    return Selector.firstOk(order, blackboard, frame);
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
