package dev.tasktree.otel;

import static dev.tasktree.otel.OtlpReceiver.attributes;
import static dev.tasktree.otel.OtlpReceiver.id;
import static dev.tasktree.otel.OtlpReceiver.parentId;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasktree.Result;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import dev.tasktree.llm.Llm;
import dev.tasktree.llm.LlmModel;
import dev.tasktree.llm.LlmProvider;
import dev.tasktree.llm.Message;
import dev.tasktree.llm.Prices;
import dev.tasktree.llm.Tool;
import dev.tasktree.llm.testing.ScriptedLlmServer;
import dev.tasktree.llm.testing.ScriptedReply;
import dev.tasktree.trace.InMemoryTraceSink;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * LLM and tool spans follow the GenAI semantic conventions; message content leaves the process only
 * when the user opted in; the API key never does.
 */
class GenAiSpansTest {

  static final String API_KEY = "sk-live-DO-NOT-EXPORT-4242";
  static final String PROMPT = "What is the weather in Paris today?";
  static final String TOOL_RESULT = "Paris: 21 C, sunny";
  static final String ANSWER = "It is sunny and 21 degrees in Paris.";

  static final class Chat {
    final List<Message> messages =
        new ArrayList<>(List.of(Message.system("Be brief."), Message.user(PROMPT)));

    List<Message> messages() {
      return messages;
    }
  }

  static final class Weather {
    @Tool("Current weather in a city")
    String weather(String city) {
      return TOOL_RESULT;
    }
  }

  abstract static class Scenario extends OtelTestSupport {
    ScriptedLlmServer llm;
    LlmProvider provider;

    @BeforeEach
    void startLlm() {
      llm = ScriptedLlmServer.start();
      provider = LlmProvider.builder("openai").baseUrl(llm.baseUrl()).apiKey(API_KEY).build();
    }

    @AfterEach
    void stopLlm() {
      provider.close();
      llm.close();
    }

    List<Span> runToolAgent() {
      llm.script(
          "gpt-test",
          ScriptedReply.toolCalls(ScriptedReply.call("weather", "{\"city\":\"Paris\"}"))
              .usage(30, 8),
          ScriptedReply.text(ANSWER).usage(50, 20, 12, 4));
      LlmModel model = LlmModel.of(provider, "gpt-test").withPrices(Prices.perMillion(1.0, 2.0));
      Tree<Chat> tree =
          Tree.<Chat>named("Agent")
              .node(
                  Llm.chat(model, Chat::messages)
                      .named("ask")
                      .temperature(0.2)
                      .maxTokens(300)
                      .tools(new Weather()))
              .build();
      InMemoryTraceSink traces = new InMemoryTraceSink();
      Result result =
          tree.run(new Chat(), otel.applyTo(RunOptions.defaults().withTraceSink(traces)));
      assertThat(result.isOk()).as(String.valueOf(result.data())).isTrue();
      String w3c = w3cTraceId(traces, traces.last().summary().traceId());
      int count = traces.last().roots().getFirst().flatten().toList().size();
      return awaitTrace(w3c, count);
    }
  }

  @Nested
  class ByDefault extends Scenario {

    @Test
    void theModelCallIsAGenAiClientSpanWithUsageAndNoContent() {
      long t0 = System.nanoTime();
      List<Span> spans = runToolAgent();
      Span chat = named(spans, "chat gpt-test");
      assertThat(chat.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
      Map<String, Object> attrs = attributes(chat);
      assertThat(attrs)
          .containsEntry("gen_ai.operation.name", "chat")
          .containsEntry("gen_ai.provider.name", "openai")
          .containsEntry("gen_ai.request.model", "gpt-test")
          .containsEntry("gen_ai.request.temperature", 0.2)
          .containsEntry("gen_ai.request.max_tokens", 300L)
          .containsEntry("gen_ai.usage.input_tokens", 80L)
          .containsEntry("gen_ai.usage.output_tokens", 20L)
          .containsEntry("gen_ai.usage.cache_read.input_tokens", 20L)
          .containsEntry("gen_ai.usage.reasoning.output_tokens", 4L)
          .containsEntry("gen_ai.response.finish_reasons", List.of("stop"))
          .containsEntry("server.address", "127.0.0.1")
          .containsEntry("server.port", (long) llm.port())
          .containsEntry("tasktree.node.name", "ask")
          .containsEntry("tasktree.node.kind", "Llm");
      assertThat(attrs).containsKey("gen_ai.response.model");
      assertThat((Double) attrs.get("tasktree.cost_usd")).isPositive();
      assertThat(attrs)
          .doesNotContainKeys(
              "gen_ai.input.messages",
              "gen_ai.output.messages",
              "gen_ai.tool.definitions",
              "tasktree.llm.params",
              "tasktree.llm.base_url",
              "tasktree.data");

      Span tool = named(spans, "execute_tool weather");
      assertThat(parentId(tool)).isEqualTo(id(chat));
      assertThat(attributes(tool))
          .containsEntry("gen_ai.operation.name", "execute_tool")
          .containsEntry("gen_ai.tool.name", "weather")
          .containsKey("gen_ai.tool.call.id")
          .doesNotContainKeys("gen_ai.tool.call.arguments", "gen_ai.tool.call.result");

      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(60))
          .until(
              () -> {
                otel.flush(java.time.Duration.ofSeconds(5));
                return receiver.metrics().stream()
                    .anyMatch(m -> m.getName().equals("tasktree.llm.cost"));
              });
      var metrics = receiver.metrics();
      var calls =
          metrics.stream().filter(m -> m.getName().equals("tasktree.llm.calls")).toList().getLast();
      assertThat(calls.getSum().getDataPointsList())
          .singleElement()
          .satisfies(
              p -> {
                assertThat(p.getAsInt()).isEqualTo(2); // two model calls in the tool loop
                assertThat(OtlpReceiver.attributes(p.getAttributesList()))
                    .containsEntry("gen_ai.request.model", "gpt-test")
                    .containsEntry("gen_ai.provider.name", "openai")
                    .containsEntry("tasktree.llm.status_category", "ok");
              });
      var tokens =
          metrics.stream()
              .filter(m -> m.getName().equals("gen_ai.client.token.usage"))
              .toList()
              .getLast();
      assertThat(tokens.getHistogram().getDataPointsList())
          .extracting(
              p ->
                  OtlpReceiver.attributes(p.getAttributesList()).get("gen_ai.token.type")
                      + "="
                      + (long) p.getSum())
          .containsExactlyInAnyOrder("input=80", "output=20");
      var cost =
          metrics.stream().filter(m -> m.getName().equals("tasktree.llm.cost")).toList().getLast();
      assertThat(cost.getSum().getDataPoints(0).getAsDouble())
          .isCloseTo((80 * 1.0 + 20 * 2.0) / 1e6, org.assertj.core.data.Offset.offset(1e-5));
      assertThat(metrics.stream().map(m -> m.getName()))
          .contains("gen_ai.client.operation.duration", "tasktree.llm.tokens");

      assertThat(receiver.anyBodyContains(PROMPT)).isFalse();
      assertThat(receiver.anyBodyContains(TOOL_RESULT)).isFalse();
      assertThat(receiver.anyBodyContains(ANSWER)).isFalse();
      assertThat(receiver.anyBodyContains(API_KEY)).isFalse();
    }
  }

  @Nested
  class WithContentCapture extends Scenario {

    @Override
    TaskTreeOtel.Builder configure(TaskTreeOtel.Builder builder) {
      return builder.captureContent(true);
    }

    @Test
    void messagesToolArgumentsAndResultsArriveInTheConventionShapesButNeverTheKey()
        throws Exception {
      List<Span> spans = runToolAgent();
      Map<String, Object> chat = attributes(named(spans, "chat gpt-test"));
      JsonNode input =
          new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree((String) chat.get("gen_ai.input.messages"));
      assertThat(input).hasSize(2);
      assertThat(input.get(1).path("role").asText()).isEqualTo("user");
      assertThat(input.get(1).path("parts").get(0).path("type").asText()).isEqualTo("text");
      assertThat(input.get(1).path("parts").get(0).path("content").asText()).isEqualTo(PROMPT);
      JsonNode output =
          new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree((String) chat.get("gen_ai.output.messages"));
      assertThat(output).hasSize(1);
      assertThat(output.get(0).path("role").asText()).isEqualTo("assistant");
      assertThat(output.get(0).path("parts").get(0).path("content").asText()).isEqualTo(ANSWER);
      assertThat(output.get(0).path("finish_reason").asText()).isEqualTo("stop");
      JsonNode tools =
          new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree((String) chat.get("gen_ai.tool.definitions"));
      assertThat(tools.toString()).contains("weather");

      Map<String, Object> tool = attributes(named(spans, "execute_tool weather"));
      assertThat(
              new com.fasterxml.jackson.databind.ObjectMapper()
                  .readTree((String) tool.get("gen_ai.tool.call.arguments"))
                  .path("city")
                  .asText())
          .isEqualTo("Paris");
      assertThat(tool).containsEntry("gen_ai.tool.call.result", TOOL_RESULT);
      assertThat(receiver.anyBodyContains(API_KEY)).isFalse();
    }
  }
}
