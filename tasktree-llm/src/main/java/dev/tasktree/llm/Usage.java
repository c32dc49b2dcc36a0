package dev.tasktree.llm;

/**
 * Token usage of one or more model calls.
 *
 * @param inputTokens prompt tokens, cached ones included
 * @param cachedInputTokens the part of the input served from the provider's prompt cache
 * @param outputTokens completion tokens, reasoning included
 * @param reasoningTokens the part of the output spent on hidden reasoning
 */
public record Usage(
    long inputTokens, long cachedInputTokens, long outputTokens, long reasoningTokens) {

  /** No tokens. */
  public static final Usage ZERO = new Usage(0, 0, 0, 0);

  /** Input plus output tokens. */
  public long totalTokens() {
    return inputTokens + outputTokens;
  }

  /** The sum of this usage and {@code other}. */
  public Usage plus(Usage other) {
    return new Usage(
        inputTokens + other.inputTokens,
        cachedInputTokens + other.cachedInputTokens,
        outputTokens + other.outputTokens,
        reasoningTokens + other.reasoningTokens);
  }
}
