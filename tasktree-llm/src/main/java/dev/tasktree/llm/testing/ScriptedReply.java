package dev.tasktree.llm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tasktree.trace.TraceJson;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One scripted answer of a {@link ScriptedLlmServer}: a text, tool calls, a JSON text, an HTTP
 * error, a malformed body or a dropped connection, optionally delayed and with a given usage.
 * Immutable; the {@code with...}-style methods return a copy.
 *
 * <pre>{@code
 * ScriptedReply.text("Hello there").delay(Duration.ofMillis(50)).usage(12, 3)
 * ScriptedReply.toolCalls(ScriptedReply.call("weather", "{\"city\":\"Oslo\"}"))
 * ScriptedReply.error(429, "slow down")
 * }</pre>
 */
public final class ScriptedReply {

  private static final ObjectMapper JSON = TraceJson.newMapper();

  /** What the reply does. */
  enum Kind {
    TEXT,
    TOOL_CALLS,
    ERROR,
    MALFORMED,
    DROP
  }

  /** One scripted tool call: the id the model gives it, the function name, the arguments text. */
  public record Call(String id, String name, String arguments) {
    /** Validates the call. */
    public Call {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(arguments, "arguments");
    }
  }

  /** Token usage the server reports. */
  record Usage(long input, long cachedInput, long output, long reasoning) {}

  final Kind kind;
  final String text;
  final List<Call> calls;
  final int status;
  final String errorCode;
  final Duration delay;
  final Duration chunkDelay;
  final Usage usage;
  final Usage interimUsage;
  final String finishReason;
  final int dropAfterChunks;

  private ScriptedReply(
      Kind kind,
      String text,
      List<Call> calls,
      int status,
      String errorCode,
      Duration delay,
      Duration chunkDelay,
      Usage usage,
      Usage interimUsage,
      String finishReason,
      int dropAfterChunks) {
    this.kind = kind;
    this.text = text;
    this.calls = calls;
    this.status = status;
    this.errorCode = errorCode;
    this.delay = delay;
    this.chunkDelay = chunkDelay;
    this.usage = usage;
    this.interimUsage = interimUsage;
    this.finishReason = finishReason;
    this.dropAfterChunks = dropAfterChunks;
  }

  private static ScriptedReply of(
      Kind kind, String text, List<Call> calls, int status, String code) {
    return new ScriptedReply(
        kind, text, calls, status, code, Duration.ZERO, Duration.ZERO, null, null, null, -1);
  }

  /** A plain text answer (finish reason {@code stop}). */
  public static ScriptedReply text(String text) {
    return of(Kind.TEXT, Objects.requireNonNull(text, "text"), List.of(), 200, null);
  }

  /** A JSON answer: {@code json} is sent as the message text, unchanged. */
  public static ScriptedReply json(String json) {
    return text(json);
  }

  /** A JSON answer: {@code value} serialised with Jackson and sent as the message text. */
  public static ScriptedReply jsonOf(Object value) {
    JsonNode node = JSON.valueToTree(value);
    return text(node.toString());
  }

  /** An answer that asks for tool calls (finish reason {@code tool_calls}). */
  public static ScriptedReply toolCalls(Call... calls) {
    if (calls.length == 0) {
      throw new IllegalArgumentException("toolCalls needs at least one call");
    }
    return of(Kind.TOOL_CALLS, null, List.of(calls), 200, null);
  }

  /** A tool call with a generated id. */
  public static Call call(String name, String argumentsJson) {
    return new Call(null, name, argumentsJson);
  }

  /**
   * An HTTP error with an OpenAI-style error body; the error code is derived from the status (429
   * {@code rate_limit_exceeded}, 401 {@code invalid_api_key}, 5xx {@code server_error}).
   */
  public static ScriptedReply error(int status, String message) {
    String code =
        switch (status) {
          case 429 -> "rate_limit_exceeded";
          case 401 -> "invalid_api_key";
          case 400 -> "invalid_request_error";
          default -> status >= 500 ? "server_error" : "error";
        };
    return error(status, code, message);
  }

  /** An HTTP error with an explicit error code, e.g. {@code context_length_exceeded}. */
  public static ScriptedReply error(int status, String code, String message) {
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("error status must be 4xx or 5xx, got " + status);
    }
    return of(Kind.ERROR, Objects.requireNonNull(message, "message"), List.of(), status, code);
  }

  /** A 200 answer whose body is not valid JSON (or, when streaming, an invalid SSE event). */
  public static ScriptedReply malformed() {
    return of(Kind.MALFORMED, null, List.of(), 200, null);
  }

  /**
   * Closes the connection abruptly: when streaming, after {@code text}'s first chunk has been sent;
   * otherwise before any response byte.
   */
  public static ScriptedReply dropMidStream(String text) {
    return new ScriptedReply(
        Kind.DROP, text, List.of(), 200, null, Duration.ZERO, Duration.ZERO, null, null, null, 1);
  }

  /** This reply, sent after {@code delay} (the server notices if the client gives up meanwhile). */
  public ScriptedReply delay(Duration delay) {
    return new ScriptedReply(
        kind,
        text,
        calls,
        status,
        errorCode,
        requireNonNegative(delay),
        chunkDelay,
        usage,
        interimUsage,
        finishReason,
        dropAfterChunks);
  }

  /** This reply, with a pause between streamed chunks. */
  public ScriptedReply chunkDelay(Duration delay) {
    return new ScriptedReply(
        kind,
        text,
        calls,
        status,
        errorCode,
        this.delay,
        requireNonNegative(delay),
        usage,
        interimUsage,
        finishReason,
        dropAfterChunks);
  }

  /** This reply, reporting the given usage (otherwise roughly a token per four characters). */
  public ScriptedReply usage(long input, long output) {
    return usage(input, 0, output, 0);
  }

  /** This reply, reporting the given usage including cached input and reasoning tokens. */
  public ScriptedReply usage(long input, long cachedInput, long output, long reasoning) {
    return new ScriptedReply(
        kind,
        text,
        calls,
        status,
        errorCode,
        delay,
        chunkDelay,
        new Usage(input, cachedInput, output, reasoning),
        interimUsage,
        finishReason,
        dropAfterChunks);
  }

  /**
   * When streaming, also put this (partial) usage on the first chunk, as some providers do; a
   * client must use the usage of the final chunk.
   */
  public ScriptedReply interimUsage(long input, long output) {
    return new ScriptedReply(
        kind,
        text,
        calls,
        status,
        errorCode,
        delay,
        chunkDelay,
        usage,
        new Usage(input, 0, output, 0),
        finishReason,
        dropAfterChunks);
  }

  /** This reply with another finish reason (e.g. {@code length}). */
  public ScriptedReply finishReason(String finishReason) {
    return new ScriptedReply(
        kind,
        text,
        calls,
        status,
        errorCode,
        delay,
        chunkDelay,
        usage,
        interimUsage,
        Objects.requireNonNull(finishReason),
        dropAfterChunks);
  }

  String effectiveFinishReason() {
    if (finishReason != null) {
      return finishReason;
    }
    return kind == Kind.TOOL_CALLS ? "tool_calls" : "stop";
  }

  private static Duration requireNonNegative(Duration d) {
    if (d == null || d.isNegative()) {
      throw new IllegalArgumentException("delay must be zero or positive, got " + d);
    }
    return d;
  }

  @Override
  public String toString() {
    return "ScriptedReply[" + kind + (text == null ? "" : " " + text) + "]";
  }
}
