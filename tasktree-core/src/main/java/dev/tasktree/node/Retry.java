package dev.tasktree.node;

import dev.tasktree.Result;
import dev.tasktree.RetryPolicy;
import dev.tasktree.runtime.Frame;
import dev.tasktree.runtime.Spec;
import dev.tasktree.runtime.Step;
import dev.tasktree.trace.Attributes;
import dev.tasktree.trace.LogLevel;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * <b>Retry</b> ({@code retry(maxTries)}, {@code retry(RetryPolicy)}): tries its child until it is
 * OK, up to {@code maxTries} tries in all.
 *
 * <p>OK with the first OK try's data. FAIL with the last failure's data when every try failed, or
 * at once when a failure does not match the policy's {@code retryIf} (which sees the FAIL data: for
 * a thrown exception, the exception). Each try is its own child span with {@code tasktree.attempt}
 * (0-based); the span records {@code attempts}. Between tries it waits the policy's {@code Backoff}
 * delay — or, when the failure's data is a {@code SuggestsRetryDelay} (an HTTP 429's {@code
 * Retry-After}), the suggested delay if longer, up to the backoff's cap — never after the last try;
 * a cancelled Retry stops waiting at once. Inside a try, {@code NodeContext.attempt()} is the try's
 * number (1 for the first) and {@code lastFailure()} the previous try's failure.
 *
 * @param <B> the blackboard type
 */
public final class Retry<B> extends PolicyDecorator<B, RetryPolicy> {

  private Retry(String name, Step<B> child, RetryPolicy policy) {
    super(name, "Retry", child, policy);
  }

  /** The descriptor of {@code retry(maxTries)}: no backoff, every failure retried. */
  public static <B> Spec<B> spec(int maxTries) {
    if (maxTries < 1) {
      return Retry.<B>spec(RetryPolicy.tries(1))
          .check(false, "maxTries must be at least 1, found " + maxTries);
    }
    return spec(RetryPolicy.tries(maxTries));
  }

  /** The descriptor of {@code retry(policy)}. */
  public static <B> Spec<B> spec(RetryPolicy policy) {
    return PolicyDecorator.spec("Retry", policy, "policy", Retry<B>::new);
  }

  @Override
  public String details() {
    return policy.maxTries() + " tries, " + policy.backoff();
  }

  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> args = new LinkedHashMap<>();
    args.put("maxTries", policy.maxTries());
    args.put("backoff", policy.backoff().toString());
    return args;
  }

  @Override
  protected Result exec(B blackboard, Frame frame) throws InterruptedException {
    Result lastFailure = null;
    for (int attempt = 0; ; attempt++) {
      Result result =
          frame.runAttempt(child, blackboard, Attributes.ATTEMPT, attempt + 1, lastFailure);
      frame.attribute("attempts", attempt + 1);
      if (result.isOk()) {
        return result;
      }
      lastFailure = result;
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
