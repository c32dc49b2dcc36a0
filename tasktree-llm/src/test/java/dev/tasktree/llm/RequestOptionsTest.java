package dev.tasktree.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasktree.Result;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import dev.tasktree.llm.testing.ScriptedReply;
import dev.tasktree.trace.InMemoryTraceSink;
import dev.tasktree.trace.TraceJson;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The typed request options, several choices, per-run tools, message callbacks, image parts. */
class RequestOptionsTest extends ScriptedServerTest {

  private static final ToolSpec<Chat> ECHO =
      ToolSpec.of("echo", "Echo", "{\"type\":\"object\"}", (chat, args) -> "echoed");

  private Result run(LlmNode<Chat> node, Chat chat) {
    return Tree.<Chat>named("O").node(node).build().run(chat);
  }

  private LlmNode<Chat> node(String model) {
    return Llm.chat(LlmModel.of(provider, model), Chat::messages);
  }

  @Test
  void toolChoiceAndParallelToolCallsAreSent() {
    server.script("m", ScriptedReply.text("ok"));
    run(
        node("m").tool(ECHO).toolChoice(ToolChoice.REQUIRED).parallelToolCalls(false),
        new Chat("q"));
    run(node("m").tool(ECHO).toolChoice(ToolChoice.named("echo")), new Chat("q"));
    run(node("m").tool(ECHO).toolChoice(ToolChoice.NONE), new Chat("q"));
    run(node("m"), new Chat("q"));

    List<JsonNode> bodies = server.requests("m").stream().map(r -> r.body()).toList();
    assertThat(bodies.get(0).path("tool_choice").asText()).isEqualTo("required");
    assertThat(bodies.get(0).path("parallel_tool_calls").asBoolean(true)).isFalse();
    assertThat(bodies.get(1).path("tool_choice").path("type").asText()).isEqualTo("function");
    assertThat(bodies.get(1).path("tool_choice").path("function").path("name").asText())
        .isEqualTo("echo");
    assertThat(bodies.get(2).path("tool_choice").asText()).isEqualTo("none");
    assertThat(bodies.get(3).has("tool_choice")).isFalse();
    assertThat(bodies.get(3).has("parallel_tool_calls")).isFalse();
  }

  @Test
  void severalChoicesAreAllInTheReply() {
    server.script("n", ScriptedReply.choices("one", "two", "three"));
    for (boolean stream : new boolean[] {false, true}) {
      LlmNode<Chat> node = node("n").choices(3);
      LlmReply reply = (LlmReply) run(stream ? node.stream() : node, new Chat("q")).data();
      assertThat(reply.text()).as("stream=" + stream).isEqualTo("one");
      assertThat(reply.choices()).containsExactly("one", "two", "three");
    }
    assertThat(server.requests("n"))
        .allSatisfy(r -> assertThat(r.body().path("n").asInt()).isEqualTo(3));
  }

  @Test
  void toolsChosenPerRunAndACallbackPerMessage() {
    server.script(
        "t", ScriptedReply.toolCalls(ScriptedReply.call("echo", "{}")), ScriptedReply.text("done"));
    List<String> seen = new CopyOnWriteArrayList<>();
    LlmNode<Chat> node =
        node("t")
            .toolsFrom(chat -> chat.topic().equals("admin") ? List.of(ECHO) : List.of())
            .onMessage((chat, message) -> seen.add(message.role() + ":" + message.content()));

    LlmReply admin = (LlmReply) run(node, new Chat("admin", "q")).data();
    server.reset();
    server.script("t", ScriptedReply.text("no tools"));
    run(node, new Chat("guest", "q"));

    assertThat(admin.toolExecutions()).extracting(ToolExecution::ok).containsExactly(true);
    assertThat(seen)
        .containsExactly("assistant:null", "tool:echoed", "assistant:done", "assistant:no tools");
    assertThat(server.requests("t").getFirst().body().has("tools")).isFalse();
  }

  @Test
  void toolCallDeltasReachTheStreamListener() {
    server.script(
        "d",
        ScriptedReply.toolCalls(ScriptedReply.call("echo", "{\"a\":1}")),
        ScriptedReply.text("done"));
    List<StreamEvent> events = new CopyOnWriteArrayList<>();
    run(node("d").tool(ECHO).stream(events::add), new Chat("q"));

    List<StreamEvent.ToolCallDelta> deltas =
        events.stream().map(StreamEvent::toolCallDelta).filter(d -> d != null).toList();
    assertThat(deltas.getFirst().name()).isEqualTo("echo");
    assertThat(deltas.getFirst().id()).isNotNull();
    assertThat(
            String.join(
                "", deltas.stream().map(StreamEvent.ToolCallDelta::argumentsDelta).toList()))
        .isEqualTo("{\"a\":1}");
  }

  @Test
  void imagePartsAreSentButTheTraceHoldsOnlyASizeMarker() {
    server.script("v", ScriptedReply.text("a cat"));
    byte[] png = new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3, 4, 5, 6};
    String bytesBase64 = java.util.Base64.getEncoder().encodeToString(png);
    InMemoryTraceSink sink = new InMemoryTraceSink();
    Tree.<Chat>named("V")
        .node(
            Llm.chat(
                LlmModel.of(provider, "v"),
                (Chat c) ->
                    List.of(
                        Message.user(
                            ContentPart.text("What is this?"),
                            ContentPart.image("image/png", png),
                            ContentPart.imageUrl("https://example.test/cat.jpg")))))
        .build()
        .run(new Chat("q"), RunOptions.defaults().withTraceSink(sink));

    JsonNode content =
        server.requests("v").getFirst().body().path("messages").get(0).path("content");
    assertThat(content).hasSize(3);
    assertThat(content.get(0).path("text").asText()).isEqualTo("What is this?");
    assertThat(content.get(1).path("image_url").path("url").asText())
        .isEqualTo("data:image/png;base64," + bytesBase64);
    assertThat(content.get(2).path("image_url").path("url").asText())
        .isEqualTo("https://example.test/cat.jpg");
    String trace =
        TraceJson.newMapper()
            .valueToTree(sink.last().spansOfKind("Llm").getFirst().attributes())
            .toString();
    assertThat(trace).doesNotContain(bytesBase64).contains("image/png, 10 bytes", "cat.jpg");
  }
}
