package dev.tasktree;

import dev.tasktree.runtime.StoreOutage;
import dev.tasktree.spi.NodeContext;
import dev.tasktree.store.BreakerSpec;
import dev.tasktree.store.BreakerStore;
import dev.tasktree.store.BreakerStore.Decision;
import dev.tasktree.store.BreakerStore.Verdict;
import dev.tasktree.store.CircuitState;
import dev.tasktree.store.InMemoryBreakerStore;
import dev.tasktree.store.StoreException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A named circuit breaker, for {@link TreeBuilder#breaker(CircuitBreaker)}. Closed, it lets calls
 * through and counts their outcomes in a sliding window; after too many counted failures (a rate
 * over a window, or a run of consecutive ones) it opens and refuses calls at once with {@link
 * CircuitOpenException} — no call, no store round trip, a few microseconds — so a Selector moves to
 * its next branch; after the cooldown it lets {@code halfOpenProbes} probe calls through (across
 * all processes sharing its store), closes when they all succeed and reopens when one fails.
 *
 * <pre>{@code
 * CircuitBreaker openai = CircuitBreaker.named("openai")
 *     .failureRate(50, 20)            // 50 % of the last 20 calls...
 *     .minimumCalls(10)               // ...once there are 10
 *     .consecutiveFailures(5)         // or 5 in a row
 *     .cooldown(Duration.ofSeconds(30))
 *     .halfOpenProbes(2)
 *     .countFailuresIf(LlmFailures::countsForBreaker)
 *     .store(redis.breakers())        // one breaker for the whole fleet
 *     .build();
 * }</pre>
 *
 * <p>Breakers with the same name and store are one breaker; build it once and share it. When the
 * store fails the breaker lets the call through (fails open) and warns in the trace and through
 * SLF4J. Immutable and thread-safe.
 */
public final class CircuitBreaker {

  private final String name;
  private final BreakerSpec spec;
  private final BreakerStore store;
  private final Predicate<Object> countsAsFailure;
  private final StoreOutage outage;
  private volatile long openUntilNanos = Long.MIN_VALUE;
  private volatile boolean knownOpen;

  private CircuitBreaker(Builder builder) {
    this.name = builder.name;
    this.spec =
        new BreakerSpec(
            builder.timeWindow,
            builder.windowSize,
            builder.minimumCalls,
            builder.failureRatePercent,
            builder.consecutiveFailures,
            builder.cooldown.toMillis(),
            builder.halfOpenProbes);
    this.store = builder.store;
    this.countsAsFailure = builder.countsAsFailure;
    this.outage = new StoreOutage("circuit breaker '" + name + "'");
  }

  /** A builder for the breaker {@code name}; see the class comment for the defaults. */
  public static Builder named(String name) {
    return new Builder(name);
  }

  /** The breaker's name (also its key in the store). */
  public String name() {
    return name;
  }

  /** The rules this breaker gives its store. */
  public BreakerSpec spec() {
    return spec;
  }

  /**
   * Whether this process currently knows the breaker is open (it refuses without asking the store
   * until the cooldown ends).
   */
  public boolean knownOpen() {
    return knownOpen && System.nanoTime() - openUntilNanos < 0;
  }

  /**
   * Asks for a permit before a call; a refused permit carries the {@link Permit#refusal()} to fail
   * with. Never throws for store failures (the permit is then {@link Permit#UNCHECKED}). Pass the
   * node's context to have state changes and warnings on its span, or null.
   */
  public Permit acquire(NodeContext context) {
    long now = System.nanoTime();
    if (knownOpen && now - openUntilNanos < 0) {
      return Permit.refused(new CircuitOpenException(name, Duration.ofNanos(openUntilNanos - now)));
    }
    Decision decision;
    try {
      decision = store.acquire(name, spec);
    } catch (StoreException e) {
      outage.report(context, e, "letting the call through");
      return Permit.UNCHECKED;
    }
    changed(context, decision);
    return switch (decision.verdict()) {
      case PERMIT -> Permit.CLOSED;
      case PROBE -> Permit.PROBE;
      case REJECT -> {
        // open: refuse locally until the cooldown ends; half-open with every probe out: for a
        // tenth of the cooldown, so this process notices soon when the probes closed it
        rememberOpen(
            decision.state() == CircuitState.OPEN
                ? decision.retryAfterMillis()
                : Math.min(decision.retryAfterMillis(), Math.max(1, spec.cooldownMillis() / 10)));
        yield Permit.refused(
            new CircuitOpenException(name, Duration.ofMillis(decision.retryAfterMillis())));
      }
    };
  }

  /**
   * Records how the call that {@code permit} let through ended; never throws for store failures.
   */
  public void complete(NodeContext context, Permit permit, Result result) {
    if (permit == Permit.UNCHECKED || permit.refusal() != null) {
      return;
    }
    boolean failure = !result.isOk() && countsAsFailure.test(result.data());
    Decision decision;
    try {
      decision = store.record(name, spec, failure, permit == Permit.PROBE);
    } catch (StoreException e) {
      outage.report(context, e, "outcome not counted");
      return;
    }
    changed(context, decision);
    if (decision.state() == CircuitState.OPEN) {
      rememberOpen(decision.retryAfterMillis());
    } else {
      knownOpen = false;
    }
  }

  private void rememberOpen(long retryAfterMillis) {
    openUntilNanos = System.nanoTime() + retryAfterMillis * 1_000_000;
    knownOpen = true;
  }

  private void changed(NodeContext context, Decision decision) {
    if (!decision.changed()) {
      return;
    }
    String message =
        "circuit breaker '"
            + name
            + "' "
            + decision.previous().wireName()
            + " -> "
            + decision.state().wireName();
    if (context != null) {
      context.log(dev.tasktree.trace.LogLevel.INFO, message);
      context.attribute(
          "circuit_transition",
          decision.previous().wireName() + "->" + decision.state().wireName());
    }
    StoreOutage.stateChange(message);
  }

  /**
   * A breaker's answer to one acquire.
   *
   * @param verdict whether the call may go, and as what
   * @param refusal for a refused call, what to fail with; null otherwise
   */
  public record Permit(Verdict verdict, CircuitOpenException refusal) {
    /** The breaker is closed: the call may go. */
    public static final Permit CLOSED = new Permit(Verdict.PERMIT, null);

    /** The breaker is half-open: the call may go as a probe. */
    public static final Permit PROBE = new Permit(Verdict.PROBE, null);

    /** The store failed: the call may go, and its outcome is not recorded. */
    public static final Permit UNCHECKED = new Permit(Verdict.PERMIT, null);

    /** How the span names this permit: closed, probe, unchecked or refused. */
    public String label() {
      return refusal != null
          ? "refused"
          : this == UNCHECKED ? "unchecked" : this == PROBE ? "probe" : "closed";
    }

    static Permit refused(CircuitOpenException why) {
      return new Permit(Verdict.REJECT, why);
    }
  }

  /**
   * Settings of a {@link CircuitBreaker}. Defaults: a count window of the last 20 calls, minimum 10
   * calls, opens at a 50 % failure rate, no consecutive-failure rule, 30 s cooldown, 1 half-open
   * probe, every FAIL counted, the process-wide in-memory store.
   */
  public static final class Builder {
    private final String name;
    private boolean timeWindow;
    private int windowSize = 20;
    private int minimumCalls = 10;
    private int failureRatePercent = 50;
    private int consecutiveFailures;
    private Duration cooldown = Duration.ofSeconds(30);
    private int halfOpenProbes = 1;
    private Predicate<Object> countsAsFailure = data -> !(data instanceof RejectedException);
    private BreakerStore store = InMemoryBreakerStore.shared();

    private Builder(String name) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("a circuit breaker needs a non-blank name");
      }
      this.name = name;
    }

    /**
     * Opens when at least {@code percent} % of the last {@code calls} calls failed.
     *
     * @throws IllegalArgumentException when percent is not 1-100 or calls is below 1
     */
    public Builder failureRate(int percent, int calls) {
      checkPercent(percent);
      this.failureRatePercent = percent;
      this.windowSize = atLeastOne(calls, "window size");
      this.timeWindow = false;
      return this;
    }

    /**
     * Opens when at least {@code percent} % of the calls of the last {@code window} (whole seconds)
     * failed.
     *
     * @throws IllegalArgumentException when percent is not 1-100 or the window is under 1 s
     */
    public Builder failureRate(int percent, Duration window) {
      checkPercent(percent);
      this.failureRatePercent = percent;
      this.windowSize =
          atLeastOne(
              (int) Math.min(Integer.MAX_VALUE, window.toSeconds()), "time window in seconds");
      this.timeWindow = true;
      return this;
    }

    /** The fewest calls in the window before its failure rate is judged (default 10). */
    public Builder minimumCalls(int calls) {
      this.minimumCalls = atLeastOne(calls, "minimum calls");
      return this;
    }

    /** Also opens after {@code failures} counted failures in a row (0 = off, the default). */
    public Builder consecutiveFailures(int failures) {
      if (failures < 0) {
        throw new IllegalArgumentException("consecutive failures must be >= 0, got " + failures);
      }
      this.consecutiveFailures = failures;
      return this;
    }

    /** Only the consecutive-failure rule: no failure-rate window. */
    public Builder noFailureRate() {
      this.failureRatePercent = 0;
      return this;
    }

    /**
     * How long the breaker stays open before probing (default 30 s, millisecond precision).
     *
     * @throws IllegalArgumentException when under 1 ms
     */
    public Builder cooldown(Duration cooldown) {
      Objects.requireNonNull(cooldown, "cooldown");
      if (cooldown.toMillis() < 1) {
        throw new IllegalArgumentException("cooldown must be at least 1 ms, got " + cooldown);
      }
      this.cooldown = cooldown;
      return this;
    }

    /** How many probes a half-open breaker lets through, fleet-wide (default 1). */
    public Builder halfOpenProbes(int probes) {
      this.halfOpenProbes = atLeastOne(probes, "half-open probes");
      return this;
    }

    /**
     * Which FAIL data count as failures (default: every FAIL except another policy's refusal).
     * Uncounted failures neither open nor close the breaker; they count as successes in the window.
     */
    public Builder countFailuresIf(Predicate<Object> failData) {
      this.countsAsFailure = Objects.requireNonNull(failData, "failData");
      return this;
    }

    /** Where the state lives; a shared store makes one breaker for every process using it. */
    public Builder store(BreakerStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * The breaker.
     *
     * @throws IllegalArgumentException when no rule can open it (failure rate and consecutive
     *     failures both off)
     */
    public CircuitBreaker build() {
      if (failureRatePercent == 0 && consecutiveFailures == 0) {
        throw new IllegalArgumentException(
            "circuit breaker '"
                + name
                + "' has no rule to open it: set failureRate or"
                + " consecutiveFailures");
      }
      return new CircuitBreaker(this);
    }

    private static void checkPercent(int percent) {
      if (percent < 1 || percent > 100) {
        throw new IllegalArgumentException("failure rate must be 1-100 %, got " + percent);
      }
    }

    private static int atLeastOne(int value, String what) {
      if (value < 1) {
        throw new IllegalArgumentException(what + " must be at least 1, got " + value);
      }
      return value;
    }
  }
}
