package dev.tasktree.llm;

import com.openai.models.chat.completions.ChatCompletionChunk;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Builds a {@link ModelTurn} from stream chunks: text deltas appended per choice, tool-call deltas
 * merged by index, reasoning and refusal deltas kept, the finish reason kept, and the usage of the
 * <b>last</b> chunk that carries one (some providers send running totals on earlier chunks). A
 * stream that ends without a finish reason was cut off and {@linkplain #finish fails}. Used by one
 * thread.
 */
final class StreamAccumulator {

  private final StringBuilder text = new StringBuilder();
  private final Map<Long, StringBuilder> otherChoices = new TreeMap<>();
  private final StringBuilder reasoning = new StringBuilder();
  private final StringBuilder refusal = new StringBuilder();
  private final Map<Long, PartialCall> calls = new TreeMap<>();
  private String finishReason;
  private Usage usage;
  private String model;
  private boolean anyDelta;
  private volatile String snapshot = "";

  /**
   * Adds a chunk and reports what it brought to {@code events} (text, reasoning and tool-call
   * deltas of choice 0, in order).
   */
  void add(ChatCompletionChunk chunk, Consumer<StreamEvent> events) {
    chunk._model().asKnown().ifPresent(m -> model = m);
    chunk.usage().ifPresent(u -> usage = ModelTurn.usage(u));
    for (ChatCompletionChunk.Choice choice : chunk.choices()) {
      ChatCompletionChunk.Choice.Delta d = choice.delta();
      if (choice.index() != 0) {
        d.content()
            .ifPresent(
                c ->
                    otherChoices
                        .computeIfAbsent(choice.index(), i -> new StringBuilder())
                        .append(c));
        continue;
      }
      choice.finishReason().ifPresent(r -> finishReason = r.asString());
      String thought = ModelTurn.reasoning(d._additionalProperties());
      if (thought != null) {
        anyDelta = true;
        reasoning.append(thought);
        events.accept(new StreamEvent(snapshot, "", false, null, null, null, thought));
      }
      d.refusal().ifPresent(refusal::append);
      String content = d.content().orElse("");
      if (!content.isEmpty()) {
        anyDelta = true;
        text.append(content);
        snapshot = text.toString();
        events.accept(new StreamEvent(snapshot, content, false, null, null));
      }
      for (ChatCompletionChunk.Choice.Delta.ToolCall call : d.toolCalls().orElse(List.of())) {
        anyDelta = true;
        PartialCall partial = calls.computeIfAbsent(call.index(), i -> new PartialCall());
        String id = call.id().orElse(null);
        String name = call.function().flatMap(f -> f.name()).orElse(null);
        String args = call.function().flatMap(f -> f.arguments()).orElse("");
        if (id != null) {
          partial.id = id;
        }
        if (name != null) {
          partial.name = name;
        }
        partial.arguments.append(args);
        events.accept(
            new StreamEvent(
                snapshot,
                "",
                false,
                null,
                null,
                new StreamEvent.ToolCallDelta(call.index(), id, name, args),
                null));
      }
    }
  }

  /** Whether any text, reasoning or tool-call delta has arrived (for time to first token). */
  boolean anyDelta() {
    return anyDelta;
  }

  String text() {
    return text.toString();
  }

  /** The text so far; safe to read from another thread. */
  String snapshot() {
    return snapshot;
  }

  ModelTurn finish(String requestedModel, Duration latency, Duration timeToFirstToken) {
    if (finishReason == null) {
      throw new ModelTurn.IncompleteStreamException(
          "the stream ended without a finish_reason after "
              + text.length()
              + " characters: the connection was closed before the answer was complete",
          text.toString());
    }
    List<ToolCall> toolCalls = new ArrayList<>();
    for (Map.Entry<Long, PartialCall> e : calls.entrySet()) {
      PartialCall p = e.getValue();
      if (p.name == null) {
        throw new ModelTurn.MalformedReplyException(
            "streamed tool call " + e.getKey() + " has no name");
      }
      toolCalls.add(
          new ToolCall(p.id == null ? "call_" + e.getKey() : p.id, p.name, p.arguments.toString()));
    }
    List<String> choices = new ArrayList<>();
    choices.add(text.toString());
    for (StringBuilder other : otherChoices.values()) {
      choices.add(other.toString());
    }
    return new ModelTurn(
        text.toString(),
        List.copyOf(choices),
        List.copyOf(toolCalls),
        refusal.isEmpty() ? null : refusal.toString(),
        reasoning.isEmpty() ? null : reasoning.toString(),
        finishReason,
        usage == null ? Usage.ZERO : usage,
        model == null ? requestedModel : model,
        latency,
        timeToFirstToken);
  }

  private static final class PartialCall {
    String id;
    String name;
    final StringBuilder arguments = new StringBuilder();
  }
}
