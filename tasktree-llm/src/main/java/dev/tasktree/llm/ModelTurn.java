package dev.tasktree.llm;

import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.completions.CompletionUsage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What one model call returned: text, tool calls, finish reason, usage, reported model, latency and
 * (when streamed) time to first token.
 */
record ModelTurn(
    String text,
    List<ToolCall> toolCalls,
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
    for (ChatCompletionMessageToolCall call : message.toolCalls().orElse(List.of())) {
      call.function()
          .ifPresent(
              f -> calls.add(new ToolCall(f.id(), f.function().name(), f.function().arguments())));
    }
    Usage usage = completion.usage().map(ModelTurn::usage).orElse(Usage.ZERO);
    String model = completion._model().asKnown().orElse(requestedModel);
    return new ModelTurn(
        message.content().orElse(null),
        List.copyOf(calls),
        choice._finishReason().asKnown().map(r -> r.asString()).orElse(null),
        usage,
        model,
        latency,
        null);
  }

  static Usage usage(CompletionUsage u) {
    return new Usage(
        u.promptTokens(),
        u.promptTokensDetails().flatMap(d -> d.cachedTokens()).orElse(0L),
        u.completionTokens(),
        u.completionTokensDetails().flatMap(d -> d.reasoningTokens()).orElse(0L));
  }

  /** A response that parsed as JSON but is not a usable completion. */
  static final class MalformedReplyException extends RuntimeException {
    MalformedReplyException(String message) {
      super(message);
    }
  }
}
