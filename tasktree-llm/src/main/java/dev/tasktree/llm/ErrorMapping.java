package dev.tasktree.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.errors.OpenAIException;
import com.openai.errors.OpenAIInvalidDataException;
import com.openai.errors.OpenAIServiceException;
import dev.tasktree.llm.LlmError.Category;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.util.Locale;

/**
 * Turns what a model call threw into an {@link LlmError} a tree can act on. The provider's error
 * {@code code} and {@code type} decide the category first — also for an error event inside an HTTP
 * 200 stream — and the HTTP status only when they say nothing known. Every provider text is passed
 * through {@link KeyRedactor}. The table in docs/llm.md ("How failures are categorised") lists
 * these rules; {@code FailureTableTest} checks that it matches.
 */
final class ErrorMapping {

  private ErrorMapping() {}

  static LlmError map(Throwable error, String model, boolean cancelled) {
    if (cancelled) {
      return new LlmError(Category.CANCELLED, 0, "the call was cancelled", model, null);
    }
    if (error instanceof OpenAIServiceException e) {
      return fromService(e, model);
    }
    if (error instanceof MissingApiKeyException e) {
      return new LlmError(Category.AUTH, 0, e.getMessage(), model, null);
    }
    if (error instanceof ModelTurn.IncompleteStreamException e) {
      return new LlmError(Category.IO, 0, e.getMessage(), model, null, null, e.partialText());
    }
    if (isTimeout(error)) {
      return io(Category.TIMEOUT, "request timed out: ", error, model);
    }
    if (error instanceof OpenAIInvalidDataException
        || error instanceof ModelTurn.MalformedReplyException
        || hasCause(error, com.fasterxml.jackson.core.JsonProcessingException.class)) {
      return io(Category.IO, "unreadable response: ", error, model);
    }
    if (error instanceof OpenAIException
        || error instanceof UncheckedIOException
        || error instanceof IOException
        || hasCause(error, IOException.class)) {
      return io(Category.IO, "", error, model);
    }
    return io(Category.IO, "unexpected failure: ", error, model);
  }

  private static LlmError io(Category category, String prefix, Throwable error, String model) {
    return new LlmError(category, 0, KeyRedactor.redact(prefix + describe(error)), model, null);
  }

  private static LlmError fromService(OpenAIServiceException e, String model) {
    int status = e.statusCode();
    JsonNode body = errorObject(e);
    String code = text(body, "code");
    if (code == null) {
      code = e.code().orElse(null);
    }
    String type = text(body, "type");
    if (type == null) {
      type = e.type().orElse(null);
    }
    String message = text(body, "message");
    if (message == null) {
      message = e.getMessage();
    }
    Category category = fromCode(code, type, message);
    if (category == null) {
      category = fromStatus(status);
    }
    RateLimits limits = RateLimitHeaders.read(e.headers());
    return new LlmError(
        category,
        status,
        KeyRedactor.redact(message),
        model,
        KeyRedactor.redact(code),
        limits,
        null);
  }

  /** The category the provider's code, type or message names; null when none is known. */
  static Category fromCode(String code, String type, String message) {
    String c = lower(code) + " " + lower(type);
    if (c.contains("insufficient_quota") || c.contains("quota_exceeded")) {
      return Category.QUOTA_EXCEEDED;
    }
    String t = lower(type);
    if (c.contains("rate_limit")
        || c.contains("too_many_requests")
        || t.equals("requests")
        || t.equals("tokens")) {
      return Category.RATE_LIMITED;
    }
    if (c.contains("api_key")
        || c.contains("authentication")
        || c.contains("unauthorized")
        || c.contains("permission")
        || c.contains("forbidden")) {
      return Category.AUTH;
    }
    String m = lower(message);
    if (c.contains("context_length")
        || m.contains("context length")
        || m.contains("context window")
        || m.contains("maximum context")) {
      return Category.CONTEXT_LENGTH;
    }
    if (c.contains("content_filter") || c.contains("content_policy")) {
      return Category.REFUSAL;
    }
    if (c.contains("timeout")) {
      return Category.TIMEOUT;
    }
    if (c.contains("server_error")
        || c.contains("internal_error")
        || c.contains("overloaded")
        || c.contains("service_unavailable")) {
      return Category.SERVER_ERROR;
    }
    if (c.contains("invalid_request") || c.contains("not_found") || c.contains("bad_request")) {
      return Category.BAD_REQUEST;
    }
    return null;
  }

  /** The category of an HTTP status alone (200: an unknown error event inside a stream). */
  static Category fromStatus(int status) {
    if (status == 429) {
      return Category.RATE_LIMITED;
    }
    if (status == 401 || status == 403) {
      return Category.AUTH;
    }
    if (status == 408) {
      return Category.TIMEOUT;
    }
    if (status >= 400 && status < 500) {
      return Category.BAD_REQUEST;
    }
    return Category.SERVER_ERROR;
  }

  /** The error object of the body: {@code body.error}, or the body itself (stream events). */
  private static JsonNode errorObject(OpenAIServiceException e) {
    try {
      JsonNode body = e.body().convert(JsonNode.class);
      if (body == null) {
        return null;
      }
      return body.path("error").isObject() ? body.path("error") : body;
    } catch (RuntimeException unreadable) {
      return null;
    }
  }

  private static String text(JsonNode node, String field) {
    if (node == null) {
      return null;
    }
    JsonNode value = node.get(field);
    return value != null && value.isValueNode() && !value.isNull() ? value.asText() : null;
  }

  private static String lower(String s) {
    return s == null ? "" : s.toLowerCase(Locale.ROOT);
  }

  private static boolean isTimeout(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof SocketTimeoutException) {
        return true;
      }
      if (t instanceof InterruptedIOException && "timeout".equals(t.getMessage())) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasCause(Throwable error, Class<? extends Throwable> type) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  private static String describe(Throwable error) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = error; t != null && text.length() < 300; t = t.getCause()) {
      if (!text.isEmpty()) {
        text.append(" <- ");
      }
      text.append(t.getClass().getSimpleName());
      if (t.getMessage() != null) {
        text.append(": ").append(t.getMessage());
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return text.toString();
  }
}
