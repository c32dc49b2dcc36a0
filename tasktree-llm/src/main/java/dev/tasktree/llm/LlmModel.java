package dev.tasktree.llm;

import java.util.Objects;

/**
 * A model on a provider: its name, its {@link Prices} and its default {@link LlmParams}. Immutable;
 * the {@code with...} methods return copies.
 *
 * <pre>{@code
 * LlmModel mini = LlmModel.of(openai, "gpt-4o-mini")
 *     .withPrices(Prices.perMillion(0.15, 0.075, 0.60))
 *     .withParams(LlmParams.defaults().temperature(0.2));
 * }</pre>
 *
 * @param provider where the model is served
 * @param name the model name sent in requests
 * @param prices what it costs per million tokens
 * @param params its default request parameters (over the provider's, under the node's)
 * @param jsonSchemaOutput whether the endpoint supports {@code response_format: json_schema}; when
 *     false, structured output is asked for with a schema instruction instead
 */
public record LlmModel(
    LlmProvider provider, String name, Prices prices, LlmParams params, boolean jsonSchemaOutput) {

  /** Validates the model. */
  public LlmModel {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(prices, "prices");
    Objects.requireNonNull(params, "params");
    if (name.isBlank()) {
      throw new IllegalArgumentException("model name must not be blank");
    }
  }

  /** A free model with no default parameters. */
  public static LlmModel of(LlmProvider provider, String name) {
    return new LlmModel(provider, name, Prices.FREE, LlmParams.defaults(), true);
  }

  /** This model with prices. */
  public LlmModel withPrices(Prices prices) {
    return new LlmModel(provider, name, prices, params, jsonSchemaOutput);
  }

  /** This model with default parameters. */
  public LlmModel withParams(LlmParams params) {
    return new LlmModel(provider, name, prices, params, jsonSchemaOutput);
  }

  /** This model, declaring whether its endpoint supports JSON-schema response formats. */
  public LlmModel withJsonSchemaOutput(boolean supported) {
    return new LlmModel(provider, name, prices, params, supported);
  }

  /** Provider defaults, overridden by this model's, overridden by {@code node}'s. */
  LlmParams effectiveParams(LlmParams node) {
    return provider.defaults().merge(params).merge(node);
  }

  @Override
  public String toString() {
    return "LlmModel[" + provider.name() + "/" + name + "]";
  }
}
