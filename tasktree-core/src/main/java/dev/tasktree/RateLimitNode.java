package dev.tasktree;

/**
 * {@code .rateLimit(limiter)}: runs its child within a {@link RateLimiter}'s rate.
 *
 * <ul>
 *   <li>A requests limiter takes one permit before each run of the child, waiting up to its bound
 *       ({@code rate_limit_wait_ms} on the span); when it cannot, the child does not run and the
 *       node fails with {@link RateLimitedException} (category {@code rate_limited}).
 *   <li>A tokens limiter lets the child start at once and charges each metered call inside it (the
 *       LLM node's estimate, then the real usage) through {@link Charges}.
 *   <li>When the child fails with data that {@linkplain SuggestsRetryDelay suggests a delay} (an
 *       HTTP 429's {@code Retry-After}), the bucket is paused for that long in every process.
 * </ul>
 *
 * <p>The span records {@code rate_limit} (the limiter's name).
 */
final class RateLimitNode<B> extends Decorators.Decorator<B> {

  private final RateLimiter limiter;

  RateLimitNode(String name, Step<B> child, RateLimiter limiter) {
    super(name, "RateLimit", child);
    this.limiter = limiter;
  }

  @Override
  String details() {
    var spec = limiter.spec();
    return limiter.name()
        + " "
        + spec.permits()
        + " "
        + limiter.unit().name().toLowerCase()
        + "/"
        + Durations.human(java.time.Duration.ofMillis(spec.periodMillis()));
  }

  @Override
  Result exec(B blackboard, Frame frame) throws InterruptedException {
    frame.attribute("rate_limit", limiter.name());
    Result result;
    if (limiter.unit() == RateLimiter.Unit.REQUESTS) {
      long waited;
      try {
        waited = limiter.acquire(frame, 1);
      } catch (RateLimitedException refused) {
        return frame.failWith(refused);
      }
      if (waited > 0) {
        frame.attribute("rate_limit_wait_ms", waited);
      }
      result = frame.run(child, blackboard);
    } else {
      result = Meters.with(limiter.tokenMeter(), () -> frame.run(child, blackboard));
    }
    if (!result.isOk()
        && result.data() instanceof SuggestsRetryDelay hint
        && !(result.data() instanceof RejectedException)) {
      hint.suggestedRetryDelay().ifPresent(delay -> limiter.pause(frame, delay));
    }
    return result;
  }
}
