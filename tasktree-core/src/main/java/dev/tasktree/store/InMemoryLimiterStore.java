package dev.tasktree.store;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * A {@link LimiterStore} in this process's memory (the Redis store's Lua script follows the same
 * rules). Thread-safe; one short lock per bucket. {@link #shared()} is the default.
 */
public final class InMemoryLimiterStore implements LimiterStore {

  private static final InMemoryLimiterStore SHARED = new InMemoryLimiterStore();

  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
  private final LongSupplier nowMillis;

  /** A store whose refills follow {@code nowMillis} (a monotonic clock). */
  public InMemoryLimiterStore(LongSupplier nowMillis) {
    this.nowMillis = nowMillis;
  }

  /** A store on the JVM's monotonic clock. */
  public InMemoryLimiterStore() {
    this(() -> System.nanoTime() / 1_000_000);
  }

  /** The process-wide default store. */
  public static InMemoryLimiterStore shared() {
    return SHARED;
  }

  @Override
  public long acquire(String name, Spec spec, long permits, long maxWaitMillis) {
    Bucket bucket = bucket(name, spec);
    bucket.lock.lock();
    try {
      long now = bucket.refill(nowMillis.getAsLong());
      long wait = bucket.pausedUntil > now ? bucket.pausedUntil - now : 0;
      if (bucket.tokens < permits) {
        wait = Math.max(wait, (long) Math.ceil((permits - bucket.tokens) / spec.ratePerMilli()));
      }
      if (wait > maxWaitMillis) {
        return -Math.max(1, wait);
      }
      bucket.tokens -= permits;
      return wait;
    } finally {
      bucket.lock.unlock();
    }
  }

  @Override
  public void adjust(String name, Spec spec, long delta) {
    Bucket bucket = bucket(name, spec);
    bucket.lock.lock();
    try {
      bucket.refill(nowMillis.getAsLong());
      bucket.tokens = Math.min(spec.burst(), bucket.tokens - delta);
    } finally {
      bucket.lock.unlock();
    }
  }

  @Override
  public void pause(String name, Spec spec, long millis) {
    Bucket bucket = bucket(name, spec);
    bucket.lock.lock();
    try {
      long now = bucket.refill(nowMillis.getAsLong());
      bucket.pausedUntil = Math.max(bucket.pausedUntil, now + millis);
    } finally {
      bucket.lock.unlock();
    }
  }

  private Bucket bucket(String name, Spec spec) {
    Bucket bucket = buckets.get(name);
    if (bucket == null || !bucket.spec.equals(spec)) {
      bucket =
          buckets.compute(
              name,
              (k, old) -> old != null && old.spec.equals(spec) ? old : new Bucket(spec, nowMillis));
    }
    return bucket;
  }

  private static final class Bucket {
    final Spec spec;
    final ReentrantLock lock = new ReentrantLock();
    double tokens;
    long stamp;
    long pausedUntil;

    Bucket(Spec spec, LongSupplier nowMillis) {
      this.spec = spec;
      this.tokens = spec.burst();
      this.stamp = nowMillis.getAsLong();
      this.pausedUntil = Long.MIN_VALUE;
    }

    long refill(long now) {
      if (now > stamp) {
        tokens = Math.min(spec.burst(), tokens + (now - stamp) * spec.ratePerMilli());
        stamp = now;
      }
      return now;
    }
  }
}
