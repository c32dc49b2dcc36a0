package dev.tasktree.llm;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.credential.BearerTokenCredential;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * An OpenAI-compatible endpoint: base URL, API key, extra headers, request timeout, SDK retries,
 * and default {@link LlmParams}. It owns <b>one</b> openai-java client, shared by every call and
 * thread that uses the provider's models; close the provider to release it.
 *
 * <pre>{@code
 * LlmProvider openai = LlmProvider.builder("openai")
 *     .baseUrl("https://api.openai.com/v1")
 *     .apiKeyFromEnv("OPENAI_API_KEY")
 *     .timeout(Duration.ofSeconds(60))
 *     .build();
 * }</pre>
 *
 * <p>Without an API key, requests carry {@code Authorization: Bearer no-key} (the SDK requires a
 * credential), which endpoints without authentication ignore. SDK retries default to 0, so that the
 * tree's Retry and Selector decide what happens after a failure. The API key is never recorded in a
 * trace. Thread-safe.
 */
public final class LlmProvider implements AutoCloseable {

  /** The placeholder key sent when none is configured (for endpoints without authentication). */
  public static final String NO_KEY = "no-key";

  private final String name;
  private final String baseUrl;
  private final Duration timeout;
  private final int maxRetries;
  private final LlmParams defaults;
  private final Map<String, String> headers;
  private final OpenAIClient client;

  private LlmProvider(Builder b) {
    this.name = b.name;
    this.baseUrl = b.baseUrl;
    this.timeout = b.timeout;
    this.maxRetries = b.maxRetries;
    this.defaults = b.defaults;
    this.headers = Map.copyOf(b.headers);
    OpenAIOkHttpClient.Builder sdk =
        OpenAIOkHttpClient.builder()
            .baseUrl(b.baseUrl)
            .maxRetries(b.maxRetries)
            .timeout(b.timeout)
            .addInterceptor(CallAbort.INTERCEPTOR) // aborts platform-thread calls on cancel
            .sleeper(CallAbort.SLEEPER)
            .putAllHeaders(
                b.headers.entrySet().stream()
                    .collect(
                        java.util.stream.Collectors.toMap(
                            Map.Entry::getKey, e -> java.util.List.of(e.getValue()))));
    if (b.apiKey != null) {
      Supplier<String> key = b.apiKey;
      String source = b.apiKeySource;
      sdk.credential(BearerTokenCredential.create(() -> resolve(key, source)));
    } else {
      // the SDK insists on a credential; endpoints without authentication ignore this one
      sdk.credential(BearerTokenCredential.create(NO_KEY));
    }
    this.client = sdk.build();
  }

  private static String resolve(Supplier<String> key, String source) {
    String value;
    try {
      value = key.get();
    } catch (RuntimeException e) {
      throw new MissingApiKeyException("the API key function failed: " + e.getMessage());
    }
    if (value == null || value.isBlank()) {
      throw new MissingApiKeyException("no API key: " + source + " is not set");
    }
    return value;
  }

  /** Starts a provider definition; {@code name} labels it in traces. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** The name shown in traces ({@code gen_ai.provider.name}). */
  public String name() {
    return name;
  }

  /** The base URL, e.g. {@code https://api.openai.com/v1}. */
  public String baseUrl() {
    return baseUrl;
  }

  /** The request timeout. */
  public Duration timeout() {
    return timeout;
  }

  /** How often the SDK itself retries a failed request. */
  public int maxRetries() {
    return maxRetries;
  }

  /** The provider-level request parameters. */
  public LlmParams defaults() {
    return defaults;
  }

  /** The names of the extra headers (their values may be secret and are not exposed). */
  public java.util.Set<String> headerNames() {
    return headers.keySet();
  }

  /** The shared openai-java client, for calls this module does not cover. Do not close it. */
  public OpenAIClient sdkClient() {
    return client;
  }

  /** Closes the SDK client (its connection pool and threads). */
  @Override
  public void close() {
    client.close();
  }

  @Override
  public String toString() {
    return "LlmProvider[" + name + " " + baseUrl + "]";
  }

  /** Builds an {@link LlmProvider}. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private String baseUrl = "https://api.openai.com/v1";
    private Supplier<String> apiKey;
    private String apiKeySource;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private Duration timeout = Duration.ofSeconds(60);
    private int maxRetries = 0;
    private LlmParams defaults = LlmParams.defaults();
    private boolean warmUp = true;

    private Builder(String name) {
      this.name = Objects.requireNonNull(name, "name");
    }

    /** The endpoint's base URL (up to and including {@code /v1}). */
    public Builder baseUrl(String baseUrl) {
      this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
      return this;
    }

    /** A fixed API key. */
    public Builder apiKey(String apiKey) {
      Objects.requireNonNull(apiKey, "apiKey");
      this.apiKey = () -> apiKey;
      this.apiKeySource = "the API key";
      return this;
    }

    /**
     * The API key read from environment variable {@code variable} at each request; a missing
     * variable fails the call with category {@code auth}.
     */
    public Builder apiKeyFromEnv(String variable) {
      Objects.requireNonNull(variable, "variable");
      this.apiKey = () -> System.getenv(variable);
      this.apiKeySource = "environment variable " + variable;
      return this;
    }

    /** The API key resolved by {@code supplier} at each request (e.g. from a secret store). */
    public Builder apiKey(Supplier<String> supplier) {
      this.apiKey = Objects.requireNonNull(supplier, "supplier");
      this.apiKeySource = "the API key function";
      return this;
    }

    /** An extra header sent with every request. */
    public Builder header(String name, String value) {
      headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** The whole-request timeout (default 60 s); exceeding it fails with category timeout. */
    public Builder timeout(Duration timeout) {
      if (timeout == null || timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive, got " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /** SDK-level retries (default 0: let the tree decide). */
    public Builder maxRetries(int maxRetries) {
      if (maxRetries < 0) {
        throw new IllegalArgumentException("maxRetries must not be negative");
      }
      this.maxRetries = maxRetries;
      return this;
    }

    /** Provider-level request parameters (models and nodes override them). */
    public Builder defaults(LlmParams defaults) {
      this.defaults = Objects.requireNonNull(defaults, "defaults");
      return this;
    }

    /**
     * Whether {@link #build()} warms up openai-java (default true): the first provider built in a
     * JVM runs one plain and one streamed exchange against a throwaway server on loopback, so that
     * the classes a model call needs are loaded before the first real call — otherwise that call
     * spends a second or more loading them, which a short Timeout charges to the first model of a
     * fallback chain. Takes about as long as that first call would have, once per JVM.
     */
    public Builder warmUp(boolean warmUp) {
      this.warmUp = warmUp;
      return this;
    }

    /** Builds the provider and its SDK client (warming the SDK up first, see {@link #warmUp}). */
    public LlmProvider build() {
      if (warmUp) {
        SdkWarmUp.ensureWarm();
      }
      return new LlmProvider(this);
    }
  }
}
