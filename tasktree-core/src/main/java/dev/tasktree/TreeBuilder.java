package dev.tasktree;

import dev.tasktree.Spec.Shape;
import dev.tasktree.trace.LogLevel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The fluent builder behind {@link Tree#named}. Composites ({@code sequence()}, {@code selector()},
 * {@code parallel()}, {@code race()}, {@code randomSelector()}) open a block that {@link #end()}
 * closes. Decorators ({@code retry}, {@code timeout}, {@code cache}, {@code when}, ...) wrap the
 * single node that follows them — a leaf, a whole block, or another decorator. {@link #fallback()}
 * and {@link #orElse()} add a branch to the Timeout/Terminable or If just before them. {@link
 * #build()} checks the whole shape and reports every problem with its node path.
 *
 * <pre>{@code
 * Tree<Job> tree = Tree.<Job>named("Job")
 *     .sequence()
 *         .retry(3).call(Job::fetch)
 *         .timeout(Duration.ofSeconds(5)).call(Job::process)
 *         .fallback().call(job -> "skipped")
 *         .writeBlackboard(Job::setOutput)
 *     .end()
 *     .build();
 * }</pre>
 *
 * <p>Not thread-safe; a builder builds one tree, once.
 *
 * @param <B> the blackboard type
 */
public final class TreeBuilder<B> {

  private final String treeName;
  private final Spec<B> root;
  private final Deque<Spec<B>> open = new ArrayDeque<>();
  private final List<String> problems = new ArrayList<>();
  private String pendingName;
  private boolean built;

  TreeBuilder(String treeName) {
    if (treeName == null || treeName.isBlank()) {
      throw new IllegalArgumentException("a tree needs a non-blank name");
    }
    this.treeName = treeName;
    this.root = new Spec<>("Tree", Shape.BLOCK, null);
    this.root.name = treeName;
    open.push(root);
  }

  // ---------------------------------------------------------------- naming

  /** Names the next node (its span and path show this name instead of its kind). */
  public TreeBuilder<B> name(String name) {
    checkOpen();
    if (pendingName != null) {
      problems.add(currentPath() + ": name(\"" + pendingName + "\") is followed by another name()");
    }
    pendingName = Objects.requireNonNull(name, "name");
    return this;
  }

  // ---------------------------------------------------------------- leaves

  /** A node that runs {@code function}; see {@link #call(ContextFunction)}. */
  public TreeBuilder<B> call(Callable<?> function) {
    Objects.requireNonNull(function, "function");
    return call((b, ctx) -> function.call());
  }

  /** A node that runs {@code function} on the blackboard; see {@link #call(ContextFunction)}. */
  public TreeBuilder<B> call(BlackboardFunction<B, ?> function) {
    Objects.requireNonNull(function, "function");
    return call((b, ctx) -> function.apply(b));
  }

  /**
   * A node that runs {@code function}. A returned {@link Result} passes through; any other value is
   * {@code OK(value)}; an exception is {@code FAIL(exception)} and is recorded in the trace.
   */
  public TreeBuilder<B> call(ContextFunction<B, ?> function) {
    Objects.requireNonNull(function, "function");
    return leaf("Call", name -> new Leaves.Call<>(name, function));
  }

  /** Adds any {@link Node} — yours, or another module's (the LLM node). */
  public TreeBuilder<B> node(Node<B> node) {
    Objects.requireNonNull(node, "node");
    Spec<B> spec = new Spec<>(node.kind(), Shape.LEAF, (n, c, b) -> new Leaves.Custom<>(n, node));
    spec.name = node.name();
    return add(spec);
  }

  /** Records {@code message} at INFO on the trace; OK(null). */
  public TreeBuilder<B> log(String message) {
    return log(LogLevel.INFO, b -> message);
  }

  /** Records a message computed from the blackboard; OK(null). */
  public TreeBuilder<B> log(LogLevel level, Function<B, String> message) {
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(message, "message");
    return leaf("Log", name -> new Leaves.Log<>(name, level, message));
  }

  /** A placeholder for work not written yet: OK(null) and a TODO line in the trace. */
  public TreeBuilder<B> todo(String note) {
    return leaf("TODO", name -> new Leaves.Todo<>(name, note));
  }

  /** Always FAIL(null). */
  public TreeBuilder<B> failure() {
    return failure(b -> null);
  }

  /** Always FAIL with data computed from the blackboard. */
  public TreeBuilder<B> failure(Function<B, ?> data) {
    Objects.requireNonNull(data, "data");
    return leaf("Failure", name -> new Leaves.Failure<>(name, data));
  }

  /** OK(blackboard): the trace shows the blackboard at this point. */
  public TreeBuilder<B> showBlackboard() {
    return leaf("ShowBlackboard", Leaves.ShowBlackboard::new);
  }

  /**
   * Writes the previous result's data to the blackboard through {@code setter} (e.g. {@code
   * Chat::setAnswer}); OK(data). FAIL when there is no previous result or the setter does not
   * accept its type.
   */
  @SuppressWarnings("unchecked")
  public <T> TreeBuilder<B> writeBlackboard(BiConsumer<B, T> setter) {
    Objects.requireNonNull(setter, "setter");
    BiConsumer<B, Object> untyped = (BiConsumer<B, Object>) setter;
    return leaf("WriteBlackboard", name -> new Leaves.WriteBlackboard<>(name, untyped));
  }

  /** OK(true) when {@code predicate} holds, FAIL(false) otherwise. */
  public TreeBuilder<B> condition(Predicate<B> predicate) {
    Objects.requireNonNull(predicate, "predicate");
    return leaf("Condition", name -> new Leaves.Condition<>(name, predicate));
  }

  /** Runs {@code tree}'s nodes here, on the same blackboard. */
  public TreeBuilder<B> subtree(Tree<B> tree) {
    return subtree(tree, b -> b);
  }

  /** Runs {@code tree}'s nodes here, on a blackboard made from this one. */
  public <C> TreeBuilder<B> subtree(Tree<C> tree, Function<B, C> blackboard) {
    Objects.requireNonNull(tree, "tree");
    Objects.requireNonNull(blackboard, "blackboard");
    Spec<B> spec =
        new Spec<>("Subtree", Shape.LEAF, (n, c, b) -> new Leaves.Subtree<>(n, tree, blackboard));
    spec.name = tree.name();
    return add(spec);
  }

  /** Parses the previous result's data as JSON (leniently) into maps, lists and values. */
  public TreeBuilder<B> parseJson() {
    return parseJson(null, Object.class, null);
  }

  /** Parses the previous result's data as JSON into {@code type}, then hands it to {@code into}. */
  public <T> TreeBuilder<B> parseJson(Class<T> type, BiConsumer<B, ? super T> into) {
    return parseJson(null, type, into);
  }

  /**
   * Parses JSON text into {@code type}. Strips {@code ```json} fences and surrounding prose;
   * accepts trailing commas, comments and single quotes. OK(value), or FAIL with the parse error.
   *
   * @param source the text, from the blackboard; null for the previous result's data
   * @param type the target type ({@code Object.class} for maps, lists and values)
   * @param into where to write the value; null for nowhere
   */
  public <T> TreeBuilder<B> parseJson(
      Function<B, String> source, Class<T> type, BiConsumer<B, ? super T> into) {
    Objects.requireNonNull(type, "type");
    return leaf("ParseJSON", name -> new Leaves.ParseJson<>(name, source, type, into));
  }

  /**
   * Runs {@code perItem} once per blackboard that {@code items} returns, all at once; OK when all
   * are OK, data = the item data in input order.
   */
  public <C> TreeBuilder<B> gather(
      Function<B, ? extends Collection<? extends C>> items, Tree<C> perItem) {
    return gather(items, perItem, Integer.MAX_VALUE);
  }

  /** Like {@link #gather(Function, Tree)}, at most {@code maxConcurrency} items at once. */
  public <C> TreeBuilder<B> gather(
      Function<B, ? extends Collection<? extends C>> items, Tree<C> perItem, int maxConcurrency) {
    Objects.requireNonNull(items, "items");
    Objects.requireNonNull(perItem, "perItem");
    Spec<B> spec =
        new Spec<>(
            "Gather",
            Shape.LEAF,
            (n, c, b) -> new Composites.Gather<>(n, items, perItem, maxConcurrency));
    requirePositive(spec, maxConcurrency);
    return add(spec);
  }

  // ---------------------------------------------------------------- composites

  /** Children in order; FAIL at the first failure, else OK with the last child's data. */
  public TreeBuilder<B> sequence() {
    return block("Sequence", (n, c, b) -> new Composites.Sequence<>(n, c));
  }

  /** Children in order until one is OK; FAIL with the last child's data when none is. */
  public TreeBuilder<B> selector() {
    return block("Selector", (n, c, b) -> new Composites.Selector<>(n, c));
  }

  /** A selector over a uniformly random order (from the run's random source). */
  public TreeBuilder<B> randomSelector() {
    return block("RandomSelector", (n, c, b) -> new Composites.RandomSelector<>(n, c, null));
  }

  /** A selector over a random order weighted per child (one positive weight per child). */
  public TreeBuilder<B> randomSelector(double... weights) {
    double[] fixed = weights.clone();
    Spec<B> spec =
        new Spec<>(
            "RandomSelector",
            Shape.BLOCK,
            (n, c, b) -> new Composites.RandomSelector<>(n, c, board -> fixed));
    spec.childCheck = children -> Composites.RandomSelector.checkWeights(fixed, children);
    return add(spec);
  }

  /** A selector over a random order weighted by weights computed per run. */
  public TreeBuilder<B> randomSelector(Function<B, double[]> weights) {
    Objects.requireNonNull(weights, "weights");
    return block("RandomSelector", (n, c, b) -> new Composites.RandomSelector<>(n, c, weights));
  }

  /** Children concurrently, waiting for all; OK when all are OK; data = child data in order. */
  public TreeBuilder<B> parallel() {
    return parallel(Integer.MAX_VALUE);
  }

  /** Like {@link #parallel()}, at most {@code maxConcurrency} children at once. */
  public TreeBuilder<B> parallel(int maxConcurrency) {
    Spec<B> spec =
        new Spec<>(
            "Parallel",
            Shape.BLOCK,
            (n, c, b) -> new Composites.Parallel<>(n, c, maxConcurrency, false));
    requirePositive(spec, maxConcurrency);
    return add(spec);
  }

  /** Children concurrently; the first FAIL cancels the others and is the result. */
  public TreeBuilder<B> parallelFailFast() {
    return parallelFailFast(Integer.MAX_VALUE);
  }

  /** Like {@link #parallelFailFast()}, at most {@code maxConcurrency} children at once. */
  public TreeBuilder<B> parallelFailFast(int maxConcurrency) {
    Spec<B> spec =
        new Spec<>(
            "Parallel",
            Shape.BLOCK,
            (n, c, b) -> new Composites.Parallel<>(n, c, maxConcurrency, true));
    requirePositive(spec, maxConcurrency);
    return add(spec);
  }

  /**
   * Children concurrently; the first OK wins and the others are cancelled (hedged requests). FAIL
   * with the last failure's data when none is OK.
   */
  public TreeBuilder<B> race() {
    return block("Race", (n, c, b) -> new Composites.Race<>(n, c));
  }

  /**
   * If: runs the next node when {@code condition} holds; an {@link #orElse()} right after it adds
   * the else-branch. Without one, a false condition is OK(null).
   */
  public TreeBuilder<B> when(Predicate<B> condition) {
    Objects.requireNonNull(condition, "condition");
    Spec<B> spec =
        new Spec<>(
            "If", Shape.DECORATOR, (n, c, b) -> new Composites.If<>(n, condition, c.getFirst(), b));
    spec.acceptsBranch = "Else";
    return add(spec);
  }

  /** The else-branch (the next node) of the {@link #when} just before it. */
  public TreeBuilder<B> orElse() {
    return add(new Spec<>("Else", Shape.BRANCH, null));
  }

  // ---------------------------------------------------------------- decorators

  /** OK with the child's data, whatever the child returned. */
  public TreeBuilder<B> forceOk() {
    return transform("ForceOk", (b, r) -> Result.ok(r.data()));
  }

  /** OK with data computed from the blackboard, whatever the child returned. */
  public TreeBuilder<B> forceOk(Function<B, ?> data) {
    Objects.requireNonNull(data, "data");
    return transform("ForceOk", (b, r) -> Result.ok(data.apply(b)));
  }

  /** FAIL with the child's data, whatever the child returned. */
  public TreeBuilder<B> forceFail() {
    return transform("ForceFail", (b, r) -> Result.fail(r.data()));
  }

  /** FAIL with data computed from the blackboard, whatever the child returned. */
  public TreeBuilder<B> forceFail(Function<B, ?> data) {
    Objects.requireNonNull(data, "data");
    return transform("ForceFail", (b, r) -> Result.fail(data.apply(b)));
  }

  /** The child's status with data computed from the blackboard. */
  public TreeBuilder<B> returning(Function<B, ?> data) {
    Objects.requireNonNull(data, "data");
    return transform("Return", (b, r) -> Result.of(r.isOk(), data.apply(b)));
  }

  /** OK becomes FAIL and FAIL becomes OK; the data stays. */
  public TreeBuilder<B> invert() {
    return transform("Invert", (b, r) -> Result.of(!r.isOk(), r.data()));
  }

  /** Tries the child up to {@code maxTries} times in all, without waiting between tries. */
  public TreeBuilder<B> retry(int maxTries) {
    return retry(RetryPolicy.tries(maxTries));
  }

  /**
   * Tries the child until it is OK, following {@code policy}: one span per attempt, no wait after
   * the last try, waits that end at once when the run is cancelled. FAIL with the last failure.
   */
  public TreeBuilder<B> retry(RetryPolicy policy) {
    Objects.requireNonNull(policy, "policy");
    return decorator("Retry", (n, c, b) -> new Decorators.Retry<>(n, c.getFirst(), policy));
  }

  /**
   * While: runs the child again and again while {@code condition} holds (checked before each loop),
   * at most 1,000 loops; see {@link #repeatWhile(Predicate, int)}.
   */
  public TreeBuilder<B> repeatWhile(Predicate<B> condition) {
    return repeatWhile(condition, 1_000);
  }

  /**
   * While: runs the child while {@code condition} holds. OK with the last loop's data (OK(null)
   * when it never ran); FAIL at the first failing loop, or when the condition still holds after
   * {@code maxLoops} loops. One span per loop.
   */
  public TreeBuilder<B> repeatWhile(Predicate<B> condition, int maxLoops) {
    Objects.requireNonNull(condition, "condition");
    Spec<B> spec =
        new Spec<>(
            "While",
            Shape.DECORATOR,
            (n, c, b) -> new Decorators.While<>(n, c.getFirst(), condition, maxLoops));
    if (maxLoops < 1) {
      spec.problems.add("maxLoops must be positive, found " + maxLoops);
    }
    return add(spec);
  }

  /**
   * Runs the child with a deadline. At the deadline the child's whole subtree is cancelled; then a
   * {@link #fallback()} right after the child runs, or the node fails with a {@link
   * java.util.concurrent.TimeoutException}.
   */
  public TreeBuilder<B> timeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    Spec<B> spec =
        new Spec<>(
            "Timeout",
            Shape.DECORATOR,
            (n, c, b) -> new Decorators.Timeout<>(n, c.getFirst(), b, timeout));
    if (timeout.isNegative() || timeout.isZero()) {
      spec.problems.add("timeout must be positive, found " + timeout);
    }
    spec.acceptsBranch = "Fallback";
    return add(spec);
  }

  /**
   * Runs the child until a termination signal under {@code key} is raised in the run's {@link
   * RunOptions#signalStore() signal store} (also when raised before the node starts). Then the
   * child's subtree is cancelled and a {@link #fallback()} runs, or the node fails with a {@link
   * TerminatedException}. A store failure is a warning, not a termination.
   */
  public TreeBuilder<B> terminable(Function<B, String> key) {
    return terminable(key, OnStoreError.CONTINUE);
  }

  /** Like {@link #terminable(Function)}, choosing what a store failure does. */
  public TreeBuilder<B> terminable(Function<B, String> key, OnStoreError onStoreError) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(onStoreError, "onStoreError");
    Spec<B> spec =
        new Spec<>(
            "Terminable",
            Shape.DECORATOR,
            (n, c, b) -> new Decorators.Terminable<>(n, c.getFirst(), b, key, onStoreError));
    spec.acceptsBranch = "Fallback";
    return add(spec);
  }

  /** The fallback branch (the next node) of the Timeout or Terminable just before it. */
  public TreeBuilder<B> fallback() {
    return add(new Spec<>("Fallback", Shape.BRANCH, null));
  }

  /**
   * Caches the child's OK data: a hit returns OK(value) without running the child. A store failure
   * is a warning; the child's result stands. See {@link CachePolicy}.
   */
  public TreeBuilder<B> cache(CachePolicy<B> policy) {
    Objects.requireNonNull(policy, "policy");
    return decorator("Cacher", (n, c, b) -> new Decorators.Cacher<>(n, c.getFirst(), policy));
  }

  /** Runs the child through {@code around}, which decides when, whether and how it runs. */
  public TreeBuilder<B> wrap(Around<B> around) {
    Objects.requireNonNull(around, "around");
    return decorator("Wrapper", (n, c, b) -> new Decorators.Wrapper<>(n, c.getFirst(), around));
  }

  /** Runs the child only while {@code breaker} lets it; see {@link BreakerNode}. */
  public TreeBuilder<B> breaker(CircuitBreaker breaker) {
    Objects.requireNonNull(breaker, "breaker");
    return decorator("Breaker", (n, c, b) -> new BreakerNode<>(n, c.getFirst(), breaker));
  }

  /** Runs the child once {@code limiter} hands out a permit; see {@link RateLimitNode}. */
  public TreeBuilder<B> rateLimit(RateLimiter limiter) {
    Objects.requireNonNull(limiter, "limiter");
    return decorator("RateLimit", (n, c, b) -> new RateLimitNode<>(n, c.getFirst(), limiter));
  }

  /** Runs the child under {@code budget}; see {@link BudgetNode}. */
  public TreeBuilder<B> budget(Budget budget) {
    Objects.requireNonNull(budget, "budget");
    return decorator("Budget", (n, c, b) -> new BudgetNode<>(n, c.getFirst(), budget));
  }

  // ---------------------------------------------------------------- structure

  /** Closes the innermost open composite. */
  public TreeBuilder<B> end() {
    checkOpen();
    Spec<B> top = open.peek();
    if (top == root) {
      problems.add(treeName + ": end() without an open composite");
      return this;
    }
    if (top.shape != Shape.BLOCK) {
      problems.add(
          top.path() + ": end() reached while this " + top.kind + " still waits for its child");
    }
    open.pop();
    closeFinishedDecorators();
    return this;
  }

  /**
   * Checks the whole shape and returns the immutable tree.
   *
   * @throws TreeShapeException listing every problem, each with its node path
   */
  public Tree<B> build() {
    checkOpen();
    built = true;
    List<String> all = new ArrayList<>(problems);
    if (pendingName != null) {
      all.add(currentPath() + ": name(\"" + pendingName + "\") is not followed by a node");
    }
    for (Spec<B> spec : open) {
      if (spec != root && spec.shape == Shape.BLOCK) {
        all.add(spec.path() + ": not closed; call end()");
      }
    }
    attachBranches(root, all);
    if (root.children.size() != 1) {
      all.add(
          treeName
              + ": a tree has exactly one root node, found "
              + root.children.size()
              + (root.children.size() > 1 ? " (put them in a sequence())" : ""));
    }
    check(root, all);
    if (!all.isEmpty()) {
      throw new TreeShapeException(treeName, all);
    }
    return new Tree<>(treeName, compile(root.children.getFirst(), treeName));
  }

  // ---------------------------------------------------------------- internals

  private TreeBuilder<B> leaf(String kind, Function<String, Step<B>> step) {
    return add(new Spec<>(kind, Shape.LEAF, (n, c, b) -> step.apply(n)));
  }

  private TreeBuilder<B> block(String kind, Spec.Factory<B> factory) {
    return add(new Spec<>(kind, Shape.BLOCK, factory));
  }

  private TreeBuilder<B> decorator(String kind, Spec.Factory<B> factory) {
    return add(new Spec<>(kind, Shape.DECORATOR, factory));
  }

  private TreeBuilder<B> transform(String kind, BiFunction<B, Result, Result> f) {
    return decorator(kind, (n, c, b) -> new Decorators.Transform<>(n, kind, c.getFirst(), f));
  }

  private static void requirePositive(Spec<?> spec, int maxConcurrency) {
    if (maxConcurrency < 1) {
      spec.problems.add("concurrency limit must be positive, found " + maxConcurrency);
    }
  }

  private TreeBuilder<B> add(Spec<B> spec) {
    checkOpen();
    if (pendingName != null) {
      spec.name = pendingName;
      pendingName = null;
    }
    Spec<B> parent = open.peek();
    spec.parent = parent;
    parent.children.add(spec);
    if (spec.shape != Shape.LEAF) {
      open.push(spec);
    }
    closeFinishedDecorators();
    return this;
  }

  /** Decorators and branches close as soon as they have their one child. */
  private void closeFinishedDecorators() {
    while (open.peek() != root) {
      Spec<B> top = open.peek();
      boolean single = top.shape == Shape.DECORATOR || top.shape == Shape.BRANCH;
      if (single && top.children.size() == 1) {
        open.pop();
      } else {
        break;
      }
    }
  }

  /** Moves each Fallback / Else into the node before it, reporting misplaced ones. */
  private static <B> void attachBranches(Spec<B> spec, List<String> problems) {
    List<Spec<B>> kept = new ArrayList<>();
    for (Spec<B> child : spec.children) {
      if (child.shape != Shape.BRANCH) {
        kept.add(child);
        continue;
      }
      Spec<B> before = kept.isEmpty() ? null : kept.getLast();
      String expected = child.kind.equals("Fallback") ? "a Timeout or Terminable" : "an If (when)";
      if (before == null || !child.kind.equals(before.acceptsBranch)) {
        problems.add(child.path() + ": " + child.kind + " must directly follow " + expected);
      } else if (before.branch != null) {
        problems.add(child.path() + ": " + before.kind + " already has a " + child.kind);
      } else if (child.children.size() != 1) {
        problems.add(child.path() + ": expects one child, found " + child.children.size());
      } else {
        before.branch = child.children.getFirst();
        before.branch.parent = before;
      }
    }
    spec.children.clear();
    spec.children.addAll(kept);
    for (Spec<B> child : kept) {
      attachBranches(child, problems);
      if (child.branch != null) {
        attachBranches(child.branch, problems);
      }
    }
  }

  private static <B> void check(Spec<B> spec, List<String> problems) {
    int n = spec.children.size();
    if (spec.parent != null) {
      switch (spec.shape) {
        case DECORATOR -> {
          if (n != 1) {
            problems.add(spec.path() + ": expects one child, found " + n);
          }
        }
        case BLOCK -> {
          if (n == 0) {
            problems.add(spec.path() + ": expects at least one child, found none");
          }
        }
        case LEAF, BRANCH -> {}
      }
      for (String problem : spec.problems) {
        problems.add(spec.path() + ": " + problem);
      }
      String childProblem = spec.childCheck.apply(n);
      if (childProblem != null && n > 0) {
        problems.add(spec.path() + ": " + childProblem);
      }
    }
    for (Spec<B> child : spec.children) {
      check(child, problems);
    }
    if (spec.branch != null) {
      check(spec.branch, problems);
    }
  }

  private static <B> Step<B> compile(Spec<B> spec, String path) {
    List<Step<B>> children = new ArrayList<>(spec.children.size());
    for (Spec<B> child : spec.children) {
      children.add(compile(child, path + " > " + child.segment()));
    }
    Step<B> branch =
        spec.branch == null ? null : compile(spec.branch, path + " > " + spec.branch.segment());
    Step<B> step = spec.factory.create(spec.name, children, branch);
    step.place(spec.segment(), path);
    return step;
  }

  private String currentPath() {
    return open.peek().path();
  }

  private void checkOpen() {
    if (built) {
      throw new IllegalStateException(
          "the builder of tree '"
              + treeName
              + "' has already built its tree; start a new one with Tree.named(...)");
    }
  }
}
