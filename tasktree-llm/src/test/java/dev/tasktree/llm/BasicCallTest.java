package dev.tasktree.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasktree.Result;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import dev.tasktree.llm.testing.RecordedRequest;
import dev.tasktree.llm.testing.ScriptedReply;
import dev.tasktree.trace.Attributes;
import dev.tasktree.trace.InMemoryTraceSink;
import dev.tasktree.trace.Span;
import dev.tasktree.trace.Trace;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BasicCallTest extends ScriptedServerTest {

  static LlmProvider configured;

  /** A provider with a key, an extra header and default parameters. */
  @BeforeAll
  static void configure() {
    configured =
        LlmProvider.builder("local")
            .baseUrl(server.baseUrl())
            .apiKey("sk-test")
            .header("X-Team", "search")
            .defaults(LlmParams.defaults().temperature(0.9).maxTokens(100).extra("user", "p"))
            .build();
  }

  @AfterAll
  static void closeConfigured() {
    configured.close();
  }

  @Test
  void textReplyBecomesOkWithUsageCostAndTrace() {
    server.script("m1", ScriptedReply.text("A tree of tasks.").usage(1000, 200, 50, 10));
    LlmModel model = LlmModel.of(configured, "m1").withPrices(Prices.perMillion(2.0, 1.0, 8.0));
    InMemoryTraceSink sink = new InMemoryTraceSink();
    Tree<Chat> tree =
        Tree.<Chat>named("Ask")
            .sequence()
            .node(Llm.chat(model, Chat::messages))
            .writeBlackboard(LlmReply.text(Chat::setAnswer))
            .end()
            .build();
    Chat chat = new Chat("What is a behavior tree?");

    Result result = tree.run(chat, RunOptions.defaults().withTraceSink(sink));

    assertThat(result.isOk()).isTrue();
    assertThat(chat.answer).isEqualTo("A tree of tasks.");
    Trace trace = sink.last();
    Span llm = trace.spansOfKind("Llm").getFirst();
    assertThat(llm.name()).isEqualTo("m1");
    JsonNode data = llm.data();
    assertThat(data.path("text").asText()).isEqualTo("A tree of tasks.");
    assertThat(data.path("finishReason").asText()).isEqualTo("stop");
    assertThat(data.path("usage").path("cachedInputTokens").asLong()).isEqualTo(200);
    assertThat(data.path("usage").path("reasoningTokens").asLong()).isEqualTo(10);
    // (800 uncached * 2 + 200 cached * 1 + 50 * 8) / 1e6
    double cost = (800 * 2.0 + 200 * 1.0 + 50 * 8.0) / 1_000_000;
    assertThat(data.path("costUsd").asDouble())
        .isCloseTo(cost, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(llm.attributes().get(Attributes.REQUEST_MODEL).asText()).isEqualTo("m1");
    assertThat(llm.attributes().get(Attributes.RESPONSE_MODEL).asText()).isEqualTo("m1");
    assertThat(llm.attributes().get(Attributes.INPUT_TOKENS).asLong()).isEqualTo(1000);
    assertThat(llm.attributes().get(Attributes.OUTPUT_TOKENS).asLong()).isEqualTo(50);
    assertThat(llm.attributes().get(Attributes.COST_USD).asDouble())
        .isCloseTo(cost, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(llm.attributes().get("gen_ai.input.messages")).hasSize(2);
    assertThat(llm.attributes().get("gen_ai.output.messages").get(0).path("content").asText())
        .isEqualTo("A tree of tasks.");
    assertThat(trace.summary().inputTokens()).isEqualTo(1000);
    assertThat(trace.summary().outputTokens()).isEqualTo(50);
    assertThat(trace.summary().costUsd())
        .isCloseTo(cost, org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void settingsMergeProviderThenModelThenNodeIntoTheRequestBody() {
    server.script("m2", ScriptedReply.text("ok"));
    LlmModel model =
        LlmModel.of(configured, "m2")
            .withParams(LlmParams.defaults().temperature(0.5).seed(7).extra("store", false));
    LlmNode<Chat> node =
        Llm.chat(model, Chat::messages)
            .params(LlmParams.defaults().maxTokens(42).stop("END").extra("user", "node"));

    Result result = Tree.<Chat>named("T").node(node).build().run(new Chat("hi"));

    assertThat(result.isOk()).isTrue();
    RecordedRequest request = server.requests("m2").getFirst();
    JsonNode body = request.body();
    assertThat(body.path("model").asText()).isEqualTo("m2");
    assertThat(body.path("temperature").asDouble()).isEqualTo(0.5); // model over provider
    assertThat(body.path("max_completion_tokens").asInt()).isEqualTo(42); // node over provider
    assertThat(body.path("seed").asLong()).isEqualTo(7);
    assertThat(body.path("stop").get(0).asText()).isEqualTo("END");
    assertThat(body.path("store").asBoolean(true)).isFalse();
    assertThat(body.path("user").asText()).isEqualTo("node"); // extra body merged key by key
    assertThat(body.has("stream")).isFalse();
    assertThat(body.has("tools")).isFalse();
    assertThat(body.path("messages").get(0).path("role").asText()).isEqualTo("system");
    assertThat(body.path("messages").get(1).path("content").asText()).isEqualTo("hi");
    assertThat(request.header("authorization")).isEqualTo("Bearer sk-test");
    assertThat(request.header("x-team")).isEqualTo("search");
  }

  @Test
  void modelChosenPerRunAndPromptTemplateFromBlackboard() {
    server.script("small", ScriptedReply.text("from small"));
    server.script("big", ScriptedReply.text("from big"));
    LlmModel small = LlmModel.of(configured, "small");
    LlmModel big = LlmModel.of(configured, "big");
    LlmNode<Chat> pick = Llm.<Chat>chat(c -> c.topic().length() > 5 ? big : small, Chat::messages);
    Tree<Chat> tree = Tree.<Chat>named("Pick").node(pick).build();

    assertThat(((LlmReply) tree.run(new Chat("abc", "q")).data()).text()).isEqualTo("from small");
    assertThat(((LlmReply) tree.run(new Chat("abcdefgh", "q")).data()).text())
        .isEqualTo("from big");

    Tree<Chat> prompted =
        Tree.<Chat>named("Prompt")
            .node(Llm.prompt(small, "You explain.", "Explain {{topic}} in one line."))
            .build();
    assertThat(prompted.run(new Chat("behavior trees", "ignored")).isOk()).isTrue();
    JsonNode messages = server.requests("small").getLast().body().path("messages");
    assertThat(messages.get(0).path("content").asText()).isEqualTo("You explain.");
    assertThat(messages.get(1).path("content").asText())
        .isEqualTo("Explain behavior trees in one line.");
  }

  @Test
  void missingTemplatePropertyFailsWithItsName() {
    LlmModel small = LlmModel.of(configured, "small");
    Result result =
        Tree.<Chat>named("Prompt")
            .node(Llm.prompt(small, "", "Hi {{nope}}"))
            .build()
            .run(new Chat("q"));
    assertThat(result.isOk()).isFalse();
    assertThat(((Exception) result.data()).getMessage()).contains("{{nope}}", "no property 'nope'");
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void oneSdkClientPerProviderSharedAcrossNodesAndThreads() throws Exception {
    server.script("m3", ScriptedReply.text("x"));
    LlmModel model = LlmModel.of(configured, "m3");
    var client = configured.sdkClient();
    Tree<Chat> tree =
        Tree.<Chat>named("P")
            .parallel()
            .node(Llm.chat(model, Chat::messages))
            .node(Llm.chat(model, Chat::messages))
            .end()
            .build();
    assertThat(tree.run(new Chat("q")).isOk()).isTrue();
    assertThat(configured.sdkClient()).isSameAs(client);
    assertThat(server.requests("m3")).hasSize(2);
    assertThat(List.of(LlmModel.of(configured, "a").provider().sdkClient()))
        .containsExactly(client);
  }
}
