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

/** Turns what a model call threw into an {@link LlmError} a tree can act on. */
final class ErrorMapping {

  private ErrorMapping() {}

  static LlmError map(Throwable error, String model, boolean cancelled) {
    if (cancelled) {
      return new LlmError(Category.CANCELLED, 0, "the call was cancelled", model, null);
    }
    if (error instanceof OpenAIServiceException e) {
      return fromStatus(e, model);
    }
    if (error instanceof MissingApiKeyException e) {
      return new LlmError(Category.AUTH, 0, e.getMessage(), model, null);
    }
    if (isTimeout(error)) {
      return new LlmError(
          Category.TIMEOUT, 0, "request timed out: " + describe(error), model, null);
    }
    if (error instanceof OpenAIInvalidDataException
        || error instanceof ModelTurn.MalformedReplyException) {
      return new LlmError(Category.IO, 0, "unreadable response: " + describe(error), model, null);
    }
    if (hasCause(error, com.fasterxml.jackson.core.JsonProcessingException.class)) {
      return new LlmError(Category.IO, 0, "unreadable response: " + describe(error), model, null);
    }
    if (error instanceof OpenAIException
        || error instanceof UncheckedIOException
        || error instanceof IOException
        || hasCause(error, IOException.class)) {
      return new LlmError(Category.IO, 0, describe(error), model, null);
    }
    return new LlmError(Category.IO, 0, "unexpected failure: " + describe(error), model, null);
  }

  private static LlmError fromStatus(OpenAIServiceException e, String model) {
    int status = e.statusCode();
    String code = e.code().orElse(null);
    String message = bodyMessage(e);
    String lower = (message + " " + code).toLowerCase(Locale.ROOT);
    Category category;
    if (status == 429) {
      category = Category.RATE_LIMITED;
    } else if (status == 401 || status == 403) {
      category = Category.AUTH;
    } else if (status == 408) {
      category = Category.TIMEOUT;
    } else if (status >= 500) {
      category = Category.SERVER_ERROR;
    } else if ("context_length_exceeded".equals(code)
        || lower.contains("context length")
        || lower.contains("context window")
        || lower.contains("maximum context")) {
      category = Category.CONTEXT_LENGTH;
    } else if (status < 400) {
      category = Category.IO; // an error event inside a 200 stream
    } else {
      category = Category.BAD_REQUEST;
    }
    return new LlmError(category, status, message, model, code);
  }

  /** The provider's {@code error.message} when the body has one, else the exception's message. */
  private static String bodyMessage(OpenAIServiceException e) {
    try {
      JsonNode body = e.body().convert(JsonNode.class);
      if (body != null) {
        JsonNode message = body.path("error").path("message");
        if (message.isTextual()) {
          return message.asText();
        }
        if (body.path("message").isTextual()) {
          return body.path("message").asText();
        }
      }
    } catch (RuntimeException ignored) {
      // fall back to the exception's own message
    }
    return e.getMessage();
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
