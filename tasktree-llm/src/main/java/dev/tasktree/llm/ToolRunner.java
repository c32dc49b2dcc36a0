package dev.tasktree.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tasktree.Result;
import dev.tasktree.spi.NodeContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs the tool calls of one model turn — several concurrently on virtual threads — each in its own
 * child span of kind {@code Tool}. An unknown tool, arguments that are not JSON or break the
 * schema, and a tool that throws become an {@code Error: ...} text for the model.
 *
 * @param <B> the blackboard type
 */
final class ToolRunner<B> {

  private final Map<String, ToolSpec<B>> toolsByName;

  ToolRunner(Map<String, ToolSpec<B>> toolsByName) {
    this.toolsByName = toolsByName;
  }

  @SuppressWarnings("try") // the cancel hook is held open while the tools run
  List<ToolExecution> run(List<ToolCall> calls, B blackboard, NodeContext ctx, int iteration)
      throws Exception {
    if (calls.size() == 1) {
      return List.of(runOne(calls.get(0), blackboard, ctx, iteration));
    }
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        NodeContext.Registration hook = ctx.onCancel(pool::shutdownNow)) {
      List<Future<ToolExecution>> futures = new ArrayList<>(calls.size());
      for (ToolCall call : calls) {
        futures.add(pool.submit(() -> runOne(call, blackboard, ctx, iteration)));
      }
      List<ToolExecution> done = new ArrayList<>(calls.size());
      try {
        for (Future<ToolExecution> future : futures) {
          done.add(future.get());
        }
      } catch (InterruptedException e) {
        pool.shutdownNow();
        throw e;
      } catch (ExecutionException e) {
        pool.shutdownNow();
        throw e.getCause() instanceof Exception ex ? ex : e;
      }
      return done;
    }
  }

  /** Runs one tool call in its own child span; failures become an error text for the model. */
  private ToolExecution runOne(ToolCall call, B blackboard, NodeContext ctx, int iteration)
      throws Exception {
    try {
      Result result =
          ctx.span(
              call.name(),
              "Tool",
              span -> {
                span.attribute(GenAi.TOOL_NAME, call.name());
                span.attribute(GenAi.TOOL_CALL_ID, call.id());
                return span.checkpoint( // a durable run replays a journaled tool call
                    "tool " + call.id(),
                    LlmCheckpoints.TOOL_CALL,
                    () -> execute(call, blackboard, span, iteration));
              });
      return (ToolExecution) result.data();
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      if (ctx.cancelled() || Thread.currentThread().isInterrupted()) {
        throw e;
      }
      return new ToolExecution(
          call,
          "Error: tool '"
              + call.name()
              + "' failed: "
              + LlmCheckpoints.simpleName(e)
              + (e.getMessage() == null ? "" : ": " + e.getMessage()),
          false,
          iteration);
    }
  }

  private Result execute(ToolCall call, B blackboard, NodeContext span, int iteration)
      throws Exception {
    ToolSpec<B> spec = toolsByName.get(call.name());
    if (spec == null) {
      span.attribute(GenAi.TOOL_ARGUMENTS, call.arguments());
      return rejected(
          call,
          iteration,
          "unknown tool '"
              + call.name()
              + "'; available tools: "
              + String.join(", ", new TreeSet<>(toolsByName.keySet())));
    }
    JsonNode args;
    try {
      args =
          call.arguments().isBlank()
              ? JsonSchemas.MAPPER.createObjectNode()
              : JsonSchemas.MAPPER.readTree(call.arguments());
    } catch (JsonProcessingException e) {
      span.attribute(GenAi.TOOL_ARGUMENTS, call.arguments());
      return rejected(call, iteration, "arguments are not valid JSON: " + e.getOriginalMessage());
    }
    span.attribute(GenAi.TOOL_ARGUMENTS, args);
    List<String> problems = SchemaCheck.validate(spec.schema(), args);
    if (!problems.isEmpty()) {
      return rejected(
          call, iteration, "arguments do not match the schema: " + String.join("; ", problems));
    }
    Object output;
    try {
      output = spec.executor().execute(blackboard, args);
    } catch (ToolSpec.InvalidArgumentsException e) {
      return rejected(call, iteration, e.getMessage());
    }
    String text = output instanceof String s ? s : JsonSchemas.MAPPER.writeValueAsString(output);
    span.attribute(GenAi.TOOL_RESULT, text);
    return Result.ok(new ToolExecution(call, text, true, iteration));
  }

  private static Result rejected(ToolCall call, int iteration, String reason) {
    return Result.fail(new ToolExecution(call, "Error: " + reason, false, iteration));
  }
}
