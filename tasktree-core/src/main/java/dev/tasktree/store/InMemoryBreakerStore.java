package dev.tasktree.store;

import dev.tasktree.store.BreakerStore.Decision;
import dev.tasktree.store.BreakerStore.Verdict;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * A {@link BreakerStore} in this process's memory: the reference state machine (the Redis store's
 * Lua script follows it rule for rule). Thread-safe; each breaker has its own lock, held only for a
 * few field updates. {@link #shared()} is the store breakers use unless told otherwise.
 */
public final class InMemoryBreakerStore implements BreakerStore {

  private static final InMemoryBreakerStore SHARED =
      new InMemoryBreakerStore(() -> System.nanoTime() / 1_000_000);

  private final ConcurrentHashMap<String, Machine> machines = new ConcurrentHashMap<>();
  private final LongSupplier nowMillis;

  /** A store whose cooldowns and time windows follow {@code nowMillis} (a monotonic clock). */
  public InMemoryBreakerStore(LongSupplier nowMillis) {
    this.nowMillis = nowMillis;
  }

  /** A store on the JVM's monotonic clock. */
  public InMemoryBreakerStore() {
    this(() -> System.nanoTime() / 1_000_000);
  }

  /** The process-wide default store. */
  public static InMemoryBreakerStore shared() {
    return SHARED;
  }

  @Override
  public Decision acquire(String name, BreakerSpec spec) {
    return machine(name, spec).acquire(nowMillis.getAsLong());
  }

  @Override
  public Decision record(String name, BreakerSpec spec, boolean failure, boolean probe) {
    return machine(name, spec).record(nowMillis.getAsLong(), failure, probe);
  }

  private Machine machine(String name, BreakerSpec spec) {
    Machine machine = machines.get(name);
    if (machine == null || !machine.spec.equals(spec)) {
      machine =
          machines.compute(
              name, (k, old) -> old != null && old.spec.equals(spec) ? old : new Machine(spec));
    }
    return machine;
  }

  /** One breaker's state: the rules of {@link BreakerStore}. */
  private static final class Machine {
    final BreakerSpec spec;
    final ReentrantLock lock = new ReentrantLock();
    final SlidingWindow window;
    CircuitState state = CircuitState.CLOSED;
    int consecutive;
    long openedAt;
    long halfOpenAt;
    int probesIssued;
    int probeSuccesses;

    Machine(BreakerSpec spec) {
      this.spec = spec;
      this.window = new SlidingWindow(spec.timeWindow(), spec.windowSize());
    }

    Decision acquire(long now) {
      lock.lock();
      try {
        CircuitState before = state;
        if (state == CircuitState.OPEN) {
          long until = openedAt + spec.cooldownMillis();
          if (now < until) {
            return new Decision(Verdict.REJECT, state, null, until - now);
          }
          state = CircuitState.HALF_OPEN;
          halfOpenAt = now;
          probesIssued = 0;
          probeSuccesses = 0;
        }
        if (state == CircuitState.HALF_OPEN) {
          if (probesIssued >= spec.halfOpenProbes()) {
            long stuckUntil = halfOpenAt + spec.cooldownMillis();
            if (now < stuckUntil) {
              return new Decision(Verdict.REJECT, state, changed(before), stuckUntil - now);
            }
            // the probes never reported (their processes died): hand out a fresh round
            halfOpenAt = now;
            probesIssued = 0;
            probeSuccesses = 0;
          }
          probesIssued++;
          return new Decision(Verdict.PROBE, state, changed(before), 0);
        }
        return new Decision(Verdict.PERMIT, state, null, 0);
      } finally {
        lock.unlock();
      }
    }

    Decision record(long now, boolean failure, boolean probe) {
      lock.lock();
      try {
        CircuitState before = state;
        if (state == CircuitState.HALF_OPEN && probe) {
          if (failure) {
            open(now);
          } else if (++probeSuccesses >= spec.halfOpenProbes()) {
            state = CircuitState.CLOSED;
            window.clear();
            consecutive = 0;
          }
        } else if (state == CircuitState.CLOSED && !probe) {
          window.add(now, failure);
          consecutive = failure ? consecutive + 1 : 0;
          if (tripped(now)) {
            open(now);
          }
        }
        long retryAfter =
            state == CircuitState.OPEN ? Math.max(0, openedAt + spec.cooldownMillis() - now) : 0;
        return new Decision(Verdict.PERMIT, state, changed(before), retryAfter);
      } finally {
        lock.unlock();
      }
    }

    private boolean tripped(long now) {
      if (spec.consecutiveFailures() > 0 && consecutive >= spec.consecutiveFailures()) {
        return true;
      }
      if (spec.failureRatePercent() <= 0) {
        return false;
      }
      long[] counts = window.counts(now);
      return counts[0] >= Math.max(1, spec.minimumCalls())
          && counts[1] * 100 >= (long) spec.failureRatePercent() * counts[0];
    }

    private void open(long now) {
      state = CircuitState.OPEN;
      openedAt = now;
      window.clear();
      consecutive = 0;
    }

    private CircuitState changed(CircuitState before) {
      return before == state ? null : before;
    }
  }
}
