package dev.tasktree.node;

import dev.tasktree.CachePolicy;
import dev.tasktree.Result;
import dev.tasktree.runtime.Frame;
import dev.tasktree.runtime.Spec;
import dev.tasktree.runtime.Step;
import dev.tasktree.store.CacheStore;
import dev.tasktree.trace.LogLevel;

/**
 * <b>Cache</b> ({@code cache(CachePolicy)} + a node): caches its child's OK data in a {@link
 * CacheStore} — the policy's, else the run's.
 *
 * <p>OK with the cached value (read back as the policy's type) on a hit, without running the child;
 * otherwise OK or FAIL as the child, and an OK is stored for the policy's TTL (fixed, or drawn from
 * a range). FAIL is never cached. A hit needs an equal validator; otherwise the child runs again
 * and the entry is replaced ({@code invalidated}). An unreadable entry is a miss with a WARN log
 * and is overwritten ({@code corrupt}). A store error on get or set is a WARN log; the child's
 * result stands. The span records {@code cache} ({@code hit}/{@code miss}/{@code
 * invalidated}/{@code corrupt}/{@code error}/{@code disabled}), {@code cache_key} and, with
 * single-flight, {@code single_flight}. Entry format and single-flight protocol: {@link
 * CacheProtocol}.
 *
 * @param <B> the blackboard type
 */
public final class Cache<B> extends PolicyDecorator<B, CachePolicy<B>> {

  private Cache(String name, Step<B> child, CachePolicy<B> policy) {
    super(name, "Cache", child, policy);
  }

  /** The descriptor of {@code cache(policy)}. */
  public static <B> Spec<B> spec(CachePolicy<B> policy) {
    return PolicyDecorator.spec("Cache", policy, "policy", Cache<B>::new);
  }

  @Override
  protected Result exec(B blackboard, Frame frame) throws InterruptedException {
    if (!policy.enabled(blackboard)) {
      frame.attribute("cache", "disabled");
      return frame.run(child, blackboard);
    }
    String key = policy.key(blackboard);
    CacheStore store = policy.store() != null ? policy.store() : frame.cacheStore();
    frame.attribute("cache_key", key);
    CacheProtocol cache =
        new CacheProtocol(
            store,
            key,
            policy.validator(blackboard),
            policy.type(),
            message -> frame.log(LogLevel.WARN, message));

    CacheProtocol.Lookup lookup = cache.lookup();
    if (lookup.hit() != null) {
      frame.attribute("cache", "hit");
      return lookup.hit();
    }
    if (policy.singleFlightWait() == null) {
      frame.attribute("cache", lookup.outcome());
      return runAndStore(cache, blackboard, frame);
    }
    try (CacheProtocol.Flight flight = cache.flight(frame.traceId(), policy.singleFlightWait())) {
      if (!flight.held()) {
        Result waited = cache.awaitOtherFlight(policy.singleFlightWait());
        if (waited != null) {
          frame.attribute("cache", "hit");
          frame.attribute("single_flight", "waited");
          return waited;
        }
        frame.attribute("single_flight", "gave up waiting");
      }
      frame.attribute("cache", lookup.outcome());
      return runAndStore(cache, blackboard, frame);
    }
  }

  private Result runAndStore(CacheProtocol cache, B blackboard, Frame frame) {
    Result result = frame.run(child, blackboard);
    if (result.isOk()) {
      cache.store(result.data(), policy.ttl(frame.random()));
    }
    return result;
  }
}
