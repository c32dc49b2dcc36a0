package dev.tasktree.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasktree.Result;
import dev.tasktree.Tree;
import dev.tasktree.llm.testing.ScriptedReply;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** outputAs takes generic types; schemas come from victools; json_object mode. */
class GenericOutputTest extends ScriptedServerTest {

  record Contact(@Param("Full name") String name, Optional<String> email) {}

  private Result run(LlmNode<Chat> node) {
    return Tree.<Chat>named("G").node(node).build().run(new Chat("q"));
  }

  private LlmNode<Chat> node(String model) {
    return Llm.chat(LlmModel.of(provider, model), Chat::messages);
  }

  @Test
  void aListOfRecordsIsAskedForWrappedAndParsedIntoTheList() {
    server.script(
        "wrapped",
        ScriptedReply.json(
            "{\"value\":[{\"name\":\"Ada\",\"email\":\"ada@x\"},{\"name\":\"Bo\"}]}"));
    server.script("bare", ScriptedReply.json("[{\"name\":\"Cy\",\"email\":null}]"));

    Result wrapped = run(node("wrapped").outputAs(new TypeToken<List<Contact>>() {}));
    Result bare = run(node("bare").outputAs(new TypeToken<List<Contact>>() {}));

    assertThat(((LlmReply) wrapped.data()).parsed())
        .isEqualTo(
            List.of(new Contact("Ada", Optional.of("ada@x")), new Contact("Bo", Optional.empty())));
    assertThat(((LlmReply) bare.data()).parsed())
        .isEqualTo(List.of(new Contact("Cy", Optional.empty())));
    JsonNode format = server.requests("wrapped").getFirst().body().path("response_format");
    JsonNode schema = format.path("json_schema").path("schema");
    assertThat(schema.path("type").asText()).isEqualTo("object");
    JsonNode items = schema.path("properties").path("value").path("items");
    assertThat(items.path("properties").path("name").path("description").asText())
        .isEqualTo("Full name");
    assertThat(format.path("json_schema").path("strict").asBoolean()).isTrue();
    assertThat(format.path("json_schema").path("name").asText()).isEqualTo("List");
  }

  @Test
  void aMapAndAnItemThatDoesNotFitAreReportedWithPaths() {
    server.script("bad", ScriptedReply.json("{\"value\":[{\"name\":3}]}"));
    server.script("map", ScriptedReply.json("{\"a\":1,\"b\":2}"));

    LlmError error = (LlmError) run(node("bad").outputAs(new TypeToken<List<Contact>>() {})).data();
    Result map = run(node("map").outputAs(new TypeToken<Map<String, Integer>>() {}));

    assertThat(error.category()).isEqualTo(LlmError.Category.OUTPUT_PARSE);
    assertThat(error.message()).contains("does not fit List<Contact>", "$[0].name");
    assertThat(((LlmReply) map.data()).parsed()).isEqualTo(Map.of("a", 1, "b", 2));
    assertThat(
            server
                .requests("map")
                .getFirst()
                .body()
                .path("response_format")
                .path("json_schema")
                .path("strict")
                .asBoolean())
        .isFalse();
  }

  @Test
  void jsonObjectModeAsksForAnyObject() {
    server.script("obj", ScriptedReply.json("{\"anything\":[1,2]}"));
    server.script("notObj", ScriptedReply.json("[1,2]"));

    Result ok = run(node("obj").outputJson());
    Result notObj = run(node("notObj").outputJson());

    assertThat(((JsonNode) ((LlmReply) ok.data()).parsed()).path("anything")).hasSize(2);
    assertThat(
            server.requests("obj").getFirst().body().path("response_format").path("type").asText())
        .isEqualTo("json_object");
    assertThat(((LlmError) notObj.data()).category()).isEqualTo(LlmError.Category.OUTPUT_PARSE);
  }

  @Test
  void unsupportedAndRawTypesAreRejectedWhenTheNodeIsBuilt() {
    assertThatThrownBy(() -> node("x").outputAs(Thread.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unsupported type");
    assertThatThrownBy(() -> node("x").outputAs(new TypeToken<Map<Integer, String>>() {}))
        .hasMessageContaining("map keys must be String");
  }
}
