package dev.tasktree;

import dev.tasktree.spi.RunInterceptor;
import dev.tasktree.store.CacheStore;
import dev.tasktree.store.InMemoryCacheStore;
import dev.tasktree.store.InMemorySignalStore;
import dev.tasktree.store.Journal;
import dev.tasktree.store.SignalStore;
import dev.tasktree.trace.RedactionPolicy;
import dev.tasktree.trace.TraceSink;
import dev.tasktree.trace.ValueLimits;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * How a run is carried out: where its trace goes, which stores its Cacher and Terminable nodes use,
 * its random source and clock, how much of each value the trace keeps, and how long a cancelled
 * child may take to stop before it is abandoned. Immutable; build once, share freely.
 *
 * <pre>{@code
 * RunOptions options = RunOptions.defaults()
 *     .withTraceDir(Path.of(".traces"))
 *     .withCacheStore(redis)
 *     .withRandom(() -> new Random(42));
 * }</pre>
 *
 * <p>Defaults: no trace, the process-wide in-memory stores, a fresh {@link Random} per run, the UTC
 * system clock, {@link ValueLimits#DEFAULT}, {@link RedactionPolicy#defaults()}, a 100 ms cancel
 * grace, no per-run budget and no journal.
 */
public final class RunOptions {

  private static final RunOptions DEFAULTS = new RunOptions(new Draft());

  private final TraceSink traceSink;
  private final CacheStore cacheStore;
  private final SignalStore signalStore;
  private final Supplier<Random> random;
  private final Clock clock;
  private final ValueLimits valueLimits;
  private final Duration cancelGrace;
  private final RunInterceptor interceptor;
  private final RedactionPolicy redaction;
  private final BudgetPolicy budget;
  private final Journal journal;
  private final boolean suspendOnApproval;

  private RunOptions(Draft d) {
    this.traceSink = d.traceSink;
    this.cacheStore = d.cacheStore;
    this.signalStore = d.signalStore;
    this.random = d.random;
    this.clock = d.clock;
    this.valueLimits = d.valueLimits;
    this.cancelGrace = d.cancelGrace;
    this.interceptor = d.interceptor;
    this.redaction = d.redaction;
    this.budget = d.budget;
    this.journal = d.journal;
    this.suspendOnApproval = d.suspendOnApproval;
  }

  /**
   * A copy of these options with {@code change} applied: the one place every {@code with*} goes
   * through.
   */
  private RunOptions with(Consumer<Draft> change) {
    Draft d = new Draft(this);
    change.accept(d);
    return new RunOptions(d);
  }

  /** The options while they are being changed; starts as the defaults. */
  private static final class Draft {
    TraceSink traceSink = TraceSink.none();
    CacheStore cacheStore = InMemoryCacheStore.shared();
    SignalStore signalStore = InMemorySignalStore.shared();
    Supplier<Random> random = Random::new;
    Clock clock = Clock.systemUTC();
    ValueLimits valueLimits = ValueLimits.DEFAULT;
    Duration cancelGrace = Duration.ofMillis(100);
    RunInterceptor interceptor = RunInterceptor.none();
    RedactionPolicy redaction = RedactionPolicy.defaults();
    BudgetPolicy budget = null;
    Journal journal = null;
    boolean suspendOnApproval = false;

    Draft() {}

    Draft(RunOptions from) {
      traceSink = from.traceSink;
      cacheStore = from.cacheStore;
      signalStore = from.signalStore;
      random = from.random;
      clock = from.clock;
      valueLimits = from.valueLimits;
      cancelGrace = from.cancelGrace;
      interceptor = from.interceptor;
      redaction = from.redaction;
      budget = from.budget;
      journal = from.journal;
      suspendOnApproval = from.suspendOnApproval;
    }
  }

  /** The defaults (see the class comment). */
  public static RunOptions defaults() {
    return DEFAULTS;
  }

  /** Sends traces to {@code sink}. */
  public RunOptions withTraceSink(TraceSink sink) {
    return with(d -> d.traceSink = sink);
  }

  /**
   * Sends traces to {@code sink} as well as to the sinks already set (JSON Lines files and
   * OpenTelemetry at once, say); see {@link TraceSink#all}.
   */
  public RunOptions alsoTraceTo(TraceSink sink) {
    return withTraceSink(TraceSink.all(traceSink, sink));
  }

  /**
   * Runs every run with these hooks (e.g. OpenTelemetry context propagation); replaces the previous
   * interceptor.
   */
  public RunOptions withRunInterceptor(RunInterceptor interceptor) {
    if (interceptor == null) {
      throw new NullPointerException("interceptor");
    }
    return with(d -> d.interceptor = interceptor);
  }

  /** Writes one JSON Lines trace file per run under {@code directory} (created when missing). */
  public RunOptions withTraceDir(Path directory) {
    return withTraceSink(TraceSink.jsonl(directory));
  }

  /** Caches through {@code store}. */
  public RunOptions withCacheStore(CacheStore store) {
    return with(d -> d.cacheStore = store);
  }

  /** Watches termination signals in {@code store}. */
  public RunOptions withSignalStore(SignalStore store) {
    return with(d -> d.signalStore = store);
  }

  /**
   * Each run draws from the {@link Random} this supplies; {@code () -> new Random(42)} makes every
   * run's random choices repeat.
   */
  public RunOptions withRandom(Supplier<Random> random) {
    return with(d -> d.random = random);
  }

  /**
   * Timestamps traces (and what nodes read from {@link dev.tasktree.spi.NodeContext#clock()}) with
   * {@code clock}.
   */
  public RunOptions withClock(Clock clock) {
    return with(d -> d.clock = clock);
  }

  /** Cuts traced values at these limits. */
  public RunOptions withValueLimits(ValueLimits limits) {
    return with(d -> d.valueLimits = limits);
  }

  /**
   * How long a cancelling node waits for a cancelled child to stop before abandoning it (marked in
   * the trace) and returning anyway. Interruptible work stops well within the default 100 ms; only
   * work that ignores interruption makes the caller wait that long past a deadline.
   */
  public RunOptions withCancelGrace(Duration grace) {
    if (grace.isNegative()) {
      throw new IllegalArgumentException("cancel grace must not be negative");
    }
    return with(d -> d.cancelGrace = grace);
  }

  /**
   * Hides secrets in every traced value, attribute, log message and error by {@code policy}
   * (default: {@link RedactionPolicy#defaults()}). To add rules: {@code
   * RedactionPolicy.defaults().toBuilder().secretNames("ssn").build()}; to replace them: {@link
   * RedactionPolicy#builder()}.
   */
  public RunOptions withRedaction(RedactionPolicy policy) {
    return with(d -> d.redaction = java.util.Objects.requireNonNull(policy, "policy"));
  }

  /**
   * Runs the whole tree under {@code budget}, exactly as if its root were wrapped in {@link
   * TreeBuilder#budget(BudgetPolicy) .budget(budget)}: every LLM call of the run reserves its
   * estimate in the budget's account and is refused with {@link BudgetExceededException} when it
   * does not fit, the wall time counts from the start of the run, and the tree's span records
   * {@code budget}, {@code budget_spent} and {@code budget_remaining}. Budgets in the tree still
   * apply; the tightest refuses. A shared policy makes every run with these options charge one
   * account.
   *
   * @throws NullPointerException when {@code budget} is null (use {@link #withoutBudget()})
   */
  public RunOptions withBudget(BudgetPolicy budget) {
    return with(d -> d.budget = java.util.Objects.requireNonNull(budget, "budget"));
  }

  /** Runs without a per-run budget (the default). */
  public RunOptions withoutBudget() {
    return with(d -> d.budget = null);
  }

  /**
   * Makes the run durable: it is recorded in {@code journal} (a header with the tree's shape when
   * it starts, every completed checkpoint — each LLM call, each tool call, each {@link
   * TreeBuilder#checkpoint(Class) .checkpoint()} subtree — and an end record when it ends), so a
   * run that crashed or was killed can be continued with {@link Tree#resume} without running its
   * completed checkpoints again. See docs/durable.md.
   *
   * @throws NullPointerException when {@code journal} is null (use {@link #withoutJournal()})
   */
  public RunOptions withJournal(Journal journal) {
    return with(d -> d.journal = java.util.Objects.requireNonNull(journal, "journal"));
  }

  /** Runs without a journal (the default): nothing is checkpointed, a crash loses the run. */
  public RunOptions withoutJournal() {
    return with(d -> d.journal = null);
  }

  /** The run's journal, or null when runs are not durable. */
  public Journal journal() {
    return journal;
  }

  /**
   * An Approval that finds no decision suspends the run instead of blocking its thread: the run
   * ends at once with {@code FAIL(}{@link SuspendedException}{@code )} and trace status WAITING,
   * its other work cancelled, so the process may exit; once the decision is delivered, resuming the
   * run takes it at once. Without this (the default) an Approval blocks until a decision or its
   * timeout.
   */
  public RunOptions suspendOnApproval() {
    return withSuspendOnApproval(true);
  }

  /** Whether an Approval without a decision suspends the run ({@code true}) or blocks. */
  public RunOptions withSuspendOnApproval(boolean suspend) {
    return with(d -> d.suspendOnApproval = suspend);
  }

  /** Whether an Approval without a decision suspends the run (see {@link #suspendOnApproval()}). */
  public boolean suspendsOnApproval() {
    return suspendOnApproval;
  }

  /** The per-run budget, or null for none. */
  public BudgetPolicy budget() {
    return budget;
  }

  /** The redaction policy. */
  public RedactionPolicy redaction() {
    return redaction;
  }

  /** Where traces go. */
  public TraceSink traceSink() {
    return traceSink;
  }

  /** The cache store. */
  public CacheStore cacheStore() {
    return cacheStore;
  }

  /** The termination-signal store. */
  public SignalStore signalStore() {
    return signalStore;
  }

  /** The clock. */
  public Clock clock() {
    return clock;
  }

  /** The trace value limits. */
  public ValueLimits valueLimits() {
    return valueLimits;
  }

  /** The cancel grace. */
  public Duration cancelGrace() {
    return cancelGrace;
  }

  /** The run interceptor. */
  public RunInterceptor runInterceptor() {
    return interceptor;
  }

  Random newRandom() {
    return random.get();
  }
}
