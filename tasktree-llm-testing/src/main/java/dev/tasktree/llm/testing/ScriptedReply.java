package dev.tasktree.llm.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One scripted answer of a {@link ScriptedLlmServer}: a text, tool calls, several choices, a
 * refusal, an HTTP error, an error event inside a 200 stream, a malformed body, or a connection
 * that is reset or closed cleanly mid-stream — optionally delayed, with extra headers, reasoning
 * content and a given usage. Immutable; the modifiers return a copy.
 *
 * <pre>{@code
 * ScriptedReply.text("Hello there").delay(Duration.ofMillis(50)).usage(12, 3)
 * ScriptedReply.toolCalls(ScriptedReply.call("weather", "{\"city\":\"Oslo\"}"))
 * ScriptedReply.error(429, "slow down").retryAfter(Duration.ofSeconds(7))
 * ScriptedReply.closeMidStream("partial answer ")   // stream ends without finish_reason or [DONE]
 * ScriptedReply.streamErrorEvent("invalid_api_key", "bad key")  // HTTP 200, then data: {"error":…}
 * }</pre>
 */
public final class ScriptedReply {

  static final ObjectMapper JSON = new ObjectMapper();

  /** What the reply does. */
  enum Kind {
    TEXT,
    TOOL_CALLS,
    REFUSAL,
    ERROR,
    STREAM_ERROR_EVENT,
    MALFORMED,
    DROP,
    CLEAN_CLOSE
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

  /** Every setting of a reply; copied and changed by the modifiers, never shared while changed. */
  private static final class Settings implements Cloneable {
    Kind kind;
    String text;
    List<String> choices = List.of();
    List<Call> calls = List.of();
    int status = 200;
    String errorCode;
    String errorType;
    Duration delay = Duration.ZERO;
    int awaitRequests;
    Duration chunkDelay = Duration.ZERO;
    Usage usage;
    Usage interimUsage;
    String finishReason;
    String reasoning;
    boolean omitToolCallType;
    Map<String, String> headers = Map.of();

    @Override
    protected Settings clone() {
      try {
        return (Settings) super.clone();
      } catch (CloneNotSupportedException e) {
        throw new AssertionError(e);
      }
    }
  }

  private final Settings s;

  private ScriptedReply(Settings settings) {
    this.s = settings;
  }

  private static ScriptedReply of(Kind kind, Consumer<Settings> init) {
    Settings settings = new Settings();
    settings.kind = kind;
    init.accept(settings);
    return new ScriptedReply(settings);
  }

  private ScriptedReply with(Consumer<Settings> change) {
    Settings copy = s.clone();
    change.accept(copy);
    return new ScriptedReply(copy);
  }

  // ---- kinds ----

  /** A plain text answer (finish reason {@code stop}). */
  public static ScriptedReply text(String text) {
    Objects.requireNonNull(text, "text");
    return of(Kind.TEXT, r -> r.text = text);
  }

  /** A JSON answer: {@code json} is sent as the message text, unchanged. */
  public static ScriptedReply json(String json) {
    return text(json);
  }

  /** A JSON answer: {@code value} serialised with Jackson and sent as the message text. */
  public static ScriptedReply jsonOf(Object value) {
    return text(JSON.valueToTree(value).toString());
  }

  /**
   * An answer with one choice per text (as for a request with {@code n > 1}); the server sends them
   * whatever {@code n} the request asked for, so a test sees what the client does with them.
   */
  public static ScriptedReply choices(String... texts) {
    if (texts.length == 0) {
      throw new IllegalArgumentException("choices needs at least one text");
    }
    List<String> all = List.of(texts);
    return of(
        Kind.TEXT,
        r -> {
          r.text = all.getFirst();
          r.choices = all;
        });
  }

  /** An answer that asks for tool calls (finish reason {@code tool_calls}). */
  public static ScriptedReply toolCalls(Call... calls) {
    if (calls.length == 0) {
      throw new IllegalArgumentException("toolCalls needs at least one call");
    }
    List<Call> all = List.of(calls);
    return of(Kind.TOOL_CALLS, r -> r.calls = all);
  }

  /** A tool call with a generated id. */
  public static Call call(String name, String argumentsJson) {
    return new Call(null, name, argumentsJson);
  }

  /** The model declines: {@code message.refusal} set, content null, finish reason {@code stop}. */
  public static ScriptedReply refusal(String refusal) {
    Objects.requireNonNull(refusal, "refusal");
    return of(Kind.REFUSAL, r -> r.text = refusal);
  }

  /**
   * An HTTP error with an OpenAI-style error body; the error code is derived from the status (429
   * {@code rate_limit_exceeded}, 401 {@code invalid_api_key}, 5xx {@code server_error}).
   */
  public static ScriptedReply error(int status, String message) {
    return error(status, defaultCode(status), message);
  }

  /** An HTTP error with an explicit error code, e.g. {@code context_length_exceeded}. */
  public static ScriptedReply error(int status, String code, String message) {
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("error status must be 4xx or 5xx, got " + status);
    }
    Objects.requireNonNull(message, "message");
    return of(
        Kind.ERROR,
        r -> {
          r.status = status;
          r.errorCode = code;
          r.text = message;
        });
  }

  /**
   * HTTP 200 with an event stream whose first event is {@code data: {"error": {...}}} — as several
   * servers answer a streaming request they reject. Combine with {@link #afterText} to send some
   * text first. Without streaming, the same error object is the whole 200 body.
   */
  public static ScriptedReply streamErrorEvent(String code, String message) {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
    return of(
        Kind.STREAM_ERROR_EVENT,
        r -> {
          r.errorCode = code;
          r.text = message;
          r.choices = List.of();
        });
  }

  /** A 200 answer whose body is not valid JSON (or, when streaming, an invalid SSE event). */
  public static ScriptedReply malformed() {
    return of(Kind.MALFORMED, r -> {});
  }

  /**
   * Resets the connection (TCP RST): when streaming, after {@code text}'s first chunk has been
   * sent; otherwise before any response byte.
   */
  public static ScriptedReply dropMidStream(String text) {
    Objects.requireNonNull(text, "text");
    return of(Kind.DROP, r -> r.text = text);
  }

  /**
   * Streams {@code text} and then closes the connection cleanly (FIN) with no {@code
   * finish_reason}, no usage chunk and no {@code [DONE]} — what a proxy's idle timeout looks like.
   * Without streaming, sends a truncated JSON body and closes.
   */
  public static ScriptedReply closeMidStream(String text) {
    Objects.requireNonNull(text, "text");
    return of(Kind.CLEAN_CLOSE, r -> r.text = text);
  }

  private static String defaultCode(int status) {
    return switch (status) {
      case 429 -> "rate_limit_exceeded";
      case 401 -> "invalid_api_key";
      case 400 -> "invalid_request_error";
      default -> status >= 500 ? "server_error" : "error";
    };
  }

  // ---- modifiers ----

  /** This reply, sent after {@code delay} (the server notices if the client gives up meanwhile). */
  public ScriptedReply delay(Duration delay) {
    Duration d = requireNonNegative(delay);
    return with(r -> r.delay = d);
  }

  /**
   * This reply, held until the server has received at least {@code count} requests for its model
   * (this one included) — so a test can have several calls in flight at once without guessing at
   * timing. The hold ends early if the client gives up, and after one minute at most; any {@link
   * #delay(Duration) delay} runs after it.
   */
  public ScriptedReply afterRequests(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1, got " + count);
    }
    return with(r -> r.awaitRequests = count);
  }

  /** This reply, with a pause between streamed chunks (latency between tokens). */
  public ScriptedReply chunkDelay(Duration delay) {
    Duration d = requireNonNegative(delay);
    return with(r -> r.chunkDelay = d);
  }

  /** This reply, reporting the given usage (otherwise roughly a token per four characters). */
  public ScriptedReply usage(long input, long output) {
    return usage(input, 0, output, 0);
  }

  /** This reply, reporting the given usage including cached input and reasoning tokens. */
  public ScriptedReply usage(long input, long cachedInput, long output, long reasoning) {
    Usage u = new Usage(input, cachedInput, output, reasoning);
    return with(r -> r.usage = u);
  }

  /**
   * When streaming, also put this (partial) usage on the first chunk, as some providers do; a
   * client must use the usage of the final chunk.
   */
  public ScriptedReply interimUsage(long input, long output) {
    Usage u = new Usage(input, 0, output, 0);
    return with(r -> r.interimUsage = u);
  }

  /** This reply with another finish reason (e.g. {@code length}). */
  public ScriptedReply finishReason(String finishReason) {
    Objects.requireNonNull(finishReason, "finishReason");
    return with(r -> r.finishReason = finishReason);
  }

  /**
   * This reply with {@code reasoning_content} (as DeepSeek and vLLM send it): on the message, or
   * streamed as deltas before the text.
   */
  public ScriptedReply reasoning(String reasoning) {
    Objects.requireNonNull(reasoning, "reasoning");
    return with(r -> r.reasoning = reasoning);
  }

  /** For a {@link #streamErrorEvent}: stream {@code text} before the error event. */
  public ScriptedReply afterText(String text) {
    Objects.requireNonNull(text, "text");
    if (s.kind != Kind.STREAM_ERROR_EVENT) {
      throw new IllegalStateException("afterText applies to streamErrorEvent replies only");
    }
    return with(r -> r.choices = List.of(text));
  }

  /** This reply's tool calls without their {@code "type": "function"} field (seen in the wild). */
  public ScriptedReply withoutToolCallType() {
    return with(r -> r.omitToolCallType = true);
  }

  /** This reply with an extra response header (e.g. {@code x-ratelimit-reset-requests: 2s}). */
  public ScriptedReply header(String name, String value) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    return with(
        r -> {
          Map<String, String> all = new LinkedHashMap<>(r.headers);
          all.put(name, value);
          r.headers = Map.copyOf(all);
        });
  }

  /** This reply with a {@code Retry-After} header in whole seconds. */
  public ScriptedReply retryAfter(Duration after) {
    return header("Retry-After", Long.toString(requireNonNegative(after).toSeconds()));
  }

  // ---- read by the server ----

  Kind kind() {
    return s.kind;
  }

  String text() {
    return s.text;
  }

  List<String> choiceTexts() {
    if (s.kind == Kind.STREAM_ERROR_EVENT) {
      return s.choices; // the text before the error, if any; the message is the error's
    }
    return s.choices.isEmpty() && s.text != null ? List.of(s.text) : s.choices;
  }

  List<Call> calls() {
    return s.calls;
  }

  int status() {
    return s.status;
  }

  String errorCode() {
    return s.errorCode;
  }

  Duration delay() {
    return s.delay;
  }

  int awaitRequests() {
    return s.awaitRequests;
  }

  Duration chunkDelay() {
    return s.chunkDelay;
  }

  Usage usage() {
    return s.usage;
  }

  Usage interimUsage() {
    return s.interimUsage;
  }

  String reasoning() {
    return s.reasoning;
  }

  boolean omitToolCallType() {
    return s.omitToolCallType;
  }

  Map<String, String> headers() {
    return s.headers;
  }

  String effectiveFinishReason() {
    if (s.finishReason != null) {
      return s.finishReason;
    }
    return s.kind == Kind.TOOL_CALLS ? "tool_calls" : "stop";
  }

  private static Duration requireNonNegative(Duration d) {
    if (d == null || d.isNegative()) {
      throw new IllegalArgumentException("delay must be zero or positive, got " + d);
    }
    return d;
  }

  @Override
  public String toString() {
    return "ScriptedReply[" + s.kind + (s.text == null ? "" : " " + s.text) + "]";
  }
}
