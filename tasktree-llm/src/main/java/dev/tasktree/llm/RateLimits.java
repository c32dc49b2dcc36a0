package dev.tasktree.llm;

import java.time.Duration;

/**
 * What a provider said about its rate limits on a failed call: {@code Retry-After} (or {@code
 * retry-after-ms}) and the {@code x-ratelimit-*} headers. Each field is null when the header was
 * absent or unreadable.
 *
 * @param retryAfter how long the provider asks the client to wait
 * @param resetRequests when the request budget resets ({@code x-ratelimit-reset-requests})
 * @param resetTokens when the token budget resets ({@code x-ratelimit-reset-tokens})
 * @param remainingRequests requests left in the window ({@code x-ratelimit-remaining-requests})
 * @param remainingTokens tokens left in the window ({@code x-ratelimit-remaining-tokens})
 */
public record RateLimits(
    Duration retryAfter,
    Duration resetRequests,
    Duration resetTokens,
    Long remainingRequests,
    Long remainingTokens) {

  /**
   * How long to wait before trying again: {@code retryAfter} when given, else the reset of the
   * budget that ran out (remaining 0), else the later of the two resets; null when nothing says.
   */
  public Duration suggestedDelay() {
    if (retryAfter != null) {
      return retryAfter;
    }
    boolean requestsOut = remainingRequests != null && remainingRequests == 0;
    boolean tokensOut = remainingTokens != null && remainingTokens == 0;
    if (requestsOut && !tokensOut && resetRequests != null) {
      return resetRequests;
    }
    if (tokensOut && !requestsOut && resetTokens != null) {
      return resetTokens;
    }
    if (resetRequests == null) {
      return resetTokens;
    }
    if (resetTokens == null) {
      return resetRequests;
    }
    return resetRequests.compareTo(resetTokens) >= 0 ? resetRequests : resetTokens;
  }
}
