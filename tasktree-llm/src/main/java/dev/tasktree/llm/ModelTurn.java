package dev.tasktree.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.core.JsonValue;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.completions.CompletionUsage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What one model call returned: text (of choice 0, and every choice's text when {@code n > 1}),
 * tool calls, refusal, reasoning content, finish reason, usage, reported model, latency and (when
 * streamed) time to first token.
 */
record ModelTurn(
    String text,
    List<String> choices,
    List<ToolCall> toolCalls,
    String refusal,
    String reasoning,
    String finishReason,
    Usage usage,
    String model,
    Duration latency,
    Duration timeToFirstToken) {

  /** The assistant message this turn adds to the conversation. */
  Message message() {
    return toolCalls.isEmpty()
        ? Message.assistant(text == null ? "" : text)
        : Message.assistant(text == null || text.isEmpty() ? null : text, toolCalls);
  }

  /** Reads a non-streamed completion. */
  static ModelTurn of(ChatCompletion completion, String requestedModel, Duration latency) {
    if (completion.choices().isEmpty()) {
      throw new MalformedReplyException("the response has no choices");
    }
    ChatCompletion.Choice choice = completion.choices().get(0);
    ChatCompletionMessage message = choice.message();
    List<ToolCall> calls = new ArrayList<>();
    List<ChatCompletionMessageToolCall> raw = message.toolCalls().orElse(List.of());
    for (int i = 0; i < raw.size(); i++) {
      calls.add(toolCall(raw.get(i), i));
    }
    List<String> choices = new ArrayList<>(completion.choices().size());
    for (ChatCompletion.Choice c : completion.choices()) {
      choices.add(c.message().content().orElse(""));
    }
    String finishReason = choice._finishReason().asKnown().map(r -> r.asString()).orElse(null);
    if (calls.isEmpty() && "tool_calls".equals(finishReason) && raw.isEmpty()) {
      String text = message.content().orElse("");
      if (text.isEmpty()) {
        throw new MalformedReplyException(
            "finish_reason is tool_calls but the message has no tool calls and no text");
      }
    }
    return new ModelTurn(
        message.content().orElse(null),
        List.copyOf(choices),
        List.copyOf(calls),
        message.refusal().filter(r -> !r.isEmpty()).orElse(null),
        reasoning(message._additionalProperties()),
        finishReason,
        completion.usage().map(ModelTurn::usage).orElse(Usage.ZERO),
        completion._model().asKnown().orElse(requestedModel),
        latency,
        null);
  }

  /**
   * A tool call as the SDK classified it — or, when it could not (no {@code "type"}, as some
   * servers send), read from its raw JSON when that has a function name; otherwise the reply is
   * malformed and says why.
   */
  private static ToolCall toolCall(ChatCompletionMessageToolCall call, int index) {
    if (call.function().isPresent()) {
      var f = call.function().get();
      return new ToolCall(f.id(), f.function().name(), f.function().arguments());
    }
    if (call.custom().isPresent()) {
      var c = call.custom().get();
      return new ToolCall(c.id(), c.custom().name(), c.custom().input());
    }
    JsonNode json = call._json().map(v -> v.convert(JsonNode.class)).orElse(null);
    JsonNode function = json == null ? null : json.path("function");
    if (function == null || !function.path("name").isTextual()) {
      throw new MalformedReplyException(
          "tool call "
              + index
              + " is malformed: it has no type the client knows and no function name: "
              + (json == null ? "(empty)" : truncate(json.toString())));
    }
    JsonNode arguments = function.path("arguments");
    String id = json.path("id").isTextual() ? json.path("id").asText() : "call_" + index;
    return new ToolCall(
        id,
        function.path("name").asText(),
        arguments.isTextual()
            ? arguments.asText()
            : arguments.isMissingNode() ? "" : arguments.toString());
  }

  /** {@code reasoning_content} (DeepSeek, vLLM) or {@code reasoning} (OpenRouter), else null. */
  static String reasoning(Map<String, JsonValue> extra) {
    for (String key : new String[] {"reasoning_content", "reasoning"}) {
      JsonValue value = extra.get(key);
      if (value != null) {
        Object raw = value.asString().orElse(null);
        String text = raw instanceof String str ? str : null;
        if (text != null && !text.isEmpty()) {
          return text;
        }
      }
    }
    return null;
  }

  static Usage usage(CompletionUsage u) {
    return new Usage(
        u.promptTokens(),
        u.promptTokensDetails().flatMap(d -> d.cachedTokens()).orElse(0L),
        u.completionTokens(),
        u.completionTokensDetails().flatMap(d -> d.reasoningTokens()).orElse(0L));
  }

  private static String truncate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }

  /** A response that parsed as JSON but is not a usable completion. */
  static final class MalformedReplyException extends RuntimeException {
    MalformedReplyException(String message) {
      super(message);
    }
  }

  /** A stream that ended without a finish reason: cut off (a proxy's idle timeout, say). */
  static final class IncompleteStreamException extends RuntimeException {
    private final String partialText;

    IncompleteStreamException(String message, String partialText) {
      super(message);
      this.partialText = partialText;
    }

    String partialText() {
      return partialText;
    }
  }
}
