package dev.tasktree.llm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;

/**
 * A request the {@link ScriptedLlmServer} received: model, parsed JSON body, headers (names in
 * lower case), and what became of the connection. Thread-safe; {@link #outcome()} changes while the
 * server answers.
 */
public final class RecordedRequest {

  /** What happened to the exchange. */
  public enum Outcome {
    /** The server is still answering (delaying or streaming). */
    IN_PROGRESS,
    /** The full answer was sent. */
    COMPLETED,
    /** The client closed the connection before the answer was complete. */
    CLIENT_CLOSED,
    /** The script dropped the connection on purpose. */
    DROPPED
  }

  private final String model;
  private final JsonNode body;
  private final Map<String, String> headers;
  private final Instant received;
  private volatile Outcome outcome = Outcome.IN_PROGRESS;

  RecordedRequest(String model, JsonNode body, Map<String, String> headers, Instant received) {
    this.model = model;
    this.body = body;
    this.headers = Map.copyOf(headers);
    this.received = received;
  }

  /** The {@code model} field of the body (null when absent). */
  public String model() {
    return model;
  }

  /** The JSON body as received. */
  public JsonNode body() {
    return body;
  }

  /** The request headers, names in lower case. */
  public Map<String, String> headers() {
    return headers;
  }

  /** One header (name in any case), or null. */
  public String header(String name) {
    return headers.get(name.toLowerCase(java.util.Locale.ROOT));
  }

  /** Whether the body asked for a stream. */
  public boolean stream() {
    return body.path("stream").asBoolean(false);
  }

  /** When the request arrived. */
  public Instant received() {
    return received;
  }

  /** What became of the exchange so far. */
  public Outcome outcome() {
    return outcome;
  }

  /** Whether the client closed the connection before the answer was complete. */
  public boolean clientClosed() {
    return outcome == Outcome.CLIENT_CLOSED;
  }

  void outcome(Outcome outcome) {
    this.outcome = outcome;
  }

  @Override
  public String toString() {
    return "RecordedRequest[" + model + ", " + outcome + "]";
  }
}
