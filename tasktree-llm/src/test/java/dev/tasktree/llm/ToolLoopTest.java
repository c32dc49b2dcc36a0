package dev.tasktree.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasktree.Result;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import dev.tasktree.llm.testing.ScriptedReply;
import dev.tasktree.trace.InMemoryTraceSink;
import dev.tasktree.trace.Span;
import dev.tasktree.trace.Status;
import dev.tasktree.trace.Trace;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ToolLoopTest extends ScriptedServerTest {

  enum Unit {
    CELSIUS,
    FAHRENHEIT
  }

  record Place(String city, @Param("ISO country code") String country) {}

  static final class Weather {
    @Tool("Current temperature at a place")
    String temperature(@Param("Where") Place place, Optional<Unit> unit) {
      return place.city() + ": 21 " + unit.orElse(Unit.CELSIUS);
    }

    @Tool(name = "forecast", value = "Forecast for the next days")
    Map<String, Integer> forecastDays(String city, int days, List<String> fields) {
      return new java.util.TreeMap<>(Map.of("days", days, "fields", fields.size()));
    }

    @Tool("Always breaks")
    String broken(String why) {
      throw new IllegalStateException("sensor offline: " + why);
    }
  }

  private LlmNode<Chat> node(String model) {
    return Llm.chat(LlmModel.of(provider, model), Chat::messages).tools(new Weather());
  }

  @Test
  void annotatedMethodsBecomeToolSchemasInTheRequest() {
    server.script("schema", ScriptedReply.text("no tools needed"));
    Tree.<Chat>named("T").node(node("schema")).build().run(new Chat("q"));

    JsonNode tools = server.requests("schema").getFirst().body().path("tools");
    assertThat(tools).hasSize(3);
    JsonNode temperature = tools.get(2).path("function");
    assertThat(tools.get(2).path("type").asText()).isEqualTo("function");
    assertThat(temperature.path("name").asText()).isEqualTo("temperature");
    assertThat(temperature.path("description").asText())
        .isEqualTo("Current temperature at a place");
    JsonNode params = temperature.path("parameters");
    assertThat(params.path("type").asText()).isEqualTo("object");
    assertThat(params.path("required")).extracting(JsonNode::asText).containsExactly("place");
    JsonNode place = params.path("properties").path("place");
    assertThat(place.path("description").asText()).isEqualTo("Where");
    assertThat(place.path("properties").path("country").path("description").asText())
        .isEqualTo("ISO country code");
    assertThat(place.path("required")).hasSize(2);
    assertThat(params.path("properties").path("unit").path("enum"))
        .extracting(JsonNode::asText)
        .containsExactly("CELSIUS", "FAHRENHEIT");
    JsonNode forecast = tools.get(1).path("function");
    assertThat(forecast.path("name").asText()).isEqualTo("forecast");
    JsonNode fp = forecast.path("parameters").path("properties");
    assertThat(fp.path("days").path("type").asText()).isEqualTo("integer");
    assertThat(fp.path("fields").path("type").asText()).isEqualTo("array");
    assertThat(fp.path("fields").path("items").path("type").asText()).isEqualTo("string");
  }

  @Test
  void twoToolsOverTwoIterationsThenAnswer() {
    server.script(
        "loop",
        ScriptedReply.toolCalls(
            ScriptedReply.call(
                "temperature", "{\"place\":{\"city\":\"Oslo\",\"country\":\"NO\"}}")),
        ScriptedReply.toolCalls(
            ScriptedReply.call("forecast", "{\"city\":\"Oslo\",\"days\":3,\"fields\":[\"rain\"]}")),
        ScriptedReply.text("Mild, some rain."));
    InMemoryTraceSink sink = new InMemoryTraceSink();

    Result result =
        Tree.<Chat>named("T")
            .node(node("loop"))
            .build()
            .run(new Chat("weather?"), RunOptions.defaults().withTraceSink(sink));

    LlmReply reply = (LlmReply) result.data();
    assertThat(reply.text()).isEqualTo("Mild, some rain.");
    assertThat(reply.iterations()).isEqualTo(3);
    assertThat(reply.toolExecutions())
        .extracting(
            e -> e.call().name(),
            ToolExecution::result,
            ToolExecution::ok,
            ToolExecution::iteration)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("temperature", "Oslo: 21 CELSIUS", true, 1),
            org.assertj.core.groups.Tuple.tuple("forecast", "{\"days\":3,\"fields\":1}", true, 2));
    assertThat(reply.messages())
        .extracting(Message::role)
        .containsExactly("assistant", "tool", "assistant", "tool", "assistant");
    // the second request carries the first tool call and its result
    JsonNode second = server.requests("loop").get(1).body().path("messages");
    assertThat(second).hasSize(4);
    assertThat(second.get(2).path("tool_calls").get(0).path("function").path("name").asText())
        .isEqualTo("temperature");
    assertThat(second.get(3).path("role").asText()).isEqualTo("tool");
    assertThat(second.get(3).path("tool_call_id").asText())
        .isEqualTo(second.get(2).path("tool_calls").get(0).path("id").asText());
    assertThat(second.get(3).path("content").asText()).isEqualTo("Oslo: 21 CELSIUS");
    assertThat(server.requests("loop").get(2).body().path("messages")).hasSize(6);

    Trace trace = sink.last();
    Span llm = trace.spansOfKind("Llm").getFirst();
    List<Span> toolSpans = trace.spansOfKind("Tool");
    assertThat(toolSpans).extracting(Span::name).containsExactly("temperature", "forecast");
    assertThat(toolSpans).allSatisfy(s -> assertThat(s.parentId()).isEqualTo(llm.spanId()));
    assertThat(toolSpans.getFirst().attributes().get("gen_ai.tool.call.result").asText())
        .isEqualTo("Oslo: 21 CELSIUS");
    assertThat(llm.attributes().get("tasktree.llm.iterations").asInt()).isEqualTo(3);
    assertThat(llm.attributes().get("gen_ai.tool.definitions")).hasSize(3);
    assertThat(llm.attributes().get("tasktree.llm.calls")).hasSize(3);
  }

  @Test
  void toolCallsOfOneTurnRunConcurrently() {
    CountDownLatch bothStarted = new CountDownLatch(2);
    ToolSpec<Chat> rendezvous =
        ToolSpec.of(
            "rendezvous",
            "Waits for its twin",
            "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}},\"required\":[\"n\"]}",
            (chat, args) -> {
              bothStarted.countDown();
              // only returns true when the other call runs at the same time
              return bothStarted.await(5, TimeUnit.SECONDS) ? "met " + args.get("n") : "alone";
            });
    server.script(
        "pair",
        ScriptedReply.toolCalls(
            ScriptedReply.call("rendezvous", "{\"n\":1}"),
            ScriptedReply.call("rendezvous", "{\"n\":2}")),
        ScriptedReply.text("done"));
    InMemoryTraceSink sink = new InMemoryTraceSink();

    Result result =
        Tree.<Chat>named("T")
            .node(Llm.chat(LlmModel.of(provider, "pair"), Chat::messages).tool(rendezvous))
            .build()
            .run(new Chat("q"), RunOptions.defaults().withTraceSink(sink));

    LlmReply reply = (LlmReply) result.data();
    assertThat(reply.toolExecutions())
        .extracting(ToolExecution::result)
        .containsExactly("met 1", "met 2");
    assertThat(sink.last().spansOfKind("Tool"))
        .hasSize(2)
        .allSatisfy(s -> assertThat(s.status()).isEqualTo(Status.OK));
  }

  @Test
  void unknownToolBadArgumentsAndThrowingToolGoBackToTheModel() {
    server.script(
        "mess",
        ScriptedReply.toolCalls(
            ScriptedReply.call("teleport", "{}"),
            ScriptedReply.call("forecast", "{\"city\": \"Oslo\", days: }"),
            ScriptedReply.call("forecast", "{\"city\":\"Oslo\",\"days\":\"three\",\"fields\":[]}"),
            ScriptedReply.call("broken", "{\"why\":\"rain\"}")),
        ScriptedReply.text("I could not get the weather."));
    InMemoryTraceSink sink = new InMemoryTraceSink();

    Result result =
        Tree.<Chat>named("T")
            .node(node("mess"))
            .build()
            .run(new Chat("q"), RunOptions.defaults().withTraceSink(sink));

    assertThat(result.isOk()).isTrue();
    LlmReply reply = (LlmReply) result.data();
    assertThat(reply.toolExecutions()).noneMatch(ToolExecution::ok);
    List<String> results = reply.toolExecutions().stream().map(ToolExecution::result).toList();
    assertThat(results.get(0)).contains("unknown tool 'teleport'", "broken, forecast, temperature");
    assertThat(results.get(1)).contains("not valid JSON");
    assertThat(results.get(2)).contains("$.days: expected integer, got string");
    assertThat(results.get(3)).contains("IllegalStateException", "sensor offline: rain");
    JsonNode toolMessages = server.requests("mess").get(1).body().path("messages");
    assertThat(toolMessages.get(3).path("content").asText()).isEqualTo(results.get(0));
    assertThat(toolMessages.get(6).path("content").asText()).isEqualTo(results.get(3));
    List<Span> spans = sink.last().spansOfKind("Tool");
    assertThat(spans).hasSize(4).allSatisfy(s -> assertThat(s.status()).isEqualTo(Status.FAIL));
    Span broken = spans.stream().filter(s -> s.name().equals("broken")).findFirst().orElseThrow();
    assertThat(broken.error().message()).isEqualTo("sensor offline: rain");
  }

  @Test
  void exceedingMaxIterationsFailsTheNode() {
    server.script(
        "forever",
        ScriptedReply.toolCalls(
            ScriptedReply.call("forecast", "{\"city\":\"Oslo\",\"days\":1,\"fields\":[]}")));

    Result result =
        Tree.<Chat>named("T").node(node("forever").maxIterations(3)).build().run(new Chat("q"));

    assertThat(result).isInstanceOf(Result.Fail.class);
    LlmError error = (LlmError) result.data();
    assertThat(error.category()).isEqualTo(LlmError.Category.MAX_ITERATIONS);
    assertThat(error.message()).contains("3 model calls");
    assertThat(server.requests("forever")).hasSize(3);
  }

  @Test
  void defaultMaxIterationsIsTen() {
    server.script(
        "forever",
        ScriptedReply.toolCalls(
            ScriptedReply.call("forecast", "{\"city\":\"Oslo\",\"days\":1,\"fields\":[]}")));
    Result result = Tree.<Chat>named("T").node(node("forever")).build().run(new Chat("q"));
    assertThat(((LlmError) result.data()).category()).isEqualTo(LlmError.Category.MAX_ITERATIONS);
    assertThat(server.requests("forever")).hasSize(10);
  }

  @Test
  void badToolDefinitionsAreRejectedUpFront() {
    assertThatThrownBy(() -> ToolSpec.fromObject(new Object()))
        .hasMessageContaining("has no @Tool methods");
    Object badType =
        new Object() {
          @Tool("x")
          String take(Thread thread) {
            return "";
          }
        };
    assertThatThrownBy(() -> ToolSpec.fromObject(badType)).hasMessageContaining("unsupported type");
    assertThatThrownBy(() -> ToolSpec.of("bad name!", "d", "{}", (b, a) -> ""))
        .hasMessageContaining("tool name");
    assertThatThrownBy(
            () ->
                Llm.chat(LlmModel.of(provider, "m"), Chat::messages)
                    .tools(new Weather(), new Weather()))
        .hasMessageContaining("two tools are named");
  }
}
