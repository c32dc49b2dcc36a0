package dev.tasktree.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasktree.ReplayedFailure;
import dev.tasktree.Result;
import dev.tasktree.spi.CheckpointCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How the LLM node journals its checkpoints in a durable run: each model call (its {@link
 * ModelTurn}, or the {@link LlmError} it failed with — so a Retry's {@code retryIf} judges a
 * replayed failure as it judged the original) and each tool call (its {@link ToolExecution}, or the
 * type and message of what the tool threw). Written by hand: the records are the node's own.
 */
final class LlmCheckpoints {

  private LlmCheckpoints() {}

  /** A model call: its turn, or its mapped error. */
  static final CheckpointCodec<ModelTurn> MODEL_CALL =
      new CheckpointCodec<>() {
        @Override
        public String encode(ModelTurn turn) {
          ObjectNode node = JsonSchemas.MAPPER.createObjectNode();
          node.put("text", turn.text());
          ArrayNode choices = node.putArray("choices");
          turn.choices().forEach(choices::add);
          ArrayNode calls = node.putArray("toolCalls");
          for (ToolCall call : turn.toolCalls()) {
            calls.add(toolCall(call));
          }
          node.put("refusal", turn.refusal());
          node.put("reasoning", turn.reasoning());
          node.put("finishReason", turn.finishReason());
          Usage u = turn.usage();
          ObjectNode usage = node.putObject("usage");
          usage.put("input", u.inputTokens());
          usage.put("cachedInput", u.cachedInputTokens());
          usage.put("output", u.outputTokens());
          usage.put("reasoning", u.reasoningTokens());
          node.put("model", turn.model());
          putDuration(node, "latencyNanos", turn.latency());
          putDuration(node, "timeToFirstTokenNanos", turn.timeToFirstToken());
          return node.toString();
        }

        @Override
        public ModelTurn decode(String json) throws Exception {
          JsonNode node = JsonSchemas.MAPPER.readTree(json);
          List<String> choices = new ArrayList<>();
          node.path("choices").forEach(c -> choices.add(c.asText()));
          List<ToolCall> calls = new ArrayList<>();
          for (JsonNode call : node.path("toolCalls")) {
            calls.add(
                new ToolCall(
                    call.path("id").asText(),
                    call.path("name").asText(),
                    call.path("arguments").asText()));
          }
          JsonNode usage = node.path("usage");
          return new ModelTurn(
              text(node, "text"),
              List.copyOf(choices),
              List.copyOf(calls),
              text(node, "refusal"),
              text(node, "reasoning"),
              text(node, "finishReason"),
              new Usage(
                  usage.path("input").asLong(),
                  usage.path("cachedInput").asLong(),
                  usage.path("output").asLong(),
                  usage.path("reasoning").asLong()),
              text(node, "model"),
              duration(node, "latencyNanos"),
              duration(node, "timeToFirstTokenNanos"));
        }

        @Override
        public String encodeFailure(Exception failure) {
          if (!(failure instanceof ModelCall.FailedException failed)) {
            return null;
          }
          LlmError e = failed.error;
          ObjectNode node = JsonSchemas.MAPPER.createObjectNode();
          node.put("category", e.category().name());
          node.put("status", e.status());
          node.put("message", e.message());
          node.put("model", e.model());
          node.put("code", e.code());
          node.put("partialText", e.partialText());
          RateLimits r = e.rateLimits();
          if (r != null) {
            ObjectNode limits = node.putObject("rateLimits");
            putDuration(limits, "retryAfterNanos", r.retryAfter());
            putDuration(limits, "resetRequestsNanos", r.resetRequests());
            putDuration(limits, "resetTokensNanos", r.resetTokens());
            limits.put("remainingRequests", r.remainingRequests());
            limits.put("remainingTokens", r.remainingTokens());
          }
          return node.toString();
        }

        @Override
        public Exception decodeFailure(String json) throws Exception {
          JsonNode node = JsonSchemas.MAPPER.readTree(json);
          JsonNode limits = node.get("rateLimits");
          RateLimits rateLimits =
              limits == null || limits.isNull()
                  ? null
                  : new RateLimits(
                      duration(limits, "retryAfterNanos"),
                      duration(limits, "resetRequestsNanos"),
                      duration(limits, "resetTokensNanos"),
                      limits.path("remainingRequests").isNumber()
                          ? limits.get("remainingRequests").asLong()
                          : null,
                      limits.path("remainingTokens").isNumber()
                          ? limits.get("remainingTokens").asLong()
                          : null);
          return new ModelCall.FailedException(
              new LlmError(
                  LlmError.Category.valueOf(node.path("category").asText()),
                  node.path("status").asInt(),
                  text(node, "message"),
                  text(node, "model"),
                  text(node, "code"),
                  rateLimits,
                  text(node, "partialText")));
        }
      };

  /**
   * A tool call: its result (OK, or FAIL when the call was rejected: unknown tool, bad arguments),
   * or the type and message of what the tool threw, replayed as a {@link ReplayedFailure}.
   */
  static final CheckpointCodec<Result> TOOL_CALL =
      new CheckpointCodec<>() {
        @Override
        public String encode(Result result) {
          ToolExecution done = (ToolExecution) result.data();
          ObjectNode node = JsonSchemas.MAPPER.createObjectNode();
          node.put("ok", result.isOk());
          node.set("call", toolCall(done.call()));
          node.put("result", done.result());
          node.put("executionOk", done.ok());
          node.put("iteration", done.iteration());
          return node.toString();
        }

        @Override
        public Result decode(String json) throws Exception {
          JsonNode node = JsonSchemas.MAPPER.readTree(json);
          JsonNode call = node.path("call");
          ToolExecution done =
              new ToolExecution(
                  new ToolCall(
                      call.path("id").asText(),
                      call.path("name").asText(),
                      call.path("arguments").asText()),
                  node.path("result").asText(),
                  node.path("executionOk").asBoolean(),
                  node.path("iteration").asInt());
          return node.path("ok").asBoolean() ? Result.ok(done) : Result.fail(done);
        }

        @Override
        public String encodeFailure(Exception failure) {
          ObjectNode node = JsonSchemas.MAPPER.createObjectNode();
          node.put(
              "type",
              failure instanceof ReplayedFailure r
                  ? r.originalType()
                  : failure.getClass().getName());
          node.put("message", failure.getMessage());
          return node.toString();
        }

        @Override
        public Exception decodeFailure(String json) throws Exception {
          JsonNode node = JsonSchemas.MAPPER.readTree(json);
          return new ReplayedFailure(node.path("type").asText(), text(node, "message"));
        }
      };

  /** The simple name of a failure's class, or of the original's when it was replayed. */
  static String simpleName(Exception failure) {
    if (failure instanceof ReplayedFailure replayed) {
      String type = replayed.originalType();
      String simple = type.substring(type.lastIndexOf('.') + 1);
      return simple.substring(simple.lastIndexOf('$') + 1);
    }
    return failure.getClass().getSimpleName();
  }

  private static ObjectNode toolCall(ToolCall call) {
    ObjectNode node = JsonSchemas.MAPPER.createObjectNode();
    node.put("id", call.id());
    node.put("name", call.name());
    node.put("arguments", call.arguments());
    return node;
  }

  private static void putDuration(ObjectNode node, String field, Duration d) {
    if (d == null) {
      node.putNull(field);
    } else {
      node.put(field, d.toNanos());
    }
  }

  private static Duration duration(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || !value.isNumber() ? null : Duration.ofNanos(value.asLong());
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }
}
