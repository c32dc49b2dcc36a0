package dev.tasktree.llm;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Request parameters of a model call. Every field is optional (null = not sent). Settings merge
 * provider → model → node: {@link #merge} lets the later level override each field it sets, and
 * merges {@link #extraBody} maps key by key.
 *
 * <pre>{@code
 * LlmParams.defaults().temperature(0.2).maxTokens(400).extra("reasoning_effort", "low")
 * }</pre>
 *
 * @param temperature sampling temperature
 * @param topP nucleus sampling
 * @param maxTokens the output limit, sent as {@code max_completion_tokens}
 * @param seed a sampling seed
 * @param stop stop sequences
 * @param extraBody further body fields sent as they are (provider-specific options)
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record LlmParams(
    Double temperature,
    Double topP,
    Integer maxTokens,
    Long seed,
    List<String> stop,
    Map<String, Object> extraBody) {

  private static final LlmParams NONE = new LlmParams(null, null, null, null, null, null);

  /** Validates and copies. */
  public LlmParams {
    if (maxTokens != null && maxTokens < 1) {
      throw new IllegalArgumentException("maxTokens must be at least 1, got " + maxTokens);
    }
    stop = stop == null ? null : List.copyOf(stop);
    extraBody =
        extraBody == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(extraBody));
  }

  /** No parameters set. */
  public static LlmParams defaults() {
    return NONE;
  }

  /** With a temperature. */
  public LlmParams temperature(double value) {
    return new LlmParams(value, topP, maxTokens, seed, stop, extraBody);
  }

  /** With a top-p. */
  public LlmParams topP(double value) {
    return new LlmParams(temperature, value, maxTokens, seed, stop, extraBody);
  }

  /** With an output token limit. */
  public LlmParams maxTokens(int value) {
    return new LlmParams(temperature, topP, value, seed, stop, extraBody);
  }

  /** With a seed. */
  public LlmParams seed(long value) {
    return new LlmParams(temperature, topP, maxTokens, value, stop, extraBody);
  }

  /** With stop sequences. */
  public LlmParams stop(String... sequences) {
    return new LlmParams(temperature, topP, maxTokens, seed, List.of(sequences), extraBody);
  }

  /** With one more extra body field (any JSON-serialisable value). */
  public LlmParams extra(String key, Object value) {
    Objects.requireNonNull(key, "key");
    Map<String, Object> map = new LinkedHashMap<>(extraBody);
    map.put(key, value);
    return new LlmParams(temperature, topP, maxTokens, seed, stop, map);
  }

  /** These parameters overridden field by field with what {@code over} sets. */
  public LlmParams merge(LlmParams over) {
    if (over == null || over == NONE) {
      return this;
    }
    if (this == NONE) {
      return over;
    }
    Map<String, Object> extra = new LinkedHashMap<>(extraBody);
    extra.putAll(over.extraBody);
    return new LlmParams(
        over.temperature != null ? over.temperature : temperature,
        over.topP != null ? over.topP : topP,
        over.maxTokens != null ? over.maxTokens : maxTokens,
        over.seed != null ? over.seed : seed,
        over.stop != null ? over.stop : stop,
        extra);
  }
}
