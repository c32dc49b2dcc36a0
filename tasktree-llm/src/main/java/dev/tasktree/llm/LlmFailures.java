package dev.tasktree.llm;

import dev.tasktree.RejectedException;
import java.util.Set;

/**
 * Which LLM failures say something about the provider's health, for {@code
 * CircuitBreaker.Builder#countFailuresIf}: rate limits, server errors, timeouts and broken
 * connections count; a bad request, a missing key (auth), a too-long prompt or an unparsable answer
 * do not (the provider is fine, the request is not), and neither does another policy's refusal.
 *
 * <pre>{@code
 * CircuitBreaker.named("openai").countFailuresIf(LlmFailures::countsForBreaker)...
 * }</pre>
 */
public final class LlmFailures {

  private static final Set<String> PROVIDER_TROUBLE =
      Set.of("rate_limited", "server_error", "timeout", "io");

  private LlmFailures() {}

  /** Whether {@code failData} (a FAIL's data) should count against a circuit breaker. */
  public static boolean countsForBreaker(Object failData) {
    if (failData instanceof LlmError error) {
      return !error.refusedByPolicy() && PROVIDER_TROUBLE.contains(error.category().wireName());
    }
    return !(failData instanceof RejectedException);
  }
}
