package dev.tasktree.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasktree.Result;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import dev.tasktree.llm.testing.ScriptedReply;
import dev.tasktree.trace.Attributes;
import dev.tasktree.trace.InMemoryTraceSink;
import dev.tasktree.trace.Span;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class StreamingTest extends ScriptedServerTest {

  @Test
  void deltasArriveInOrderAndUsageComesFromTheLastChunk() {
    server.script(
        "s",
        ScriptedReply.text("Behavior trees compose tasks.")
            .delay(Duration.ofMillis(60))
            .interimUsage(5, 1) // a running total on the first chunk: must not be used
            .usage(120, 20, 30, 4));
    LlmModel model = LlmModel.of(provider, "s").withPrices(Prices.perMillion(1.0, 0.5, 4.0));
    List<StreamEvent> events = new CopyOnWriteArrayList<>();
    InMemoryTraceSink sink = new InMemoryTraceSink();

    Result result =
        Tree.<Chat>named("S")
            .node(Llm.chat(model, Chat::messages).stream(events::add))
            .build()
            .run(new Chat("q"), RunOptions.defaults().withTraceSink(sink));

    LlmReply reply = (LlmReply) result.data();
    assertThat(reply.text()).isEqualTo("Behavior trees compose tasks.");
    assertThat(events)
        .extracting(StreamEvent::delta)
        .containsExactly("Behavior ", "trees ", "compose ", "tasks.", "");
    assertThat(events)
        .extracting(StreamEvent::textSoFar)
        .containsExactly(
            "Behavior ",
            "Behavior trees ",
            "Behavior trees compose ",
            "Behavior trees compose tasks.",
            "Behavior trees compose tasks.");
    StreamEvent last = events.getLast();
    assertThat(last.done()).isTrue();
    assertThat(last.finishReason()).isEqualTo("stop");
    assertThat(last.error()).isNull();
    assertThat(events.subList(0, 4)).noneMatch(StreamEvent::done);

    assertThat(reply.usage()).isEqualTo(new Usage(120, 20, 30, 4));
    assertThat(reply.costUsd()).isCloseTo((100 * 1.0 + 20 * 0.5 + 30 * 4.0) / 1e6, within(1e-12));
    assertThat(reply.timeToFirstToken()).isNotNull().isGreaterThanOrEqualTo(Duration.ofMillis(60));

    Span span = sink.last().spansOfKind("Llm").getFirst();
    assertThat(span.attributes().get(Attributes.INPUT_TOKENS).asLong()).isEqualTo(120);
    assertThat(span.attributes().get(Attributes.OUTPUT_TOKENS).asLong()).isEqualTo(30);
    assertThat(span.attributes().get("tasktree.llm.time_to_first_token_ms").asDouble())
        .isGreaterThanOrEqualTo(60.0);
    assertThat(span.attributes().get("tasktree.llm.stream").asBoolean()).isTrue();
    assertThat(sink.last().summary().inputTokens()).isEqualTo(120);

    JsonNode body = server.requests("s").getFirst().body();
    assertThat(body.path("stream").asBoolean()).isTrue();
    assertThat(body.path("stream_options").path("include_usage").asBoolean()).isTrue();
  }

  @Test
  void streamedToolCallDeltasAreAccumulated() {
    ToolSpec<Chat> echo =
        ToolSpec.of(
            "echo",
            "Echoes",
            "{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"}}}",
            (chat, args) -> "echo:" + args.path("text").asText());
    server.script(
        "st",
        ScriptedReply.toolCalls(
            ScriptedReply.call("echo", "{\"text\":\"first call\"}"),
            ScriptedReply.call("echo", "{\"text\":\"second\"}")),
        ScriptedReply.text("both echoed"));
    List<StreamEvent> events = new CopyOnWriteArrayList<>();

    Result result =
        Tree.<Chat>named("S")
            .node(
                Llm.chat(LlmModel.of(provider, "st"), Chat::messages).tool(echo).stream(
                    events::add))
            .build()
            .run(new Chat("q"));

    LlmReply reply = (LlmReply) result.data();
    assertThat(reply.text()).isEqualTo("both echoed");
    assertThat(reply.toolExecutions())
        .extracting(ToolExecution::result)
        .containsExactly("echo:first call", "echo:second");
    assertThat(reply.toolExecutions().get(0).call().arguments())
        .isEqualTo("{\"text\":\"first call\"}");
    // one final event per model call
    assertThat(events.stream().filter(StreamEvent::done).map(StreamEvent::finishReason))
        .containsExactly("tool_calls", "stop");
    assertThat(server.requests("st").get(1).body().path("messages").get(2).path("tool_calls"))
        .hasSize(2);
  }

  @Test
  void midStreamDisconnectFailsWithCategoryIoAndTheFinalCallbackCarriesTheError() {
    server.script("cut", ScriptedReply.dropMidStream("This answer will be cut off"));
    List<StreamEvent> events = new CopyOnWriteArrayList<>();

    Result result =
        Tree.<Chat>named("S")
            .node(Llm.chat(LlmModel.of(provider, "cut"), Chat::messages).stream(events::add))
            .build()
            .run(new Chat("q"));

    assertThat(result).isInstanceOf(Result.Fail.class);
    LlmError error = (LlmError) result.data();
    assertThat(error.category()).isEqualTo(LlmError.Category.IO);
    assertThat(error.retryable()).isTrue();
    StreamEvent last = events.getLast();
    assertThat(last.done()).isTrue();
    assertThat(last.error()).isEqualTo(error);
    assertThat(events.stream().filter(StreamEvent::done)).hasSize(1);
  }
}
