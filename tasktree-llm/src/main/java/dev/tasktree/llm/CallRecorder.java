package dev.tasktree.llm;

import dev.tasktree.spi.NodeContext;
import dev.tasktree.trace.Attributes;
import dev.tasktree.trace.LogLevel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The state of one execution of an LLM node — model calls, usage, appended messages, tool
 * executions — and what it records on the node's span: the request up front, then the outcome.
 */
final class CallRecorder {

  final LlmModel model;
  final long started = System.nanoTime();
  final List<Message> appended = new ArrayList<>();
  final List<ToolExecution> executions = new ArrayList<>();
  private final List<Map<String, Object>> calls = new ArrayList<>();
  private final StringBuilder reasoning = new StringBuilder();
  Usage usage = Usage.ZERO;
  int iteration;

  CallRecorder(LlmModel model) {
    this.model = model;
  }

  /** Counts a model call's usage and notes it for {@code tasktree.llm.calls}. */
  void add(ModelTurn turn) {
    usage = usage.plus(turn.usage());
    Map<String, Object> call = new LinkedHashMap<>();
    call.put("iteration", iteration);
    call.put("model", turn.model());
    call.put("finish_reason", turn.finishReason());
    call.put("usage", turn.usage());
    call.put("latency_ms", millis(turn.latency()));
    if (turn.timeToFirstToken() != null) {
      call.put("time_to_first_token_ms", millis(turn.timeToFirstToken()));
    }
    if (!turn.toolCalls().isEmpty()) {
      call.put("tool_calls", turn.toolCalls());
    }
    if (turn.reasoning() != null) {
      call.put("reasoning", turn.reasoning());
      if (!reasoning.isEmpty()) {
        reasoning.append("\n\n");
      }
      reasoning.append(turn.reasoning());
    }
    calls.add(call);
  }

  /** The reasoning content of every call, or null when the model sent none. */
  String reasoning() {
    return reasoning.isEmpty() ? null : reasoning.toString();
  }

  /** The request attributes: provider, model, parameters, messages, tools, output format. */
  static void recordRequest(
      NodeContext ctx,
      LlmModel m,
      LlmParams p,
      List<Message> input,
      List<? extends ToolSpec<?>> tools,
      ChatRequests.Options options) {
    ctx.attribute(GenAi.OPERATION, "chat");
    ctx.attribute(GenAi.PROVIDER, m.provider().name());
    ctx.attribute(GenAi.BASE_URL, m.provider().baseUrl());
    ctx.attribute(Attributes.REQUEST_MODEL, m.name());
    if (p.temperature() != null) {
      ctx.attribute(GenAi.TEMPERATURE, p.temperature());
    }
    if (p.topP() != null) {
      ctx.attribute(GenAi.TOP_P, p.topP());
    }
    if (p.maxTokens() != null) {
      ctx.attribute(GenAi.MAX_TOKENS, p.maxTokens());
    }
    if (p.seed() != null) {
      ctx.attribute(GenAi.SEED, p.seed());
    }
    if (p.stop() != null) {
      ctx.attribute(GenAi.STOP, p.stop());
    }
    ctx.attribute(GenAi.PARAMS, p);
    ctx.attribute(GenAi.INPUT_MESSAGES, input);
    if (!tools.isEmpty()) {
      ctx.attribute(GenAi.TOOL_DEFINITIONS, tools.stream().map(ToolSpec::definition).toList());
      if (options.toolChoice() != null) {
        ctx.attribute(GenAi.TOOL_CHOICE, options.toolChoice());
      }
    }
    if (options.choices() > 1) {
      ctx.attribute(GenAi.CHOICE_COUNT, options.choices());
    }
    if (options.stream()) {
      ctx.attribute(GenAi.STREAM, true);
    }
    if (options.output() != null) {
      ctx.attribute(GenAi.OUTPUT_TYPE, "json");
      if (options.output().format() != null) {
        ctx.attribute(GenAi.RESPONSE_SCHEMA, options.output().format().schema());
      }
    }
  }

  /** The outcome attributes: usage, cost, calls, appended messages, latency, reasoning. */
  void recordOutcome(NodeContext ctx) {
    ctx.attribute(Attributes.INPUT_TOKENS, usage.inputTokens());
    ctx.attribute(Attributes.OUTPUT_TOKENS, usage.outputTokens());
    ctx.attribute(GenAi.CACHED_INPUT_TOKENS, usage.cachedInputTokens());
    ctx.attribute(GenAi.REASONING_TOKENS, usage.reasoningTokens());
    ctx.attribute(Attributes.COST_USD, model.prices().cost(usage));
    ctx.attribute(GenAi.ITERATIONS, iteration);
    ctx.attribute(GenAi.CALLS, calls);
    ctx.attribute(GenAi.OUTPUT_MESSAGES, appended);
    ctx.attribute(GenAi.LATENCY_MS, millis(ModelCall.since(started)));
    if (!reasoning.isEmpty()) {
      ctx.attribute(GenAi.REASONING, reasoning.toString());
    }
  }

  /** Records a failure (outcome, error type, status, a WARN log) and returns it as FAIL data. */
  LlmError fail(NodeContext ctx, LlmError error) {
    recordOutcome(ctx);
    ctx.attribute(GenAi.ERROR_TYPE, error.category().wireName());
    if (error.status() > 0) {
      ctx.attribute(GenAi.HTTP_STATUS, error.status());
    }
    if (error.partialText() != null) {
      ctx.attribute(GenAi.PARTIAL_TEXT, error.partialText());
    }
    ctx.log(LogLevel.WARN, error.toString());
    return error;
  }

  static double millis(Duration d) {
    return d.toNanos() / 1_000_000.0;
  }
}
