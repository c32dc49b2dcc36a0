package dev.tasktree.examples;

import dev.tasktree.llm.LlmModel;
import dev.tasktree.llm.LlmProvider;
import dev.tasktree.llm.Prices;
import dev.tasktree.llm.testing.ScriptedLlmServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * The models the examples call. Offline, every example role is a model of its own on the {@link
 * ScriptedLlmServer}, scripted by {@link Scripts} so that each example shows its behaviour. With a
 * real OpenAI-compatible endpoint, every role is {@code TASKTREE_MODEL} (the second provider of the
 * race uses {@code TASKTREE_MODEL_B}).
 */
final class Models implements AutoCloseable {

  /** Prices of the scripted models, so that the demo shows costs (gpt-4o-mini's list prices). */
  static final Prices SCRIPTED_PRICES = Prices.perMillion(0.15, 0.60);

  static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";
  static final String DEFAULT_MODEL = "gpt-4o-mini";

  private final ScriptedLlmServer server;
  private final LlmProvider first;
  private final LlmProvider second;
  private final String model;
  private final String modelB;
  private final Prices prices;
  private final String apiKey;

  private Models(
      ScriptedLlmServer server,
      LlmProvider first,
      LlmProvider second,
      String model,
      String modelB,
      Prices prices,
      String apiKey) {
    this.server = server;
    this.first = first;
    this.second = second;
    this.model = model;
    this.modelB = modelB;
    this.prices = prices;
    this.apiKey = apiKey;
  }

  /** The scripted server on loopback, scripted for every example. */
  static Models scripted() {
    ScriptedLlmServer server = ScriptedLlmServer.start();
    Scripts.install(server);
    return new Models(
        server,
        provider("provider-a", server.baseUrl(), null),
        provider("provider-b", server.baseUrl(), null),
        null,
        null,
        SCRIPTED_PRICES,
        null);
  }

  /**
   * A real endpoint; {@code model} serves every role, {@code modelB} the race's second provider.
   */
  static Models real(String baseUrl, String apiKey, String model, String modelB, Prices prices) {
    return new Models(
        null,
        provider("provider-a", baseUrl, apiKey),
        provider("provider-b", baseUrl, apiKey),
        model,
        modelB,
        prices,
        apiKey);
  }

  /**
   * Real models when {@code OPENAI_BASE_URL} or {@code OPENAI_API_KEY} is set, else the scripted
   * server. {@code TASKTREE_MODEL}, {@code TASKTREE_MODEL_B} name the models and {@code
   * TASKTREE_PRICES} ({@code "input,output"} in USD per million tokens) prices them.
   */
  static Models fromEnvironment(Map<String, String> env) throws Problem {
    String baseUrl = blankToNull(env.get("OPENAI_BASE_URL"));
    String key = blankToNull(env.get("OPENAI_API_KEY"));
    if (baseUrl == null && key == null) {
      return scripted();
    }
    String model = orDefault(env.get("TASKTREE_MODEL"), DEFAULT_MODEL);
    String modelB = orDefault(env.get("TASKTREE_MODEL_B"), model);
    return real(
        orDefault(baseUrl, DEFAULT_BASE_URL),
        key,
        model,
        modelB,
        prices(env.get("TASKTREE_PRICES")));
  }

  private static Prices prices(String text) throws Problem {
    if (blankToNull(text) == null) {
      return Prices.FREE;
    }
    String[] parts = text.split(",");
    try {
      if (parts.length == 2) {
        return Prices.perMillion(
            Double.parseDouble(parts[0].strip()), Double.parseDouble(parts[1].strip()));
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new Problem(
        "TASKTREE_PRICES must be \"input,output\" in USD per million tokens, e.g. \"0.15,0.60\";"
            + " was \""
            + text
            + "\".");
  }

  private static LlmProvider provider(String name, String baseUrl, String apiKey) {
    LlmProvider.Builder builder = LlmProvider.builder(name).baseUrl(baseUrl);
    if (apiKey != null) {
      builder.apiKey(apiKey);
    }
    return builder.build();
  }

  /** The model for an example role, on the first provider. */
  LlmModel model(String role) {
    return LlmModel.of(first, server != null ? role : model).withPrices(prices);
  }

  /** The model for an example role on the second provider (the race's other contestant). */
  LlmModel secondProvider(String role) {
    return LlmModel.of(second, server != null ? role : modelB).withPrices(prices);
  }

  /** The scripted server, or null on a real endpoint. */
  ScriptedLlmServer server() {
    return server;
  }

  /** One line saying where the LLM calls go. */
  String describe() {
    if (server != null) {
      return "LLM: no OPENAI_BASE_URL or OPENAI_API_KEY set, so the examples call the scripted"
          + " OpenAI-compatible server started on "
          + server.baseUrl();
    }
    return "LLM: "
        + first.baseUrl()
        + " with model "
        + model
        + (model.equals(modelB) ? "" : " (and " + modelB + " for the race)");
  }

  /**
   * Checks that a real endpoint answers and accepts the key, with one {@code GET /models} (which
   * costs no tokens). Endpoints without that route are given the benefit of the doubt.
   */
  void checkReachable() throws Problem {
    if (server != null) {
      return;
    }
    String url = first.baseUrl().replaceAll("/+$", "") + "/models";
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET();
    if (apiKey != null) {
      request.header("Authorization", "Bearer " + apiKey);
    }
    int status;
    try (HttpClient client =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
      status = client.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException | IllegalArgumentException e) {
      throw new Problem(
          "Cannot reach the LLM endpoint "
              + first.baseUrl()
              + " ("
              + Report.reason(e)
              + "). Check OPENAI_BASE_URL, or unset OPENAI_BASE_URL and OPENAI_API_KEY to run"
              + " offline.");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Problem("Interrupted while checking the LLM endpoint.");
    }
    if (status == 401 || status == 403) {
      throw new Problem(
          "The LLM endpoint "
              + first.baseUrl()
              + " rejected the API key (HTTP "
              + status
              + "). Check OPENAI_API_KEY, or unset OPENAI_BASE_URL and OPENAI_API_KEY to run"
              + " offline.");
    }
  }

  @Override
  public void close() {
    first.close();
    second.close();
    if (server != null) {
      server.close();
    }
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }

  private static String orDefault(String value, String fallback) {
    String v = blankToNull(value);
    return v == null ? fallback : v;
  }
}
