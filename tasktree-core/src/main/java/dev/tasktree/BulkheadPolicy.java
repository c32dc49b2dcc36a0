package dev.tasktree;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A named concurrency limit shared by every run in this process, for {@link
 * TreeBuilder#bulkhead(BulkheadPolicy) .bulkhead(...)}: at most {@code maxConcurrent} children
 * under bulkheads of this name run at once, so one tree's fan-out cannot take every slot another
 * tree needs. A caller waits up to {@code maxWait} for a slot, then fails with {@link
 * BulkheadFullException}.
 *
 * <pre>{@code
 * BulkheadPolicy openai = BulkheadPolicy.named("openai").maxConcurrent(16)
 *     .maxWait(Duration.ofSeconds(2));
 * }</pre>
 *
 * <p>Policies with the same name share one set of slots; giving one name two different limits is an
 * error. The limit is per process (a fleet-wide request rate is a {@link RateLimiter}'s job).
 * Immutable and thread-safe.
 */
public final class BulkheadPolicy {

  private static final ConcurrentHashMap<String, Slots> SLOTS = new ConcurrentHashMap<>();

  private record Slots(int limit, Semaphore semaphore) {}

  private final String name;
  private final Slots slots;
  private final Duration maxWait;

  private BulkheadPolicy(String name, Slots slots, Duration maxWait) {
    this.name = name;
    this.slots = slots;
    this.maxWait = maxWait;
  }

  /** A builder for the bulkhead {@code name}. */
  public static Builder named(String name) {
    return new Builder(name);
  }

  /** The bulkhead's name. */
  public String name() {
    return name;
  }

  /** The most children running at once in this process. */
  public int maxConcurrent() {
    return slots.limit();
  }

  /** Slots free now (for diagnostics). */
  public int available() {
    return slots.semaphore().availablePermits();
  }

  /**
   * Takes a slot, waiting up to the bound; release it with {@link #release()}.
   *
   * @throws BulkheadFullException when no slot came free in time
   * @throws InterruptedException when the run is cancelled while waiting
   */
  public void acquire() throws InterruptedException {
    if (!slots.semaphore().tryAcquire(maxWait.toNanos(), TimeUnit.NANOSECONDS)) {
      throw new BulkheadFullException(
          name,
          "bulkhead '"
              + name
              + "': all "
              + slots.limit()
              + " slots busy for "
              + dev.tasktree.runtime.Durations.human(maxWait));
    }
  }

  /** Gives back a slot taken with {@link #acquire()}. */
  public void release() {
    slots.semaphore().release();
  }

  /** Settings of a {@link BulkheadPolicy}. Required: {@link #maxConcurrent}. Default wait: 0. */
  public static final class Builder {
    private final String name;
    private int maxConcurrent;
    private Duration maxWait = Duration.ZERO;

    private Builder(String name) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("a bulkhead needs a non-blank name");
      }
      this.name = name;
    }

    /** At most {@code limit} children at once. */
    public Builder maxConcurrent(int limit) {
      if (limit < 1) {
        throw new IllegalArgumentException("maxConcurrent must be at least 1, got " + limit);
      }
      this.maxConcurrent = limit;
      return this;
    }

    /** How long a caller waits for a slot (default 0: fail at once). */
    public Builder maxWait(Duration wait) {
      Objects.requireNonNull(wait, "wait");
      if (wait.isNegative()) {
        throw new IllegalArgumentException("maxWait must not be negative, got " + wait);
      }
      this.maxWait = wait;
      return this;
    }

    /**
     * The bulkhead, sharing its slots with every other of the same name in this process.
     *
     * @throws IllegalStateException when no limit was set, or the name already has another limit
     */
    public BulkheadPolicy build() {
      if (maxConcurrent == 0) {
        throw new IllegalStateException("bulkhead '" + name + "' needs maxConcurrent(n)");
      }
      Slots slots =
          SLOTS.computeIfAbsent(name, k -> new Slots(maxConcurrent, new Semaphore(maxConcurrent)));
      if (slots.limit() != maxConcurrent) {
        throw new IllegalStateException(
            "bulkhead '"
                + name
                + "' already exists with maxConcurrent "
                + slots.limit()
                + ", not "
                + maxConcurrent);
      }
      return new BulkheadPolicy(name, slots, maxWait);
    }
  }
}
