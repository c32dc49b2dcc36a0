package dev.tasktree.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tasktree.ApprovalRejectedException;
import dev.tasktree.Decision;
import dev.tasktree.Result;
import dev.tasktree.SuspendedException;
import dev.tasktree.runtime.Branch;
import dev.tasktree.runtime.Durations;
import dev.tasktree.runtime.Frame;
import dev.tasktree.runtime.Spec;
import dev.tasktree.runtime.Step;
import dev.tasktree.spi.CheckpointCodec;
import dev.tasktree.store.Signal;
import dev.tasktree.store.SignalStore;
import dev.tasktree.store.StoreException;
import dev.tasktree.trace.Attributes;
import dev.tasktree.trace.LogLevel;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * <b>Approval</b> ({@code approval(b -> key, b -> proposal, timeout)}, optionally {@code
 * fallback()} + a node): waits for a person's {@link Decision} on a proposal, delivered under the
 * key through the run's {@code SignalStore} (from code, another process sharing the store, or the
 * trace UI).
 *
 * <p>The key and the proposal are computed from the blackboard when the node starts; the span
 * records both ({@code tasktree.approval.key}, {@code tasktree.approval.proposal}) and, while no
 * decision has come, the span's status is WAITING. The node subscribes to {@code
 * Decision.signalKey(key)}, so a decision delivered before it starts is taken at once (the node
 * never deletes it). Approved: OK with the proposal, or with the decision's edited value when it
 * has one (converted to the proposal's class — a map, list or set proposal to a {@code Map}, {@code
 * List} or {@code Set}; an edited value that does not convert is a FAIL, never an approval of
 * something else). Rejected: FAIL with an {@link ApprovalRejectedException} carrying the comment; a
 * rejection is an answer, so it does <em>not</em> run the fallback. No decision within the timeout:
 * the {@code fallback()} runs and is the result; without one the node fails with a {@link
 * TimeoutException}. A malformed decision is never an approval: it is a WARN log and the node goes
 * on waiting for a well-formed one. A store failure is a WARN log too; the node then checks the
 * store once a second until it answers. The span records {@code tasktree.approval.outcome} ({@code
 * approved}, {@code rejected}, {@code timed_out} or {@code suspended}), the comment and who
 * decided.
 *
 * <p>A cancelling ancestor (Timeout, Terminable, the run's handle) stops the wait at once like any
 * blocking node. With {@code RunOptions.suspendOnApproval()} a node that finds no decision does not
 * block: its span ends WAITING and the whole run is suspended (see {@link SuspendedException}), so
 * its process may exit; resuming the run once the decision is delivered takes it at once. With a
 * journal the decision (or its absence at the timeout) is the node's checkpoint: a resumed run
 * replays it and does not ask the store again.
 *
 * @param <B> the blackboard type
 */
public final class Approval<B> extends Step<B> {

  /** How often a waiting node re-checks the store besides its subscription (a safety net). */
  static final Duration RECHECK = Duration.ofSeconds(1);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Function<B, String> key;
  private final Function<B, ?> proposal;
  private final Duration timeout;
  private final Step<B> fallback;

  private Approval(
      String name, Function<B, String> key, Function<B, ?> proposal, Duration timeout, Step<B> fb) {
    super(name, "Approval");
    this.key = key;
    this.proposal = proposal;
    this.timeout = timeout;
    this.fallback = fb;
  }

  /** The descriptor of {@code approval(key, proposal, timeout)}. */
  public static <B> Spec<B> spec(
      Function<B, String> key, Function<B, ?> proposal, Duration timeout) {
    return Spec.<B>leafWithBranch(
            "Approval",
            (name, children, branch) -> new Approval<>(name, key, proposal, timeout, branch))
        .accepts(Branch.FALLBACK)
        .notNull(key, "key")
        .notNull(proposal, "proposal")
        .notNull(timeout, "timeout")
        .check(
            timeout == null || (!timeout.isNegative() && !timeout.isZero()),
            "timeout must be positive, found " + timeout);
  }

  @Override
  public List<? extends Step<?>> children() {
    return fallback == null ? List.of() : List.of(fallback);
  }

  @Override
  public String details() {
    return "waits " + Durations.human(timeout);
  }

  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> args = new LinkedHashMap<>();
    args.put("timeout", timeout.toString());
    args.put("fallback", fallback != null);
    return args;
  }

  @Override
  protected Result exec(B blackboard, Frame frame) throws Exception {
    String approvalKey = key.apply(blackboard);
    if (approvalKey == null || approvalKey.isBlank()) {
      return frame.failWith(new IllegalArgumentException("the approval key is null or blank"));
    }
    Object proposed = proposal.apply(blackboard);
    frame.attribute(Attributes.APPROVAL_KEY, approvalKey);
    frame.attribute(Attributes.APPROVAL_PROPOSAL, proposed);
    Decision decision =
        frame
            .context()
            .checkpoint("decision", DECISIONS, () -> awaitDecision(approvalKey, proposed, frame));
    if (decision == null) {
      frame.attribute(Attributes.APPROVAL_OUTCOME, "timed_out");
      return Fallbacks.cutShort(
          fallback,
          blackboard,
          frame,
          new TimeoutException(
              "no decision on approval '" + approvalKey + "' within " + Durations.human(timeout)));
    }
    return decided(approvalKey, proposed, decision, frame);
  }

  /**
   * The decision, taken from the store at once or waited for until the timeout (null then); with
   * suspension on, no decision suspends the run instead. With a journal this is the node's
   * checkpoint: a resumed run replays the journaled decision without asking the store again.
   */
  private Decision awaitDecision(String approvalKey, Object proposed, Frame frame)
      throws InterruptedException {
    Waiter waiter = new Waiter(frame, Decision.signalKey(approvalKey));
    try {
      waiter.subscribe();
      Decision decision = waiter.poll(0); // delivered before the node started, or on resume
      if (decision != null) {
        return decision;
      }
      frame.waiting(approvalKey, proposed);
      if (frame.suspendsOnApproval()) {
        frame.attribute(Attributes.APPROVAL_OUTCOME, "suspended");
        throw frame.suspend(new SuspendedException(frame.runId(), approvalKey));
      }
      return waiter.await(System.nanoTime() + timeout.toNanos());
    } finally {
      waiter.close();
    }
  }

  /** How a decision is journaled: its JSON, or {@code null} for no decision in time. */
  private static final CheckpointCodec<Decision> DECISIONS =
      new CheckpointCodec<>() {
        @Override
        public String encode(Decision value) {
          return value == null ? "null" : value.toJson();
        }

        @Override
        public Decision decode(String json) {
          if ("null".equals(json)) {
            return null;
          }
          return Decision.fromJson(json)
              .orElseThrow(() -> new IllegalStateException("a journaled decision is unreadable"));
        }
      };

  private static Result decided(String key, Object proposed, Decision decision, Frame frame) {
    frame.attribute(Attributes.APPROVAL_OUTCOME, decision.approved() ? "approved" : "rejected");
    if (decision.comment() != null) {
      frame.attribute(Attributes.APPROVAL_COMMENT, decision.comment());
    }
    if (decision.decidedBy() != null) {
      frame.attribute(Attributes.APPROVAL_DECIDED_BY, decision.decidedBy());
    }
    if (!decision.approved()) {
      return frame.failWith(new ApprovalRejectedException(key, decision));
    }
    if (decision.value() == null) {
      return Result.ok(proposed);
    }
    frame.attribute(Attributes.APPROVAL_EDITED, true);
    if (proposed == null || proposed instanceof JsonNode) {
      return Result.ok(decision.value());
    }
    try {
      return Result.ok(JSON.treeToValue(decision.value(), editedType(proposed)));
    } catch (Exception e) {
      return frame.failWith(
          new IllegalArgumentException(
              "approval '"
                  + key
                  + "': the edited value does not fit the proposal's type "
                  + proposed.getClass().getName()
                  + ": "
                  + e.getMessage(),
              e));
    }
  }

  /** The class an edited value becomes: the proposal's, or its collection interface. */
  private static Class<?> editedType(Object proposed) {
    if (proposed instanceof Map<?, ?>) {
      return Map.class; // Map.of(...) and friends have no constructor Jackson can use
    }
    if (proposed instanceof java.util.Set<?>) {
      return java.util.Set.class;
    }
    if (proposed instanceof java.util.Collection<?>) {
      return List.class;
    }
    return proposed.getClass();
  }

  /**
   * Watches one decision key: signals from the subscription arrive in a queue; a malformed one is
   * warned about once and skipped; the store is re-checked every {@link #RECHECK} in case the
   * subscription failed or a malformed decision was replaced.
   */
  private static final class Waiter implements SignalStore.Listener {
    private final Frame frame;
    private final String signalKey;
    private final SignalStore store;
    private final LinkedBlockingQueue<Signal> arrivals = new LinkedBlockingQueue<>();
    private SignalStore.Subscription subscription;
    private Signal rejectedMalformed;
    private final AtomicBoolean warnedStore = new AtomicBoolean();

    Waiter(Frame frame, String signalKey) {
      this.frame = frame;
      this.signalKey = signalKey;
      this.store = frame.signalStore();
    }

    void subscribe() {
      try {
        subscription = store.subscribe(signalKey, this);
      } catch (RuntimeException e) {
        onError(
            e instanceof StoreException se
                ? se
                : new StoreException("cannot watch decision '" + signalKey + "'", e));
      }
    }

    @Override
    public void onSignal(Signal signal) {
      arrivals.offer(signal);
    }

    @Override
    public void onError(StoreException error) {
      storeWarning(error);
    }

    private void storeWarning(Exception error) {
      if (warnedStore.compareAndSet(false, true)) {
        frame.log(LogLevel.WARN, "signal store error (not a decision): " + error);
      }
    }

    /** A decision already there (subscription or store), or null. */
    Decision poll(long waitNanos) throws InterruptedException {
      Signal signal = arrivals.poll(waitNanos, TimeUnit.NANOSECONDS);
      if (signal == null) {
        try {
          signal = store.check(signalKey).orElse(null);
        } catch (RuntimeException e) {
          storeWarning(e);
        }
      }
      return signal == null ? null : read(signal);
    }

    /** Waits until {@code deadline} (nanoTime) for a well-formed decision; null at the deadline. */
    Decision await(long deadline) throws InterruptedException {
      while (true) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return null;
        }
        Decision decision = poll(Math.min(left, RECHECK.toNanos()));
        if (decision != null) {
          return decision;
        }
      }
    }

    private Decision read(Signal signal) {
      Optional<Decision> decision = Decision.fromJson(signal.reason());
      if (decision.isPresent()) {
        return decision.get();
      }
      if (!sameSignal(signal, rejectedMalformed)) {
        rejectedMalformed = signal;
        frame.log(
            LogLevel.WARN,
            "malformed decision under '"
                + signalKey
                + "' ignored (not an approval); still waiting for a valid one");
      }
      return null;
    }

    private static boolean sameSignal(Signal a, Signal b) {
      return b != null
          && Objects.equals(a.reason(), b.reason())
          && Objects.equals(a.raisedAt(), b.raisedAt());
    }

    void close() {
      if (subscription != null) {
        try {
          subscription.close();
        } catch (RuntimeException e) {
          storeWarning(e);
        }
      }
    }
  }
}
