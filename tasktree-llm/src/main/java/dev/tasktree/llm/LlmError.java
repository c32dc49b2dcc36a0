package dev.tasktree.llm;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Why an LLM node failed: the {@code FAIL} data of {@link LlmNode}. The {@link Category} lets a
 * tree act on it — a Selector falls through to the next model, a Retry retries only what is
 * {@linkplain #retryable() retryable}:
 *
 * <pre>{@code
 * .retry(RetryPolicy.tries(3).retryIf(LlmError::isRetryable))
 * }</pre>
 *
 * @param category what kind of failure
 * @param status the HTTP status, or 0 when there was no HTTP answer
 * @param message a human-readable reason (never contains the API key)
 * @param model the model that was asked
 * @param code the provider's error code when it gave one (e.g. {@code context_length_exceeded})
 */
public record LlmError(Category category, int status, String message, String model, String code) {

  /** Failure categories a tree can act on. */
  public enum Category {
    /** HTTP 429: too many requests or tokens. Retryable. */
    RATE_LIMITED,
    /** HTTP 5xx. Retryable. */
    SERVER_ERROR,
    /** The provider's request timeout elapsed. Retryable. */
    TIMEOUT,
    /** HTTP 401/403, or no API key could be resolved. */
    AUTH,
    /** HTTP 4xx other than the above: the request is wrong and will stay wrong. */
    BAD_REQUEST,
    /** The prompt does not fit the model's context window. */
    CONTEXT_LENGTH,
    /** The connection failed or broke (also mid-stream), or the response was unreadable. */
    IO,
    /** The reply did not fit the structured-output type. */
    OUTPUT_PARSE,
    /** The tool loop reached its iteration limit without a final answer. */
    MAX_ITERATIONS,
    /**
     * The call was cancelled (only seen by stream listeners; a cancelled node's result is moot).
     */
    CANCELLED;

    /** The lower-case name used in traces, e.g. {@code rate_limited}. */
    @JsonValue
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Whether trying the same request again may succeed. */
    public boolean retryable() {
      return this == RATE_LIMITED || this == SERVER_ERROR || this == TIMEOUT || this == IO;
    }
  }

  /** Whether trying the same request again may succeed. */
  public boolean retryable() {
    return category.retryable();
  }

  /**
   * Whether {@code failData} (a FAIL's data) is a retryable {@link LlmError}; a predicate for
   * {@code RetryPolicy.retryIf}.
   */
  public static boolean isRetryable(Object failData) {
    return failData instanceof LlmError e && e.retryable();
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
