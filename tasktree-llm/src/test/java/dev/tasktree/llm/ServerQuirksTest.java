package dev.tasktree.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasktree.Result;
import dev.tasktree.RetryPolicy;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import dev.tasktree.llm.LlmError.Category;
import dev.tasktree.llm.testing.RecordedRequest;
import dev.tasktree.llm.testing.ScriptedReply;
import dev.tasktree.trace.InMemoryTraceSink;
import dev.tasktree.trace.TraceJson;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * What servers this project did not write send: each quirk ends in a clear result, never a silent
 * OK.
 */
class ServerQuirksTest extends ScriptedServerTest {

  private Result run(LlmNode<Chat> node) {
    return Tree.<Chat>named("Q").node(node).build().run(new Chat("q"));
  }

  private LlmNode<Chat> node(String model) {
    return Llm.chat(LlmModel.of(provider, model), Chat::messages);
  }

  // ---- 1: a stream cut with a clean close ----

  @Test
  void aStreamClosedCleanlyBeforeItsFinishFailsWithIoAndKeepsThePartialText() {
    server.script("cut", ScriptedReply.closeMidStream("partial answer "));
    List<StreamEvent> events = new CopyOnWriteArrayList<>();
    InMemoryTraceSink sink = new InMemoryTraceSink();

    Result result =
        Tree.<Chat>named("Q")
            .node(node("cut").stream(events::add))
            .build()
            .run(new Chat("q"), RunOptions.defaults().withTraceSink(sink));

    assertThat(result.isOk()).isFalse();
    LlmError error = (LlmError) result.data();
    assertThat(error.category()).isEqualTo(Category.IO);
    assertThat(error.partialText()).isEqualTo("partial answer ");
    assertThat(error.message()).contains("without a finish_reason");
    assertThat(events.getLast().done()).isTrue();
    assertThat(events.getLast().error()).isEqualTo(error);
    assertThat(
            TraceJson.newMapper()
                .valueToTree(sink.last().spansOfKind("Llm").getFirst().attributes())
                .toString())
        .contains("tasktree.llm.partial_text", "partial answer ");
    assertThat(server.requests("cut").getFirst().outcome())
        .isEqualTo(RecordedRequest.Outcome.DROPPED);
  }

  @Test
  void aTruncatedPlainBodyClosedCleanlyFailsWithIo() {
    server.script("cut", ScriptedReply.closeMidStream("partial answer "));
    assertThat(((LlmError) run(node("cut")).data()).category()).isEqualTo(Category.IO);
  }

  // ---- 2: error events inside a 200 stream ----

  @Test
  void anErrorEventInsideA200StreamIsCategorisedByItsCode() {
    server.script("key", ScriptedReply.streamErrorEvent("invalid_api_key", "Incorrect API key"));
    server.script(
        "rate", ScriptedReply.streamErrorEvent("rate_limit_exceeded", "Too many").afterText("Hel"));
    server.script(
        "ctx", ScriptedReply.streamErrorEvent("context_length_exceeded", "too long for context"));
    server.script("quota", ScriptedReply.streamErrorEvent("insufficient_quota", "pay up"));

    LlmError auth = (LlmError) run(node("key").stream()).data();
    LlmError rate = (LlmError) run(node("rate").stream()).data();
    LlmError context = (LlmError) run(node("ctx").stream()).data();
    LlmError quota = (LlmError) run(node("quota").stream()).data();

    assertThat(auth.category()).isEqualTo(Category.AUTH);
    assertThat(auth.retryable()).isFalse();
    assertThat(auth.code()).isEqualTo("invalid_api_key");
    assertThat(auth.message()).isEqualTo("Incorrect API key");
    assertThat(rate.category()).isEqualTo(Category.RATE_LIMITED);
    assertThat(rate.partialText()).isEqualTo("Hel");
    assertThat(context.category()).isEqualTo(Category.CONTEXT_LENGTH);
    assertThat(quota.category()).isEqualTo(Category.QUOTA_EXCEEDED);
    assertThat(quota.retryable()).isFalse();
  }

  @Test
  void aRetryOnTransientFailuresDoesNotRetryAnAuthErrorEvent() {
    server.script("key", ScriptedReply.streamErrorEvent("invalid_api_key", "Incorrect API key"));
    Result result =
        Tree.<Chat>named("R")
            .retry(RetryPolicy.tries(3).retryIf(LlmError::isTransient))
            .node(node("key").stream())
            .build()
            .run(new Chat("q"));
    assertThat(((LlmError) result.data()).category()).isEqualTo(Category.AUTH);
    assertThat(server.requests("key")).hasSize(1);
  }

  @Test
  void theErrorCodeDecidesTheCategoryWhateverTheHttpStatus() {
    server.script("key400", ScriptedReply.error(400, "invalid_api_key", "bad key"));
    server.script("rate400", ScriptedReply.error(400, "rate_limit_exceeded", "slow"));
    server.script("quota429", ScriptedReply.error(429, "insufficient_quota", "no credit"));
    assertThat(((LlmError) run(node("key400")).data()).category()).isEqualTo(Category.AUTH);
    assertThat(((LlmError) run(node("rate400")).data()).category())
        .isEqualTo(Category.RATE_LIMITED);
    assertThat(((LlmError) run(node("quota429")).data()).category())
        .isEqualTo(Category.QUOTA_EXCEEDED);
  }

  // ---- 3: tool calls without "type" ----

  @Test
  void aToolCallWithoutTypeIsStillRunAsAFunctionCall() {
    ToolSpec<Chat> echo =
        ToolSpec.of("echo", "Echo", "{\"type\":\"object\"}", (chat, args) -> "echoed " + args);
    for (boolean stream : new boolean[] {false, true}) {
      server.reset();
      server.script(
          "untyped",
          ScriptedReply.toolCalls(ScriptedReply.call("echo", "{\"x\":1}")).withoutToolCallType(),
          ScriptedReply.text("done"));
      LlmNode<Chat> node = node("untyped").tool(echo);
      Result result = run(stream ? node.stream() : node);
      assertThat(result.isOk()).as("stream=" + stream).isTrue();
      LlmReply reply = (LlmReply) result.data();
      assertThat(reply.text()).isEqualTo("done");
      assertThat(reply.toolExecutions()).hasSize(1);
      assertThat(reply.toolExecutions().getFirst().result()).isEqualTo("echoed {\"x\":1}");
      assertThat(server.requests("untyped")).hasSize(2);
    }
  }

  @Test
  void aToolCallsFinishWithoutAnyUsableCallFails() {
    server.script("empty", ScriptedReply.text("").finishReason("tool_calls"));
    Result result = run(node("empty"));
    assertThat(result.isOk()).isFalse();
    assertThat(((LlmError) result.data()).message()).contains("no tool calls");
  }

  // ---- refusal and reasoning ----

  @Test
  void aRefusalFailsWithItsOwnCategory() {
    server.script("no", ScriptedReply.refusal("I can't help with that."));
    for (boolean stream : new boolean[] {false, true}) {
      LlmError error = (LlmError) run(stream ? node("no").stream() : node("no")).data();
      assertThat(error.category()).as("stream=" + stream).isEqualTo(Category.REFUSAL);
      assertThat(error.message()).isEqualTo("I can't help with that.");
      assertThat(error.retryable()).isFalse();
    }
  }

  @Test
  void reasoningContentAndTokensAreInTheReplyAndTheTrace() {
    server.script(
        "think", ScriptedReply.text("42").reasoning("Six times seven. ").usage(10, 0, 30, 25));
    for (boolean stream : new boolean[] {false, true}) {
      List<StreamEvent> events = new CopyOnWriteArrayList<>();
      InMemoryTraceSink sink = new InMemoryTraceSink();
      LlmNode<Chat> node = stream ? node("think").stream(events::add) : node("think");
      Result result =
          Tree.<Chat>named("T")
              .node(node)
              .build()
              .run(new Chat("q"), RunOptions.defaults().withTraceSink(sink));
      LlmReply reply = (LlmReply) result.data();
      assertThat(reply.text()).isEqualTo("42");
      assertThat(reply.reasoning()).as("stream=" + stream).isEqualTo("Six times seven. ");
      assertThat(reply.usage().reasoningTokens()).isEqualTo(25);
      String trace =
          TraceJson.newMapper()
              .valueToTree(sink.last().spansOfKind("Llm").getFirst().attributes())
              .toString();
      assertThat(trace).contains("tasktree.llm.reasoning", "Six times seven.");
      assertThat(trace).contains("\"tasktree.llm.reasoning_tokens\":25");
      if (stream) {
        assertThat(events)
            .filteredOn(e -> e.reasoningDelta() != null)
            .extracting(StreamEvent::reasoningDelta)
            .containsExactly("Six ", "times ", "seven. ");
      }
    }
  }
}
