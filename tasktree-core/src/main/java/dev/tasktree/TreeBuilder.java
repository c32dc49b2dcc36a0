package dev.tasktree;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.tasktree.node.Approval;
import dev.tasktree.node.Breaker;
import dev.tasktree.node.Budget;
import dev.tasktree.node.Bulkhead;
import dev.tasktree.node.Cache;
import dev.tasktree.node.Call;
import dev.tasktree.node.Checkpoint;
import dev.tasktree.node.Condition;
import dev.tasktree.node.Custom;
import dev.tasktree.node.Failure;
import dev.tasktree.node.ForceFail;
import dev.tasktree.node.ForceOk;
import dev.tasktree.node.Gather;
import dev.tasktree.node.Hedge;
import dev.tasktree.node.Invert;
import dev.tasktree.node.Log;
import dev.tasktree.node.Parallel;
import dev.tasktree.node.ParseJson;
import dev.tasktree.node.Race;
import dev.tasktree.node.RandomSelector;
import dev.tasktree.node.RateLimit;
import dev.tasktree.node.RepeatWhile;
import dev.tasktree.node.Retry;
import dev.tasktree.node.Returning;
import dev.tasktree.node.Selector;
import dev.tasktree.node.Sequence;
import dev.tasktree.node.ShowBlackboard;
import dev.tasktree.node.Subtree;
import dev.tasktree.node.Terminable;
import dev.tasktree.node.Timeout;
import dev.tasktree.node.Todo;
import dev.tasktree.node.When;
import dev.tasktree.node.Wrap;
import dev.tasktree.node.WriteBlackboard;
import dev.tasktree.runtime.Assembly;
import dev.tasktree.runtime.Branch;
import dev.tasktree.runtime.Spec;
import dev.tasktree.runtime.Step;
import dev.tasktree.spi.Around;
import dev.tasktree.spi.Node;
import dev.tasktree.trace.LogLevel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The fluent builder behind {@link Tree#named}. Each verb adds one node, and its name is the node's
 * kind in traces ({@code sequence()} adds a Sequence, {@code repeatWhile(…)} a RepeatWhile).
 * Composites ({@code sequence()}, {@code selector()}, {@code parallel()}, {@code race()}, {@code
 * randomSelector()}) open a block that {@link #end()} closes. Decorators ({@code retry}, {@code
 * timeout}, {@code cache}, {@code when}, ...) wrap the single node that follows them — a leaf, a
 * whole block, or another decorator. {@link #fallback()} and {@link #orElse()} add a branch to the
 * Timeout/Terminable or When just before them. Each node kind's rules are in its class in {@code
 * dev.tasktree.node} and in {@code docs/semantics.md}.
 *
 * <p>Verbs never throw for bad arguments or a wrong shape: {@link #build()} reports every problem
 * at once, each with its node path.
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
  private final Assembly<B> assembly;
  private boolean built;

  TreeBuilder(String treeName) {
    this.treeName = treeName;
    this.assembly = new Assembly<>(treeName);
  }

  // ---------------------------------------------------------------- naming

  /**
   * Names the next node: its span and path show this name instead of its kind. A name must not be
   * blank, contain {@code " > "} or an index like {@code [3]} (both would make paths ambiguous).
   *
   * @throws IllegalStateException when this builder has already built its tree
   */
  public TreeBuilder<B> name(String name) {
    checkOpen();
    assembly.name(name);
    return this;
  }

  // ---------------------------------------------------------------- leaves

  /**
   * A Call of {@code function}; see {@link #call(ContextFunction)}.
   *
   * @throws IllegalStateException when this builder has already built its tree
   */
  public TreeBuilder<B> call(Callable<?> function) {
    return add(Call.spec(function == null ? null : (b, ctx) -> function.call()));
  }

  /**
   * A Call of {@code function} on the blackboard; see {@link #call(ContextFunction)}.
   *
   * @throws IllegalStateException when this builder has already built its tree
   */
  public TreeBuilder<B> call(BlackboardFunction<B, ?> function) {
    return add(Call.spec(function == null ? null : (b, ctx) -> function.apply(b)));
  }

  /**
   * A Call: runs {@code function}. A returned {@link Result} passes through; any other value is
   * {@code OK(value)}; an exception is {@code FAIL(exception)} and is recorded in the trace.
   *
   * @throws IllegalStateException when this builder has already built its tree
   */
  public TreeBuilder<B> call(ContextFunction<B, ?> function) {
    return add(Call.spec(function));
  }

  /**
   * Adds any {@link Node} — yours, or another module's (the LLM node).
   *
   * @throws IllegalStateException when this builder has already built its tree
   */
  public TreeBuilder<B> node(Node<B> node) {
    return add(Custom.spec(node));
  }

  /**
   * A Log of {@code message} at INFO; OK(null).
   *
   * @throws IllegalStateException when this builder has already built its tree
   */
  public TreeBuilder<B> log(String message) {
    return log(LogLevel.INFO, b -> message);
  }

  /**
   * A Log of a message computed from the blackboard; OK(null).
   *
   * @throws IllegalStateException when this builder has already built its tree
   */
  public TreeBuilder<B> log(LogLevel level, Function<B, String> message) {
    return add(Log.spec(level, message));
  }

  /**
   * A Todo: a placeholder for work not written yet; OK(null) and a TODO line in the trace.
   *
   * @throws IllegalStateException when this builder has already built its tree
   */
  public TreeBuilder<B> todo(String note) {
    return add(Todo.spec(note));
  }

  /**
   * A Failure: always FAIL(null).
   *
   * @throws IllegalStateException when this builder has already built its tree
   */
  public TreeBuilder<B> failure() {
    return failure(b -> null);
  }

  /**
   * A Failure: always FAIL with data computed from the blackboard.
   *
   * @throws IllegalStateException when this builder has already built its tree
   */
  public TreeBuilder<B> failure(Function<B, ?> data) {
    return add(Failure.spec(data));
  }

  /**
   * A ShowBlackboard: OK(blackboard), so the trace shows the blackboard at this point.
   *
   * @throws IllegalStateException when this builder has already built its tree
   */
  public TreeBuilder<B> showBlackboard() {
    return add(ShowBlackboard.spec());
  }

  /**
   * A WriteBlackboard: writes the previous result's data to the blackboard through {@code setter}
   * (e.g. {@code Chat::setAnswer}); OK(data). FAIL when there is no previous result or the setter
   * does not accept its type.
   *
   * @throws IllegalStateException when this builder has already built its tree
   */
  public <T> TreeBuilder<B> writeBlackboard(BiConsumer<B, T> setter) {
    return add(WriteBlackboard.spec(setter));
  }

  /**
   * A Condition: OK(true) when {@code predicate} holds, FAIL(false) otherwise.
   *
   * @throws IllegalStateException when this builder has already built its tree
   */
  public TreeBuilder<B> condition(Predicate<B> predicate) {
    return add(Condition.spec(predicate));
  }

  /**
   * A Subtree: runs {@code tree}'s nodes here, on the same blackboard.
   *
   * @throws IllegalStateException when this builder has already built its tree
   */
  public TreeBuilder<B> subtree(Tree<B> tree) {
    return subtree(tree, b -> b);
  }

  /**
   * A Subtree: runs {@code tree}'s nodes here, on a blackboard made from this one.
   *
   * @throws IllegalStateException when this builder has already built its tree
   */
  public <C> TreeBuilder<B> subtree(Tree<C> tree, Function<B, C> blackboard) {
    return add(Subtree.spec(tree, blackboard));
  }

  /**
   * A ParseJson of the previous result's data (leniently) into maps, lists and values.
   *
   * @throws IllegalStateException when this builder has already built its tree
   */
  public TreeBuilder<B> parseJson() {
    return parseJson(null, Object.class, null);
  }

  /**
   * A ParseJson of the previous result's data into {@code type}, handed to {@code into}.
   *
   * @throws IllegalStateException when this builder has already built its tree
   */
  public <T> TreeBuilder<B> parseJson(Class<T> type, BiConsumer<B, ? super T> into) {
    return parseJson(null, type, into);
  }

  /**
   * A ParseJson: parses JSON text into {@code type}. Strips {@code ```json} fences and surrounding
   * prose; accepts trailing commas, comments and single quotes. OK(value), or FAIL with the parse
   * error.
   *
   * @param source the text, from the blackboard; null for the previous result's data
   * @param type the target type ({@code Object.class} for maps, lists and values)
   * @param into where to write the value; null for nowhere
   * @throws IllegalStateException when this builder has already built its tree
   */
  public <T> TreeBuilder<B> parseJson(
      Function<B, String> source, Class<T> type, BiConsumer<B, ? super T> into) {
    return add(ParseJson.spec(source, type, into));
  }

  /**
   * A Gather: runs {@code perItem} once per blackboard that {@code items} returns, all at once; OK
   * when all are OK, data = the item data in input order.
   *
   * @throws IllegalStateException when this builder has already built its tree
   */
  public <C> TreeBuilder<B> gather(
      Function<B, ? extends Collection<? extends C>> items, Tree<C> perItem) {
    return gather(items, perItem, Integer.MAX_VALUE);
  }

  /**
   * A Gather like {@link #gather(Function, Tree)}, at most {@code maxConcurrency} items at once.
   *
   * @throws IllegalStateException when this builder has already built its tree
   */
  public <C> TreeBuilder<B> gather(
      Function<B, ? extends Collection<? extends C>> items, Tree<C> perItem, int maxConcurrency) {
    return add(Gather.spec(items, perItem, maxConcurrency));
  }

  // ---------------------------------------------------------------- composites

  /**
   * A Sequence: children in order; FAIL at the first failure, else OK with the last child's data.
   *
   * @throws IllegalStateException when this builder has already built its tree
   */
  public TreeBuilder<B> sequence() {
    return add(Sequence.spec());
  }

  /**
   * A Selector: children in order until one is OK; FAIL with the last child's data when none is.
   *
   * @throws IllegalStateException when this builder has already built its tree
   */
  public TreeBuilder<B> selector() {
    return add(Selector.spec());
  }

  /**
   * A RandomSelector over a uniformly random order (from the run's random source).
   *
   * @throws IllegalStateException when this builder has already built its tree
   */
  public TreeBuilder<B> randomSelector() {
    return add(RandomSelector.spec());
  }

  /**
   * A RandomSelector over a random order weighted per child (one positive weight per child).
   *
   * @throws IllegalStateException when this builder has already built its tree
   */
  public TreeBuilder<B> randomSelector(double... weights) {
    return add(RandomSelector.spec(weights));
  }

  /**
   * A RandomSelector over a random order weighted by weights computed per run.
   *
   * @throws IllegalStateException when this builder has already built its tree
   */
  public TreeBuilder<B> randomSelector(Function<B, double[]> weights) {
    return add(RandomSelector.spec(weights));
  }

  /**
   * A Parallel: children concurrently, waiting for all; OK when all are OK; data = child data in
   * order.
   *
   * @throws IllegalStateException when this builder has already built its tree
   */
  public TreeBuilder<B> parallel() {
    return parallel(Integer.MAX_VALUE);
  }

  /**
   * A Parallel like {@link #parallel()}, at most {@code maxConcurrency} children at once.
   *
   * @throws IllegalStateException when this builder has already built its tree
   */
  public TreeBuilder<B> parallel(int maxConcurrency) {
    return add(Parallel.spec(maxConcurrency, false));
  }

  /**
   * A ParallelFailFast: children concurrently; the first FAIL cancels the others and is the result.
   *
   * @throws IllegalStateException when this builder has already built its tree
   */
  public TreeBuilder<B> parallelFailFast() {
    return parallelFailFast(Integer.MAX_VALUE);
  }

  /**
   * A ParallelFailFast like {@link #parallelFailFast()}, at most {@code maxConcurrency} at once.
   *
   * @throws IllegalStateException when this builder has already built its tree
   */
  public TreeBuilder<B> parallelFailFast(int maxConcurrency) {
    return add(Parallel.spec(maxConcurrency, true));
  }

  /**
   * A Race: children concurrently; the first OK wins and the others are cancelled (hedged
   * requests). FAIL with the last failure's data when none is OK.
   *
   * @throws IllegalStateException when this builder has already built its tree
   */
  public TreeBuilder<B> race() {
    return add(Race.spec());
  }

  /**
   * A When: runs the next node when {@code condition} holds; an {@link #orElse()} right after it
   * adds the else-branch. Without one, a false condition is OK(null).
   *
   * @throws IllegalStateException when this builder has already built its tree
   */
  public TreeBuilder<B> when(Predicate<B> condition) {
    return add(When.spec(condition));
  }

  /**
   * The else-branch (the next node) of the {@link #when} just before it.
   *
   * @throws IllegalStateException when this builder has already built its tree
   */
  public TreeBuilder<B> orElse() {
    return add(Spec.branch(Branch.OR_ELSE));
  }

  // ---------------------------------------------------------------- decorators

  /**
   * A ForceOk: OK with the child's data, whatever the child returned.
   *
   * @throws IllegalStateException when this builder has already built its tree
   */
  public TreeBuilder<B> forceOk() {
    return add(ForceOk.spec());
  }

  /**
   * A ForceOk: OK with data computed from the blackboard, whatever the child returned.
   *
   * @throws IllegalStateException when this builder has already built its tree
   */
  public TreeBuilder<B> forceOk(Function<B, ?> data) {
    return add(ForceOk.spec(data));
  }

  /**
   * A ForceFail: FAIL with the child's data, whatever the child returned.
   *
   * @throws IllegalStateException when this builder has already built its tree
   */
  public TreeBuilder<B> forceFail() {
    return add(ForceFail.spec());
  }

  /**
   * A ForceFail: FAIL with data computed from the blackboard, whatever the child returned.
   *
   * @throws IllegalStateException when this builder has already built its tree
   */
  public TreeBuilder<B> forceFail(Function<B, ?> data) {
    return add(ForceFail.spec(data));
  }

  /**
   * A Returning: the child's status with data computed from the blackboard.
   *
   * @throws IllegalStateException when this builder has already built its tree
   */
  public TreeBuilder<B> returning(Function<B, ?> data) {
    return add(Returning.spec(data));
  }

  /**
   * An Invert: OK becomes FAIL and FAIL becomes OK; the data stays.
   *
   * @throws IllegalStateException when this builder has already built its tree
   */
  public TreeBuilder<B> invert() {
    return add(Invert.spec());
  }

  /**
   * A Retry: tries the child up to {@code maxTries} times in all (at least 1), without waiting.
   *
   * @throws IllegalStateException when this builder has already built its tree
   */
  public TreeBuilder<B> retry(int maxTries) {
    return add(Retry.spec(maxTries));
  }

  /**
   * A Retry: tries the child until it is OK, following {@code policy}: one span per attempt, no
   * wait after the last try, waits that end at once when the run is cancelled. FAIL with the last
   * failure.
   *
   * @throws IllegalStateException when this builder has already built its tree
   */
  public TreeBuilder<B> retry(RetryPolicy policy) {
    return add(Retry.spec(policy));
  }

  /**
   * A RepeatWhile: runs the child again and again while {@code condition} holds (checked before
   * each loop), at most 1,000 loops; see {@link #repeatWhile(Predicate, int)}.
   *
   * @throws IllegalStateException when this builder has already built its tree
   */
  public TreeBuilder<B> repeatWhile(Predicate<B> condition) {
    return repeatWhile(condition, 1_000);
  }

  /**
   * A RepeatWhile: runs the child while {@code condition} holds. OK with the last loop's data
   * (OK(null) when it never ran); FAIL at the first failing loop, or when the condition still holds
   * after {@code maxLoops} loops. One span per loop.
   *
   * @throws IllegalStateException when this builder has already built its tree
   */
  public TreeBuilder<B> repeatWhile(Predicate<B> condition, int maxLoops) {
    return add(RepeatWhile.spec(condition, maxLoops));
  }

  /**
   * A Timeout: runs the child with a deadline. At the deadline the child's whole subtree is
   * cancelled; then a {@link #fallback()} right after the child runs, or the node fails with a
   * {@link java.util.concurrent.TimeoutException}.
   *
   * @throws IllegalStateException when this builder has already built its tree
   */
  public TreeBuilder<B> timeout(Duration timeout) {
    return add(Timeout.spec(timeout));
  }

  /**
   * A Terminable: runs the child until a termination signal under {@code key} is raised in the
   * run's {@link RunOptions#signalStore() signal store} (also when raised before the node starts).
   * Then the child's subtree is cancelled and a {@link #fallback()} runs, or the node fails with a
   * {@link TerminatedException}. A store failure is a warning, not a termination.
   *
   * @throws IllegalStateException when this builder has already built its tree
   */
  public TreeBuilder<B> terminable(Function<B, String> key) {
    return terminable(key, OnStoreError.CONTINUE);
  }

  /**
   * A Terminable like {@link #terminable(Function)}, choosing what a store failure does.
   *
   * @throws IllegalStateException when this builder has already built its tree
   */
  public TreeBuilder<B> terminable(Function<B, String> key, OnStoreError onStoreError) {
    return add(Terminable.spec(key, onStoreError));
  }

  /**
   * An Approval: waits up to {@code timeout} for a person's {@link Decision} under {@code key},
   * delivered through the run's {@link RunOptions#signalStore() signal store} (also before the node
   * starts), on {@code proposal} (recorded on the span for the trace UI; the span is WAITING
   * meanwhile). Approved: OK(the proposal, or the decision's edited value). Rejected: FAIL({@link
   * ApprovalRejectedException}). No decision in time: a {@link #fallback()} right after it runs, or
   * the node fails with a {@link java.util.concurrent.TimeoutException}. See {@link
   * RunOptions#suspendOnApproval()} to suspend the run instead of waiting.
   *
   * @throws IllegalStateException when this builder has already built its tree
   */
  public TreeBuilder<B> approval(
      Function<B, String> key, Function<B, ?> proposal, Duration timeout) {
    return add(Approval.spec(key, proposal, timeout));
  }

  /**
   * The fallback branch (the next node) of the Timeout, Terminable or Approval just before it.
   *
   * @throws IllegalStateException when this builder has already built its tree
   */
  public TreeBuilder<B> fallback() {
    return add(Spec.branch(Branch.FALLBACK));
  }

  /**
   * A Cache: caches the child's OK data; a hit returns OK(value) without running the child. A store
   * failure is a warning; the child's result stands. See {@link CachePolicy}.
   *
   * @throws IllegalStateException when this builder has already built its tree
   */
  public TreeBuilder<B> cache(CachePolicy<B> policy) {
    return add(Cache.spec(policy));
  }

  /**
   * A Wrap: runs the child through {@code around}, which decides when, whether and how it runs.
   *
   * @throws IllegalStateException when this builder has already built its tree
   */
  public TreeBuilder<B> wrap(Around<B> around) {
    return add(Wrap.spec(around));
  }

  /**
   * Runs the child only while {@code breaker} lets it; an open breaker fails at once with {@link
   * CircuitOpenException}. See {@link dev.tasktree.node.Breaker}.
   */
  public TreeBuilder<B> breaker(CircuitBreaker breaker) {
    return add(Breaker.spec(breaker));
  }

  /**
   * Runs the child within {@code limiter}'s rate, or fails with {@link RateLimitedException}. See
   * {@link dev.tasktree.node.RateLimit}.
   */
  public TreeBuilder<B> rateLimit(RateLimiter limiter) {
    return add(RateLimit.spec(limiter));
  }

  /**
   * Runs the child with {@code budget} in scope: metered calls that would not fit fail with {@link
   * BudgetExceededException} before they are sent. See {@link dev.tasktree.node.Budget}.
   */
  public TreeBuilder<B> budget(BudgetPolicy budget) {
    return add(Budget.spec(budget));
  }

  /**
   * Runs the child and, when no attempt answered OK after the policy's delay, another attempt
   * beside it; the first OK wins and the others are cancelled. See {@link dev.tasktree.node.Hedge}.
   */
  public TreeBuilder<B> hedge(HedgePolicy policy) {
    return add(Hedge.spec(policy));
  }

  /**
   * Makes the child's subtree one checkpoint of a durable run ({@link RunOptions#withJournal}): its
   * result is journaled with its OK data as JSON of {@code type}, and a resumed run that finds it
   * in the journal returns it without running the subtree. A blackboard write below it is refused
   * by {@code build()}: write the result after it. See {@link dev.tasktree.node.Checkpoint}.
   */
  public TreeBuilder<B> checkpoint(Class<?> type) {
    return add(Checkpoint.spec(type));
  }

  /**
   * {@link #checkpoint(Class)} for a generic type: {@code .checkpoint(new
   * TypeReference<List<Answer>>() {})}.
   */
  public TreeBuilder<B> checkpoint(TypeReference<?> type) {
    return add(Checkpoint.spec(type == null ? null : type.getType()));
  }

  /**
   * Runs the child in one of {@code policy}'s slots, shared by all runs in the process, or fails
   * with {@link BulkheadFullException}. See {@link dev.tasktree.node.Bulkhead}.
   */
  public TreeBuilder<B> bulkhead(BulkheadPolicy policy) {
    return add(Bulkhead.spec(policy));
  }

  // ---------------------------------------------------------------- structure

  /**
   * Closes the innermost open composite.
   *
   * @throws IllegalStateException when this builder has already built its tree
   */
  public TreeBuilder<B> end() {
    checkOpen();
    assembly.end();
    return this;
  }

  /**
   * Checks the whole shape and every node's arguments, and returns the immutable tree.
   *
   * @throws TreeShapeException listing every problem, each with its node path
   * @throws IllegalStateException when this builder has already built its tree
   */
  public Tree<B> build() {
    checkOpen();
    built = true;
    List<String> problems = new ArrayList<>();
    Step<B> root = assembly.build(problems);
    if (!problems.isEmpty()) {
      throw new TreeShapeException(String.valueOf(treeName), problems);
    }
    return new Tree<>(treeName, root, assembly.depth());
  }

  private TreeBuilder<B> add(Spec<B> spec) {
    checkOpen();
    assembly.add(spec);
    return this;
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
