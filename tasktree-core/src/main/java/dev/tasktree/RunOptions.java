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

  private static final RunOptions DEFAULTS =
      new RunOptions(
          TraceSink.none(),
          InMemoryCacheStore.shared(),
          InMemorySignalStore.shared(),
          Random::new,
          Clock.systemUTC(),
          ValueLimits.DEFAULT,
          Duration.ofMillis(100),
          RunInterceptor.none(),
          RedactionPolicy.defaults(),
          null,
          null,
          false);

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

  private RunOptions(
      TraceSink traceSink,
      CacheStore cacheStore,
      SignalStore signalStore,
      Supplier<Random> random,
      Clock clock,
      ValueLimits valueLimits,
      Duration cancelGrace,
      RunInterceptor interceptor,
      RedactionPolicy redaction,
      BudgetPolicy budget,
      Journal journal,
      boolean suspendOnApproval) {
    this.suspendOnApproval = suspendOnApproval;
    this.budget = budget;
    this.journal = journal;
    this.interceptor = interceptor;
    this.redaction = redaction;
    this.traceSink = traceSink;
    this.cacheStore = cacheStore;
    this.signalStore = signalStore;
    this.random = random;
    this.clock = clock;
    this.valueLimits = valueLimits;
    this.cancelGrace = cancelGrace;
  }

  /** The defaults (see the class comment). */
  public static RunOptions defaults() {
    return DEFAULTS;
  }

  /** Sends traces to {@code sink}. */
  public RunOptions withTraceSink(TraceSink sink) {
    return new RunOptions(
        sink,
        cacheStore,
        signalStore,
        random,
        clock,
        valueLimits,
        cancelGrace,
        interceptor,
        redaction,
        budget,
        journal,
        suspendOnApproval);
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
    return new RunOptions(
        traceSink,
        cacheStore,
        signalStore,
        random,
        clock,
        valueLimits,
        cancelGrace,
        interceptor,
        redaction,
        budget,
        journal,
        suspendOnApproval);
  }

  /** Writes one JSON Lines trace file per run under {@code directory} (created when missing). */
  public RunOptions withTraceDir(Path directory) {
    return withTraceSink(TraceSink.jsonl(directory));
  }

  /** Caches through {@code store}. */
  public RunOptions withCacheStore(CacheStore store) {
    return new RunOptions(
        traceSink,
        store,
        signalStore,
        random,
        clock,
        valueLimits,
        cancelGrace,
        interceptor,
        redaction,
        budget,
        journal,
        suspendOnApproval);
  }

  /** Watches termination signals in {@code store}. */
  public RunOptions withSignalStore(SignalStore store) {
    return new RunOptions(
        traceSink,
        cacheStore,
        store,
        random,
        clock,
        valueLimits,
        cancelGrace,
        interceptor,
        redaction,
        budget,
        journal,
        suspendOnApproval);
  }

  /**
   * Each run draws from the {@link Random} this supplies; {@code () -> new Random(42)} makes every
   * run's random choices repeat.
   */
  public RunOptions withRandom(Supplier<Random> random) {
    return new RunOptions(
        traceSink,
        cacheStore,
        signalStore,
        random,
        clock,
        valueLimits,
        cancelGrace,
        interceptor,
        redaction,
        budget,
        journal,
        suspendOnApproval);
  }

  /**
   * Timestamps traces (and what nodes read from {@link dev.tasktree.spi.NodeContext#clock()}) with
   * {@code clock}.
   */
  public RunOptions withClock(Clock clock) {
    return new RunOptions(
        traceSink,
        cacheStore,
        signalStore,
        random,
        clock,
        valueLimits,
        cancelGrace,
        interceptor,
        redaction,
        budget,
        journal,
        suspendOnApproval);
  }

  /** Cuts traced values at these limits. */
  public RunOptions withValueLimits(ValueLimits limits) {
    return new RunOptions(
        traceSink,
        cacheStore,
        signalStore,
        random,
        clock,
        limits,
        cancelGrace,
        interceptor,
        redaction,
        budget,
        journal,
        suspendOnApproval);
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
    return new RunOptions(
        traceSink,
        cacheStore,
        signalStore,
        random,
        clock,
        valueLimits,
        grace,
        interceptor,
        redaction,
        budget,
        journal,
        suspendOnApproval);
  }

  /**
   * Hides secrets in every traced value, attribute, log message and error by {@code policy}
   * (default: {@link RedactionPolicy#defaults()}). To add rules: {@code
   * RedactionPolicy.defaults().toBuilder().secretNames("ssn").build()}; to replace them: {@link
   * RedactionPolicy#builder()}.
   */
  public RunOptions withRedaction(RedactionPolicy policy) {
    return new RunOptions(
        traceSink,
        cacheStore,
        signalStore,
        random,
        clock,
        valueLimits,
        cancelGrace,
        interceptor,
        java.util.Objects.requireNonNull(policy, "policy"),
        budget,
        journal,
        suspendOnApproval);
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
    return new RunOptions(
        traceSink,
        cacheStore,
        signalStore,
        random,
        clock,
        valueLimits,
        cancelGrace,
        interceptor,
        redaction,
        java.util.Objects.requireNonNull(budget, "budget"),
        journal,
        suspendOnApproval);
  }

  /** Runs without a per-run budget (the default). */
  public RunOptions withoutBudget() {
    return new RunOptions(
        traceSink,
        cacheStore,
        signalStore,
        random,
        clock,
        valueLimits,
        cancelGrace,
        interceptor,
        redaction,
        null,
        journal,
        suspendOnApproval);
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
    return new RunOptions(
        traceSink,
        cacheStore,
        signalStore,
        random,
        clock,
        valueLimits,
        cancelGrace,
        interceptor,
        redaction,
        budget,
        java.util.Objects.requireNonNull(journal, "journal"),
        suspendOnApproval);
  }

  /** Runs without a journal (the default): nothing is checkpointed, a crash loses the run. */
  public RunOptions withoutJournal() {
    return new RunOptions(
        traceSink,
        cacheStore,
        signalStore,
        random,
        clock,
        valueLimits,
        cancelGrace,
        interceptor,
        redaction,
        budget,
        null,
        suspendOnApproval);
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
    return new RunOptions(
        traceSink,
        cacheStore,
        signalStore,
        random,
        clock,
        valueLimits,
        cancelGrace,
        interceptor,
        redaction,
        budget,
        journal,
        suspend);
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
