package dev.tasktree.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasktree.Result;
import dev.tasktree.RetryPolicy;
import dev.tasktree.Tree;
import dev.tasktree.llm.testing.ScriptedLlmServer;
import dev.tasktree.llm.testing.ScriptedReply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The examples of docs/llm.md, compiled and run against the scripted server. Keep them in sync. */
class DocsExamplesTest {

  // --- docs: "The node" ---
  static final class Chat {
    final List<Message> messages = new ArrayList<>();
    String answer;

    Chat(String question) {
      messages.add(Message.system("Answer in one sentence."));
      messages.add(Message.user(question));
    }

    List<Message> messages() {
      return messages;
    }

    void setAnswer(String answer) {
      this.answer = answer;
    }
  }

  // --- docs: "Tools" ---
  enum Unit {
    CELSIUS,
    FAHRENHEIT
  }

  static final class WeatherTools {
    @Tool("Current temperature in a city")
    String temperature(@Param("City name") String city, Optional<Unit> unit) {
      return "21 " + unit.orElse(Unit.CELSIUS) + " in " + city;
    }
  }

  // --- docs: "Structured output" ---
  record Verdict(@Param("yes or no") boolean approved, String reason, List<String> issues) {}

  @Test
  void everyDocsExampleRuns() {
    try (ScriptedLlmServer server = ScriptedLlmServer.start()) {
      server.script("gpt-a", ScriptedReply.error(500, "down"));
      server.script("gpt-b", ScriptedReply.text("A tree of tasks."));
      server.script(
          "gpt-tools",
          ScriptedReply.toolCalls(ScriptedReply.call("temperature", "{\"city\":\"Oslo\"}")),
          ScriptedReply.text("It is 21 °C in Oslo."));
      server.script(
          "gpt-json", ScriptedReply.json("{\"approved\":true,\"reason\":\"fine\",\"issues\":[]}"));

      // --- docs: "Providers and models" ---
      try (LlmProvider openai =
          LlmProvider.builder("openai")
              .baseUrl(server.baseUrl()) // e.g. "https://api.openai.com/v1"
              .apiKey(() -> "sk-from-your-secret-store")
              .header("OpenAI-Project", "proj_123")
              .timeout(Duration.ofSeconds(30))
              .defaults(LlmParams.defaults().temperature(0.3))
              .build()) {
        LlmModel primary =
            LlmModel.of(openai, "gpt-a").withPrices(Prices.perMillion(2.50, 1.25, 10.00));
        LlmModel backup =
            LlmModel.of(openai, "gpt-b")
                .withPrices(Prices.perMillion(0.15, 0.60))
                .withParams(LlmParams.defaults().maxTokens(300).extra("service_tier", "auto"));

        // --- docs: "The node" ---
        Tree<Chat> answer =
            Tree.<Chat>named("Answer")
                .sequence()
                .selector()
                .timeout(Duration.ofSeconds(20))
                .node(Llm.chat(primary, Chat::messages))
                .retry(RetryPolicy.tries(3).retryIf(LlmError::isTransient))
                .node(Llm.chat(backup, Chat::messages))
                .end()
                .writeBlackboard(LlmReply.text(Chat::setAnswer))
                .end()
                .build();
        Chat chat = new Chat("What is a behavior tree?");
        Result result = answer.run(chat);
        assertThat(result.isOk()).isTrue();
        assertThat(chat.answer).isEqualTo("A tree of tasks.");

        // --- docs: "Errors" ---
        Result failed =
            Tree.<Chat>named("Primary").node(Llm.chat(primary, Chat::messages)).build().run(chat);
        String what =
            switch (failed) {
              case Result.Ok(LlmReply reply) -> reply.text();
              case Result.Fail(LlmError e) when e.category() == LlmError.Category.SERVER_ERROR ->
                  "server trouble: " + e.status();
              case Result.Fail(var other) -> "failed: " + other;
              case Result.Ok(var other) -> "unexpected: " + other;
            };
        assertThat(what).isEqualTo("server trouble: 500");

        // --- docs: "Tools" ---
        LlmModel toolModel = LlmModel.of(openai, "gpt-tools");
        LlmNode<Chat> weather =
            Llm.chat(toolModel, Chat::messages).tools(new WeatherTools()).maxIterations(5);
        LlmReply toolReply =
            (LlmReply)
                Tree.<Chat>named("Weather").node(weather).build().run(new Chat("Oslo?")).data();
        assertThat(toolReply.toolExecutions().getFirst().result()).isEqualTo("21 CELSIUS in Oslo");

        ToolSpec<Chat> lookup =
            ToolSpec.of(
                "lookup",
                "Finds an order by id",
                "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"}},"
                    + "\"required\":[\"id\"]}",
                (Chat c, com.fasterxml.jackson.databind.JsonNode args) ->
                    "order " + args.get("id").asText() + " shipped");
        assertThat(Llm.chat(toolModel, Chat::messages).tool(lookup)).isNotNull();

        // --- docs: "Streaming" ---
        StringBuilder screen = new StringBuilder();
        LlmNode<Chat> streaming =
            Llm.chat(backup, Chat::messages).stream(
                event -> {
                  if (event.error() != null) {
                    screen.append("\n[error: ").append(event.error().category()).append(']');
                  } else {
                    screen.append(event.delta());
                  }
                });
        Tree.<Chat>named("Stream").node(streaming).build().run(new Chat("q"));
        assertThat(screen.toString()).isEqualTo("A tree of tasks.");

        // --- docs: "Structured output" ---
        LlmNode<Chat> review =
            Llm.<Chat>prompt(LlmModel.of(openai, "gpt-json"), "You review diffs.", c -> "diff...")
                .outputAs(Verdict.class);
        LlmReply verdict =
            (LlmReply) Tree.<Chat>named("Review").node(review).build().run(new Chat("q")).data();
        assertThat(verdict.parsed(Verdict.class).approved()).isTrue();
      }
    }
  }
}
