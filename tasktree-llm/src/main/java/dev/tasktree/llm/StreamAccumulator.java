package dev.tasktree.llm;

import com.openai.models.chat.completions.ChatCompletionChunk;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds a {@link ModelTurn} from stream chunks: text deltas appended, tool-call deltas merged by
 * index, the finish reason kept, and the usage of the <b>last</b> chunk that carries one (some
 * providers send running totals on earlier chunks). Used by one thread.
 */
final class StreamAccumulator {

  private final StringBuilder text = new StringBuilder();
  private final Map<Long, PartialCall> calls = new TreeMap<>();
  private String finishReason;
  private Usage usage;
  private String model;
  private volatile String snapshot = "";

  /** Adds a chunk; returns its text delta ("" when none) — tool-call deltas return null. */
  String add(ChatCompletionChunk chunk) {
    chunk._model().asKnown().ifPresent(m -> model = m);
    chunk.usage().ifPresent(u -> usage = ModelTurn.usage(u));
    String delta = "";
    boolean toolDelta = false;
    for (ChatCompletionChunk.Choice choice : chunk.choices()) {
      if (choice.index() != 0) {
        continue;
      }
      ChatCompletionChunk.Choice.Delta d = choice.delta();
      String content = d.content().orElse("");
      if (!content.isEmpty()) {
        text.append(content);
        snapshot = text.toString();
      }
      delta = content;
      for (ChatCompletionChunk.Choice.Delta.ToolCall call : d.toolCalls().orElse(List.of())) {
        toolDelta = true;
        PartialCall partial = calls.computeIfAbsent(call.index(), i -> new PartialCall());
        call.id().ifPresent(id -> partial.id = id);
        call.function()
            .ifPresent(
                f -> {
                  f.name().ifPresent(n -> partial.name = n);
                  f.arguments().ifPresent(partial.arguments::append);
                });
      }
      choice.finishReason().ifPresent(r -> finishReason = r.asString());
    }
    return delta.isEmpty() && toolDelta ? null : delta;
  }

  String text() {
    return text.toString();
  }

  /** The text so far; safe to read from another thread. */
  String snapshot() {
    return snapshot;
  }

  ModelTurn finish(String requestedModel, Duration latency, Duration timeToFirstToken) {
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
    return new ModelTurn(
        text.toString(),
        List.copyOf(toolCalls),
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
