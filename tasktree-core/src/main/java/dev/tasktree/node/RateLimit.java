package dev.tasktree.node;

import dev.tasktree.RateLimitedException;
import dev.tasktree.RateLimiter;
import dev.tasktree.RejectedException;
import dev.tasktree.Result;
import dev.tasktree.SuggestsRetryDelay;
import dev.tasktree.runtime.Durations;
import dev.tasktree.runtime.Frame;
import dev.tasktree.runtime.Meters;
import dev.tasktree.runtime.Spec;
import dev.tasktree.runtime.Step;
import dev.tasktree.store.Spend;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * <b>RateLimit</b> ({@code rateLimit(limiter)} + a node): runs its child within a {@link
 * RateLimiter}'s rate.
 *
 * <ul>
 *   <li>A requests limiter takes one permit before each run of the child, waiting up to its bound
 *       ({@code rate_limit_wait_ms} on the span); when it cannot, the child does not run and the
 *       node fails with {@link RateLimitedException} (category {@code rate_limited}).
 *   <li>A tokens limiter lets the child start at once and charges each metered call inside it (the
 *       LLM node's estimate of prompt plus completion tokens, then the real count) through {@link
 *       dev.tasktree.spi.Charges}; a call that cannot get its tokens in time fails with {@link
 *       RateLimitedException} before it is sent.
 *   <li>When the child fails with data that {@linkplain SuggestsRetryDelay suggests a delay} (an
 *       HTTP 429's {@code Retry-After}), the bucket is paused for that long in every process.
 * </ul>
 *
 * <p>The span records {@code rate_limit} (the limiter's name). A store failure lets the call
 * through with a WARN.
 *
 * @param <B> the blackboard type
 */
public final class RateLimit<B> extends PolicyDecorator<B, RateLimiter> {

  private RateLimit(String name, Step<B> child, RateLimiter limiter) {
    super(name, "RateLimit", child, limiter);
  }

  /** The descriptor of {@code rateLimit(limiter)}. */
  public static <B> Spec<B> spec(RateLimiter limiter) {
    return PolicyDecorator.spec("RateLimit", limiter, "limiter", RateLimit<B>::new);
  }

  @Override
  public String details() {
    var spec = policy.spec();
    return policy.name()
        + " "
        + spec.permits()
        + " "
        + policy.unit().name().toLowerCase(Locale.ROOT)
        + "/"
        + Durations.human(Duration.ofMillis(spec.periodMillis()));
  }

  @Override
  public Map<String, Object> arguments() {
    return Map.of("limiter", policy.name(), "unit", policy.unit().name());
  }

  @Override
  protected Result exec(B blackboard, Frame frame) throws InterruptedException {
    frame.attribute("rate_limit", policy.name());
    Result result;
    if (policy.unit() == RateLimiter.Unit.REQUESTS) {
      long waited;
      try {
        waited = policy.acquire(frame.context(), 1);
      } catch (RateLimitedException refused) {
        return frame.failWith(refused);
      }
      if (waited > 0) {
        frame.attribute("rate_limit_wait_ms", waited);
      }
      result = frame.run(child, blackboard);
    } else {
      result = Meters.with(this::reserveTokens, () -> frame.run(child, blackboard));
    }
    if (!result.isOk()
        && result.data() instanceof SuggestsRetryDelay hint
        && hint.pausesRateLimiters()
        && !(result.data() instanceof RejectedException)) {
      hint.suggestedRetryDelay().ifPresent(delay -> policy.pause(frame.context(), delay));
    }
    return result;
  }

  /** A metered call's tokens: its estimate up front, the difference once it knows the count. */
  private Meters.Held reserveTokens(dev.tasktree.spi.NodeContext context, Spend estimate) {
    long waited;
    try {
      waited = policy.acquire(context, tokens(estimate));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RateLimitedException(
          policy.name(), "interrupted while waiting for tokens", Duration.ZERO);
    }
    if (waited > 0) {
      context.attribute("rate_limit_wait_ms", waited);
    }
    return (ctx, est, actual) -> policy.adjust(ctx, tokens(actual) - tokens(est));
  }

  private static long tokens(Spend spend) {
    return spend.inputTokens() + spend.outputTokens();
  }
}
