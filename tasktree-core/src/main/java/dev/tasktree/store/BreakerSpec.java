package dev.tasktree.store;

/**
 * The rules of one circuit breaker, as a {@link BreakerStore} applies them. Built and checked by
 * {@code dev.tasktree.CircuitBreaker.Builder}; stores take it as it is.
 *
 * @param timeWindow whether the sliding window holds the last {@code windowSize} seconds (true) or
 *     the last {@code windowSize} calls (false)
 * @param windowSize calls or seconds in the sliding window, at least 1
 * @param minimumCalls how many calls the window needs before the failure rate is judged
 * @param failureRatePercent the failure rate (1-100) that opens the breaker, or 0 for none
 * @param consecutiveFailures how many failures in a row open the breaker, or 0 for none
 * @param cooldownMillis how long the breaker stays open before it lets probes through
 * @param halfOpenProbes how many probe calls a half-open breaker lets through (all processes
 *     together), and how many must succeed to close it
 */
public record BreakerSpec(
    boolean timeWindow,
    int windowSize,
    int minimumCalls,
    int failureRatePercent,
    int consecutiveFailures,
    long cooldownMillis,
    int halfOpenProbes) {}
