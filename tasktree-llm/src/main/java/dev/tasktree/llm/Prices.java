package dev.tasktree.llm;

/**
 * What a model costs, in US dollars per million tokens. Cached input tokens are billed at {@code
 * cachedInput} instead of {@code input}.
 *
 * @param input price per million uncached input tokens
 * @param cachedInput price per million cached input tokens
 * @param output price per million output tokens (reasoning included)
 */
public record Prices(double input, double cachedInput, double output) {

  /** Free (the default when no prices are given). */
  public static final Prices FREE = new Prices(0, 0, 0);

  /** Validates the prices. */
  public Prices {
    if (input < 0 || cachedInput < 0 || output < 0) {
      throw new IllegalArgumentException("prices must not be negative");
    }
  }

  /** Prices with cached input billed like uncached input. */
  public static Prices perMillion(double input, double output) {
    return new Prices(input, input, output);
  }

  /** Prices with a separate cached-input price. */
  public static Prices perMillion(double input, double cachedInput, double output) {
    return new Prices(input, cachedInput, output);
  }

  /** The cost of {@code usage} in US dollars. */
  public double cost(Usage usage) {
    long cached = Math.min(usage.cachedInputTokens(), usage.inputTokens());
    return ((usage.inputTokens() - cached) * input
            + cached * cachedInput
            + usage.outputTokens() * output)
        / 1_000_000.0;
  }
}
