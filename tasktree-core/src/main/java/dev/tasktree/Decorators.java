package dev.tasktree;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasktree.store.CacheStore;
import dev.tasktree.store.Signal;
import dev.tasktree.store.SignalStore;
import dev.tasktree.store.StoreException;
import dev.tasktree.trace.Attributes;
import dev.tasktree.trace.LogLevel;
import dev.tasktree.trace.TraceJson;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

/** The decorator nodes: each wraps exactly one child (plus an optional fallback branch). */
final class Decorators {

  private Decorators() {}

  /** A node with one child. */
  abstract static class Decorator<B> extends Step<B> {
    final Step<B> child;

    Decorator(String name, String kind, Step<B> child) {
      super(name, kind);
      this.child = child;
    }

    @Override
    List<? extends Step<?>> children() {
      return List.of(child);
    }
  }

  /** ForceOk, ForceFail, Return and Invert: the child's result, transformed. */
  static final class Transform<B> extends Decorator<B> {
    private final BiFunction<B, Result, Result> transform;

    Transform(String name, String kind, Step<B> child, BiFunction<B, Result, Result> transform) {
      super(name, kind, child);
      this.transform = transform;
    }

    @Override
    Result exec(B blackboard, Frame frame) {
      return transform.apply(blackboard, frame.run(child, blackboard));
    }
  }

  /** Tries the child up to {@code maxTries} times; one span per attempt. */
  static final class Retry<B> extends Decorator<B> {
    private final RetryPolicy policy;

    Retry(String name, Step<B> child, RetryPolicy policy) {
      super(name, "Retry", child);
      this.policy = policy;
    }

    @Override
    String details() {
      return policy.maxTries() + " tries, " + policy.backoff();
    }

    @Override
    Result exec(B blackboard, Frame frame) throws InterruptedException {
      for (int attempt = 0; ; attempt++) {
        Result result = frame.run(child, blackboard, Attributes.ATTEMPT, attempt);
        frame.attribute("attempts", attempt + 1);
        if (result.isOk()) {
          return result;
        }
        if (attempt + 1 >= policy.maxTries()) {
          return result;
        }
        if (!policy.retryIf().test(result.data())) {
          frame.log(LogLevel.INFO, "not retrying: the failure does not match retryIf");
          return result;
        }
        Duration delay = policy.backoff().delay(attempt, frame.random(), result.data());
        if (!delay.isZero()) {
          Thread.sleep(delay);
        }
      }
    }
  }

  /** Runs the child while the condition holds; one span per iteration. */
  static final class While<B> extends Decorator<B> {
    private final Predicate<B> condition;
    private final int maxLoops;

    While(String name, Step<B> child, Predicate<B> condition, int maxLoops) {
      super(name, "While", child);
      this.condition = condition;
      this.maxLoops = maxLoops;
    }

    @Override
    String details() {
      return "at most " + maxLoops + " loops";
    }

    @Override
    Result exec(B blackboard, Frame frame) {
      Result last = Result.ok();
      for (int loop = 0; condition.test(blackboard); loop++) {
        if (loop == maxLoops) {
          return frame.failWith(
              new IllegalStateException(
                  "While: condition still true after the maximum of " + maxLoops + " loops"));
        }
        last = frame.run(child, blackboard, Attributes.ATTEMPT, loop);
        frame.attribute("loops", loop + 1);
        if (!last.isOk()) {
          return last;
        }
      }
      return last;
    }
  }

  /** A decorator whose child may be replaced by a fallback branch when it is cut short. */
  abstract static class WithFallback<B> extends Decorator<B> {
    final Step<B> fallback;

    WithFallback(String name, String kind, Step<B> child, Step<B> fallback) {
      super(name, kind, child);
      this.fallback = fallback;
    }

    @Override
    List<? extends Step<?>> children() {
      return fallback == null ? List.of(child) : List.of(child, fallback);
    }

    /** The fallback's result, or {@code FAIL(cause)} when there is none. */
    Result cutShort(B blackboard, Frame frame, Exception cause) {
      if (fallback == null) {
        return frame.failWith(cause);
      }
      frame.log(LogLevel.INFO, cause.getMessage() + "; running the fallback");
      return frame.run(fallback, blackboard);
    }
  }

  /** Runs the child with a deadline; at the deadline cancels its whole subtree. */
  static final class Timeout<B> extends WithFallback<B> {
    private final Duration timeout;

    Timeout(String name, Step<B> child, Step<B> fallback, Duration timeout) {
      super(name, "Timeout", child, fallback);
      this.timeout = timeout;
    }

    @Override
    String details() {
      return Durations.human(timeout);
    }

    @Override
    Result exec(B blackboard, Frame frame) {
      long deadline = System.nanoTime() + timeout.toNanos();
      try (Fork fork = new Fork(frame, 0)) {
        Fork.Task task = fork.spawn(f -> f.run(child, blackboard), null);
        if (fork.join(deadline) == Fork.Outcome.DONE && task.result() != null) {
          return task.result();
        }
        fork.cancel("timed out after " + details());
        fork.join(Long.MAX_VALUE);
      }
      frame.attribute("timed_out", true);
      return cutShort(blackboard, frame, new TimeoutException("timed out after " + details()));
    }
  }

  /** Runs the child until a termination signal under the node's key is raised. */
  static final class Terminable<B> extends WithFallback<B> {
    private final Function<B, String> key;
    private final boolean failOnStoreError;

    Terminable(
        String name,
        Step<B> child,
        Step<B> fallback,
        Function<B, String> key,
        OnStoreError onStoreError) {
      super(name, "Terminable", child, fallback);
      this.key = key;
      this.failOnStoreError = onStoreError == OnStoreError.FAIL;
    }

    @Override
    String details() {
      return failOnStoreError ? "fails on store errors" : "";
    }

    @Override
    Result exec(B blackboard, Frame frame) {
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
      return cutShort(blackboard, frame, new TerminatedException(signalKey, raised.reason()));
    }
  }

  /** Lets user advice decide how the child runs. */
  static final class Wrapper<B> extends Decorator<B> {
    private final Around<B> around;

    Wrapper(String name, Step<B> child, Around<B> around) {
      super(name, "Wrapper", child);
      this.around = around;
    }

    @Override
    Result exec(B blackboard, Frame frame) throws Exception {
      Result result = around.around(blackboard, frame, () -> frame.run(child, blackboard));
      if (result == null) {
        return frame.failWith(new IllegalStateException("Wrapper advice returned null"));
      }
      return result;
    }
  }

  /** Caches the child's OK data in a {@link CacheStore}; see {@link CachePolicy}. */
  static final class Cacher<B> extends Decorator<B> {
    private static final long SINGLE_FLIGHT_POLL_MILLIS = 20;
    private final CachePolicy<B> policy;

    Cacher(String name, Step<B> child, CachePolicy<B> policy) {
      super(name, "Cacher", child);
      this.policy = policy;
    }

    @Override
    String details() {
      return policy.toString();
    }

    @Override
    Result exec(B blackboard, Frame frame) throws InterruptedException {
      if (!policy.enabled(blackboard)) {
        frame.attribute("cache", "disabled");
        return frame.run(child, blackboard);
      }
      String key = policy.key(blackboard);
      CacheStore store = policy.store() != null ? policy.store() : frame.cacheStore();
      Object validatorValue = policy.validator(blackboard);
      JsonNode validator =
          validatorValue == null
              ? NullNode.getInstance()
              : TraceJson.MAPPER.valueToTree(validatorValue);
      frame.attribute("cache_key", key);

      Lookup lookup = lookup(store, key, validator, frame);
      if (lookup.hit() != null) {
        frame.attribute("cache", "hit");
        return lookup.hit();
      }
      String lockKey = key + ":lock";
      String lockToken =
          frame.traceId() + "/" + Long.toHexString(ThreadLocalRandom.current().nextLong());
      boolean lockHeld = false;
      if (policy.singleFlightWait() != null) {
        try {
          lockHeld = store.setIfAbsent(lockKey, lockToken, policy.singleFlightWait());
        } catch (RuntimeException e) {
          frame.log(LogLevel.WARN, "cache store error taking the single-flight lock: " + e);
          lockHeld = true; // cannot coordinate: behave as the holder and run the child
        }
        if (!lockHeld) {
          Result waited = awaitOtherFlight(store, key, validator, frame);
          if (waited != null) {
            frame.attribute("cache", "hit");
            frame.attribute("single_flight", "waited");
            return waited;
          }
          frame.attribute("single_flight", "gave up waiting");
        }
      }
      frame.attribute("cache", lookup.outcome());
      try {
        Result result = frame.run(child, blackboard);
        if (result.isOk()) {
          store(store, key, validator, result.data(), frame);
        }
        return result;
      } finally {
        if (lockHeld) {
          try {
            store.deleteIfEquals(lockKey, lockToken); // never another holder's lock
          } catch (RuntimeException e) {
            frame.log(LogLevel.WARN, "cache store error releasing the single-flight lock: " + e);
          }
        }
      }
    }

    private Result awaitOtherFlight(CacheStore store, String key, JsonNode validator, Frame frame)
        throws InterruptedException {
      long deadline = System.nanoTime() + policy.singleFlightWait().toNanos();
      while (System.nanoTime() < deadline) {
        Thread.sleep(SINGLE_FLIGHT_POLL_MILLIS);
        Lookup lookup = lookup(store, key, validator, frame);
        if (lookup.hit() != null) {
          return lookup.hit();
        }
      }
      return null;
    }

    /** A hit, or why not: miss, invalidated, corrupt or error. */
    private record Lookup(Result hit, String outcome) {}

    private Lookup lookup(CacheStore store, String key, JsonNode validator, Frame frame) {
      Optional<String> raw;
      try {
        raw = store.get(key);
      } catch (RuntimeException e) {
        frame.log(LogLevel.WARN, "cache store error on get (running the child): " + e);
        return new Lookup(null, "error");
      }
      if (raw.isEmpty()) {
        return new Lookup(null, "miss");
      }
      JsonNode entry;
      Object value;
      try {
        entry = TraceJson.MAPPER.readTree(raw.get());
        if (entry == null || !entry.isObject() || !entry.has("value")) {
          throw new IllegalArgumentException("not a TaskTree cache entry");
        }
        if (!entry.path("validator").equals(validator)) {
          return new Lookup(null, "invalidated");
        }
        value = TraceJson.MAPPER.treeToValue(entry.get("value"), policy.type());
      } catch (JsonProcessingException | IllegalArgumentException e) {
        frame.log(
            LogLevel.WARN, "unreadable cache entry under '" + key + "', treated as a miss: " + e);
        return new Lookup(null, "corrupt");
      }
      return new Lookup(Result.ok(value), "hit");
    }

    private void store(CacheStore store, String key, JsonNode validator, Object data, Frame frame) {
      try {
        ObjectNode entry = TraceJson.MAPPER.createObjectNode();
        entry.put("v", 1);
        entry.set("value", TraceJson.MAPPER.valueToTree(data));
        entry.set("validator", validator);
        store.set(key, TraceJson.MAPPER.writeValueAsString(entry), policy.ttl(frame.random()));
      } catch (JsonProcessingException | IllegalArgumentException e) {
        frame.log(LogLevel.WARN, "result not cached: it cannot be written as JSON: " + e);
      } catch (RuntimeException e) {
        frame.log(LogLevel.WARN, "cache store error on set (result kept, not cached): " + e);
      }
    }
  }
}
