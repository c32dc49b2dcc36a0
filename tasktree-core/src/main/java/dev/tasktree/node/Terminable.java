package dev.tasktree.node;

import dev.tasktree.OnStoreError;
import dev.tasktree.Result;
import dev.tasktree.TerminatedException;
import dev.tasktree.runtime.Branch;
import dev.tasktree.runtime.Fork;
import dev.tasktree.runtime.Frame;
import dev.tasktree.runtime.Spec;
import dev.tasktree.runtime.Step;
import dev.tasktree.store.Signal;
import dev.tasktree.store.SignalStore;
import dev.tasktree.store.StoreException;
import dev.tasktree.trace.LogLevel;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * <b>Terminable</b> ({@code terminable(b -> key[, OnStoreError])} + a node, optionally {@code
 * fallback()} + a node): runs its child until a termination signal under the key is raised in the
 * run's {@code SignalStore} — from this process or any other sharing the store.
 *
 * <p>OK or FAIL as the child when no signal comes. It subscribes to the key before the child
 * starts, so a signal raised earlier is honoured at once (the child never runs); the node never
 * deletes the signal. On a signal the child's whole subtree is cancelled as under a Timeout, then
 * the {@code fallback()} runs and is the result; without one the node fails with a {@link
 * TerminatedException} carrying the reason. The span records {@code signal_key}, {@code terminated}
 * and {@code termination_reason}. A store failure (cannot subscribe, connection lost) is a WARN
 * log, not a termination — unless {@code OnStoreError.FAIL} is given: then it fails the node with
 * the {@code StoreException}.
 *
 * @param <B> the blackboard type
 */
public final class Terminable<B> extends Step<B> {

  private final Step<B> child;
  private final Step<B> fallback;
  private final Function<B, String> key;
  private final boolean failOnStoreError;

  private Terminable(
      String name,
      Step<B> child,
      Step<B> fallback,
      Function<B, String> key,
      OnStoreError onStoreError) {
    super(name, "Terminable");
    this.child = child;
    this.fallback = fallback;
    this.key = key;
    this.failOnStoreError = onStoreError == OnStoreError.FAIL;
  }

  /** The descriptor of {@code terminable(key, onStoreError)}. */
  public static <B> Spec<B> spec(Function<B, String> key, OnStoreError onStoreError) {
    return Spec.<B>decorator(
            "Terminable",
            (name, children, branch) ->
                new Terminable<>(name, children.getFirst(), branch, key, onStoreError))
        .accepts(Branch.FALLBACK)
        .notNull(key, "key")
        .notNull(onStoreError, "onStoreError");
  }

  @Override
  public List<? extends Step<?>> children() {
    return Fallbacks.children(child, fallback);
  }

  @Override
  public String details() {
    return failOnStoreError ? "fails on store errors" : "";
  }

  @Override
  public Map<String, Object> arguments() {
    return Map.of(
        "onStoreError", failOnStoreError ? "FAIL" : "CONTINUE", "fallback", fallback != null);
  }

  @Override
  public boolean forks() {
    return true;
  }

  @Override
  protected Result exec(B blackboard, Frame frame) {
    String signalKey = key.apply(blackboard);
    frame.attribute("signal_key", signalKey);
    SignalStore store = frame.signalStore();
    AtomicReference<Signal> signal = new AtomicReference<>();
    AtomicReference<StoreException> storeFailure = new AtomicReference<>();
    Fork.Task task;
    try (Fork fork = new Fork(frame, 0)) {
      SignalStore.Listener listener =
          new SignalStore.Listener() {
            @Override
            public void onSignal(Signal raised) {
              if (signal.compareAndSet(null, raised)) {
                fork.cancel("terminated: " + raised.reason());
              }
            }

            @Override
            public void onError(StoreException error) {
              frame.log(LogLevel.WARN, "signal store error (not a termination): " + error);
              if (failOnStoreError && storeFailure.compareAndSet(null, error)) {
                fork.cancel("signal store failed: " + error.getMessage());
              }
            }
          };
      SignalStore.Subscription subscription = null;
      try {
        subscription = store.subscribe(signalKey, listener);
      } catch (RuntimeException e) {
        listener.onError(
            e instanceof StoreException se
                ? se
                : new StoreException("cannot watch signal '" + signalKey + "'", e));
      }
      try {
        task = fork.spawn(f -> f.run(child, blackboard), null);
        fork.join(Long.MAX_VALUE);
      } finally {
        if (subscription != null) {
          subscription.close();
        }
      }
    }
    if (task != null && task.result() != null) {
      return task.result();
    }
    if (storeFailure.get() != null) {
      return frame.failWith(storeFailure.get());
    }
    Signal raised = Objects.requireNonNull(signal.get(), "cancelled without a signal");
    frame.attribute("terminated", true);
    frame.attribute("termination_reason", raised.reason());
    return Fallbacks.cutShort(
        fallback, blackboard, frame, new TerminatedException(signalKey, raised.reason()));
  }
}
