package dev.tasktree.llm;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.tasktree.RateLimitedException;
import dev.tasktree.RejectedException;
import dev.tasktree.SuggestsRetryDelay;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * Why an LLM node failed: the {@code FAIL} data of {@link LlmNode}. The {@link Category} lets a
 * tree act on it — a Selector falls through to the next model, a Retry retries only what is
 * transient:
 *
 * <pre>{@code
 * .retry(RetryPolicy.tries(3).retryIf(LlmError::isTransient))
 * }</pre>
 *
 * <p>A Retry also honours the provider's {@code Retry-After} ({@link #suggestedRetryDelay()}, up to
 * the backoff's cap).
 *
 * @param category what kind of failure
 * @param status the HTTP status, or 0 when there was no HTTP answer (200 for an error event inside
 *     a stream)
 * @param message a human-readable reason (key-shaped strings redacted)
 * @param model the model that was asked
 * @param code the provider's error code when it gave one (e.g. {@code context_length_exceeded})
 * @param rateLimits what the provider's rate-limit headers said, or null when it sent none
 * @param partialText the text received before a stream broke off, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LlmError(
    Category category,
    int status,
    String message,
    String model,
    String code,
    RateLimits rateLimits,
    String partialText)
    implements SuggestsRetryDelay {

  /** An error without rate-limit information or partial text. */
  public LlmError(Category category, int status, String message, String model, String code) {
    this(category, status, message, model, code, null, null);
  }

  /** Failure categories a tree can act on; see docs/llm.md "How failures are categorised". */
  public enum Category {
    /** Too many requests or tokens (HTTP 429, or a rate-limit error code). Retryable. */
    RATE_LIMITED,
    /** The account's quota or credit is used up ({@code insufficient_quota}). Not retryable. */
    QUOTA_EXCEEDED,
    /** The server failed (HTTP 5xx, or a server error code). Retryable. */
    SERVER_ERROR,
    /** The provider's request timeout elapsed (or HTTP 408). Retryable. */
    TIMEOUT,
    /** The key is missing, wrong or lacks permission (401/403, or an auth error code). */
    AUTH,
    /** The request is wrong and will stay wrong (other 4xx). */
    BAD_REQUEST,
    /** The prompt does not fit the model's context window. */
    CONTEXT_LENGTH,
    /** The model declined to answer ({@code refusal}) or a content filter stopped it. */
    REFUSAL,
    /**
     * The connection failed or broke (also a stream that ended without a finish), or the response
     * was unreadable or malformed. Retryable.
     */
    IO,
    /** The reply did not fit the structured-output type. */
    OUTPUT_PARSE,
    /** The tool loop reached its iteration limit without a final answer. */
    MAX_ITERATIONS,
    /**
     * The call was cancelled (only seen by stream listeners; a cancelled node's result is moot).
     */
    CANCELLED,
    /**
     * A circuit breaker is open: the call was not made. Not retryable (a retry within the cooldown
     * is refused again); a Selector falls through to the next model.
     */
    CIRCUIT_OPEN,
    /** A budget would not fit the call's estimate: the call was not made. Not retryable. */
    BUDGET_EXCEEDED,
    /** A bulkhead had no free slot in time: the call was not made. Retryable. */
    BULKHEAD_FULL;

    /** The lower-case name used in traces, e.g. {@code rate_limited}. */
    @JsonValue
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Whether trying the same request again may succeed. */
    public boolean retryable() {
      return this == RATE_LIMITED
          || this == SERVER_ERROR
          || this == TIMEOUT
          || this == IO
          || this == BULKHEAD_FULL;
    }
  }

  /** Whether trying the same request again may succeed. */
  public boolean retryable() {
    return category.retryable();
  }

  /** The provider's suggested wait before a retry ({@link RateLimits#suggestedDelay()}). */
  @Override
  public Optional<Duration> suggestedRetryDelay() {
    return rateLimits == null ? Optional.empty() : Optional.ofNullable(rateLimits.suggestedDelay());
  }

  /**
   * Whether {@code failData} (a FAIL's data) is a transient LLM failure — a {@linkplain
   * #retryable() retryable} {@link LlmError}, the {@link TimeoutException} of a Timeout around the
   * node, or a policy decorator's refusal whose category is retryable (a rate limit or a full
   * bulkhead; not an open breaker or a budget). The predicate for {@code RetryPolicy.retryIf}.
   */
  public static boolean isTransient(Object failData) {
    return (failData instanceof LlmError e && e.retryable())
        || failData instanceof TimeoutException
        || (failData instanceof RejectedException r && refused(r, "").retryable());
  }

  /**
   * The same as {@link #isTransient}, which also covers a Timeout's failure.
   *
   * @deprecated use {@link #isTransient}, whose name says what it covers
   */
  @Deprecated
  public static boolean isRetryable(Object failData) {
    return isTransient(failData);
  }

  /**
   * The error of an LLM call that a resilience policy (breaker, rate limiter, budget, bulkhead)
   * refused before anything was sent: the category of {@code refusal}, HTTP status 0, code {@value
   * #POLICY_CODE}, and for a rate limit the limiter's suggested wait as {@code Retry-After}.
   *
   * @param refusal the policy's refusal
   * @param model the model that was to be asked
   * @return the LLM node's FAIL data
   */
  public static LlmError refused(RejectedException refusal, String model) {
    Category category = Category.valueOf(refusal.category().toUpperCase(Locale.ROOT));
    RateLimits limits =
        refusal instanceof RateLimitedException limited
            ? limited
                .suggestedRetryDelay()
                .map(wait -> new RateLimits(wait, null, null, null, null))
                .orElse(null)
            : null;
    return new LlmError(
        category,
        0,
        KeyRedactor.redact(String.valueOf(refusal.getMessage())),
        model,
        POLICY_CODE,
        limits,
        null);
  }

  /** The {@code code} of an error that a local resilience policy made (see {@link #refused}). */
  public static final String POLICY_CODE = "tasktree_policy";

  /** A provider's delay pauses a RateLimit around the node; a local policy's does not. */
  @Override
  public boolean pausesRateLimiters() {
    return !refusedByPolicy();
  }

  /** Whether a resilience policy refused the call before it was sent (not the provider). */
  public boolean refusedByPolicy() {
    return status == 0 && POLICY_CODE.equals(code);
  }

  /** This error with the text received before the failure. */
  LlmError withPartialText(String text) {
    return new LlmError(category, status, message, model, code, rateLimits, text);
  }

  @Override
  public String toString() {
    return category.wireName()
        + (status > 0 ? " (HTTP " + status + ")" : "")
        + " from "
        + model
        + ": "
        + message;
  }
}
