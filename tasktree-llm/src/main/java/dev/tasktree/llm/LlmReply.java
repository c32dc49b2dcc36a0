package dev.tasktree.llm;

import java.time.Duration;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The {@code OK} data of an {@link LlmNode}: the final answer plus everything that led to it.
 *
 * @param text the final assistant text (the JSON text when structured output was asked for)
 * @param parsed the value parsed from {@code text} by {@link LlmNode#outputAs}, else null
 * @param messages the messages this node appended to the conversation, in order (assistant turns
 *     and tool results), so a chat history can be extended with them
 * @param toolExecutions the tool calls made during the loop with their results, in order
 * @param finishReason why the model stopped ({@code stop}, {@code length}, ...)
 * @param usage tokens used over all model calls
 * @param costUsd {@code usage} priced with the model's {@link Prices}
 * @param model the model the provider reports it used
 * @param iterations how many model calls were made
 * @param timeToFirstToken when streaming, the time from sending the (last) request to its first
 *     delta; null otherwise
 * @param choices the text of every choice of the final call, in order ({@code text} first); more
 *     than one when {@link LlmNode#choices(int)} asked for several
 * @param reasoning the reasoning content the model sent ({@code reasoning_content}), or null
 */
public record LlmReply(
    String text,
    Object parsed,
    List<Message> messages,
    List<ToolExecution> toolExecutions,
    String finishReason,
    Usage usage,
    double costUsd,
    String model,
    int iterations,
    Duration timeToFirstToken,
    List<String> choices,
    String reasoning) {

  /** Copies the lists. */
  public LlmReply {
    messages = List.copyOf(messages);
    toolExecutions = List.copyOf(toolExecutions);
    choices = choices == null ? List.of(text) : List.copyOf(choices);
  }

  /** The parsed structured output as {@code type}; a clear error when it is something else. */
  public <T> T parsed(Class<T> type) {
    if (parsed == null || !type.isInstance(parsed)) {
      throw new ClassCastException(
          "parsed value is " + (parsed == null ? "null" : parsed.getClass().getName()));
    }
    return type.cast(parsed);
  }

  /**
   * A {@code writeBlackboard} setter that stores the reply's text:
   *
   * <pre>{@code
   * .node(Llm.chat(model, Chat::messages))
   * .writeBlackboard(LlmReply.text(Chat::setAnswer))
   * }</pre>
   */
  public static <B> BiConsumer<B, LlmReply> text(BiConsumer<B, String> setter) {
    return (blackboard, reply) -> setter.accept(blackboard, reply.text());
  }

  /** A {@code writeBlackboard} setter that stores the parsed structured output. */
  public static <B, T> BiConsumer<B, LlmReply> parsed(Class<T> type, BiConsumer<B, T> setter) {
    return (blackboard, reply) -> setter.accept(blackboard, reply.parsed(type));
  }
}
