package dev.tasktree.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasktree.Result;
import dev.tasktree.Tree;
import dev.tasktree.llm.testing.ScriptedReply;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StructuredOutputTest extends ScriptedServerTest {

  enum Mood {
    HAPPY,
    SAD
  }

  record Review(
      @Param("One-line summary") String summary,
      int stars,
      Mood mood,
      List<String> tags,
      Map<String, Double> scores) {}

  record Strict(String name, boolean ok) {}

  record Loose(String name, Optional<String> note) {}

  static final class Holder {
    Review review;
  }

  @Test
  void replyThatFitsIsParsedIntoTheRecord() {
    server.script(
        "json",
        ScriptedReply.json(
            "{\"summary\":\"Great\",\"stars\":5,\"mood\":\"HAPPY\",\"tags\":[\"a\",\"b\"],"
                + "\"scores\":{\"plot\":0.9}}"));
    Holder holder = new Holder();
    Tree<Holder> tree =
        Tree.<Holder>named("Review")
            .sequence()
            .node(
                Llm.<Holder>prompt(LlmModel.of(provider, "json"), "Review it.", h -> "the movie")
                    .outputAs(Review.class))
            .writeBlackboard(LlmReply.parsed(Review.class, (Holder h, Review r) -> h.review = r))
            .end()
            .build();

    Result result = tree.run(holder);

    assertThat(result.isOk()).isTrue();
    assertThat(holder.review)
        .isEqualTo(new Review("Great", 5, Mood.HAPPY, List.of("a", "b"), Map.of("plot", 0.9)));

    JsonNode format = server.requests("json").getFirst().body().path("response_format");
    assertThat(format.path("type").asText()).isEqualTo("json_schema");
    JsonNode schema = format.path("json_schema");
    assertThat(schema.path("name").asText()).isEqualTo("Review");
    assertThat(schema.path("strict").asBoolean()).isFalse(); // a map has open keys
    JsonNode props = schema.path("schema").path("properties");
    assertThat(props.path("summary").path("description").asText()).isEqualTo("One-line summary");
    assertThat(props.path("stars").path("type").asText()).isEqualTo("integer");
    assertThat(props.path("mood").path("enum")).hasSize(2);
    assertThat(props.path("tags").path("items").path("type").asText()).isEqualTo("string");
    assertThat(props.path("scores").path("additionalProperties").path("type").asText())
        .isEqualTo("number");
    assertThat(schema.path("schema").path("required")).hasSize(5);
    assertThat(schema.path("schema").path("additionalProperties").asBoolean(true)).isFalse();
  }

  @Test
  void strictOnlyWhenEveryPropertyIsRequiredAndOptionalMayBeMissing() {
    server.script("strict", ScriptedReply.json("{\"name\":\"x\",\"ok\":true}"));
    server.script("loose", ScriptedReply.json("```json\n{\"name\":\"y\"}\n```"));

    Result strict =
        Tree.<Chat>named("S")
            .node(Llm.chat(LlmModel.of(provider, "strict"), Chat::messages).outputAs(Strict.class))
            .build()
            .run(new Chat("q"));
    Result loose =
        Tree.<Chat>named("L")
            .node(Llm.chat(LlmModel.of(provider, "loose"), Chat::messages).outputAs(Loose.class))
            .build()
            .run(new Chat("q"));

    assertThat(((LlmReply) strict.data()).parsed()).isEqualTo(new Strict("x", true));
    assertThat(((LlmReply) loose.data()).parsed()).isEqualTo(new Loose("y", Optional.empty()));
    assertThat(
            server
                .requests("strict")
                .getFirst()
                .body()
                .path("response_format")
                .path("json_schema")
                .path("strict")
                .asBoolean())
        .isTrue();
    assertThat(
            server
                .requests("loose")
                .getFirst()
                .body()
                .path("response_format")
                .path("json_schema")
                .path("schema")
                .path("required"))
        .extracting(JsonNode::asText)
        .containsExactly("name", "note"); // Optional: required but nullable, as strict mode asks
    JsonNode looseFormat =
        server.requests("loose").getFirst().body().path("response_format").path("json_schema");
    assertThat(looseFormat.path("strict").asBoolean()).isTrue();
    assertThat(looseFormat.path("schema").path("properties").path("note").path("type"))
        .extracting(JsonNode::asText)
        .containsExactly("string", "null");
  }

  @Test
  void replyThatDoesNotFitFailsWithTheParseError() {
    server.script("wrong", ScriptedReply.json("{\"summary\":\"Meh\",\"stars\":\"five\"}"));
    server.script("prose", ScriptedReply.text("Sure! Here is your review."));

    Result wrong =
        Tree.<Chat>named("W")
            .node(Llm.chat(LlmModel.of(provider, "wrong"), Chat::messages).outputAs(Review.class))
            .build()
            .run(new Chat("q"));
    Result prose =
        Tree.<Chat>named("P")
            .node(Llm.chat(LlmModel.of(provider, "prose"), Chat::messages).outputAs(Review.class))
            .build()
            .run(new Chat("q"));

    assertThat(wrong).isInstanceOf(Result.Fail.class);
    LlmError error = (LlmError) wrong.data();
    assertThat(error.category()).isEqualTo(LlmError.Category.OUTPUT_PARSE);
    assertThat(error.message())
        .contains(
            "does not fit Review",
            "$.stars: expected integer, got string",
            "missing required property 'mood'");
    LlmError proseError = (LlmError) prose.data();
    assertThat(proseError.category()).isEqualTo(LlmError.Category.OUTPUT_PARSE);
    assertThat(proseError.message()).contains("not JSON for Review");
  }

  @Test
  void withoutJsonSchemaSupportASchemaInstructionIsSentInstead() {
    server.script("old", ScriptedReply.json("{\"name\":\"z\",\"ok\":false}"));
    LlmModel old = LlmModel.of(provider, "old").withJsonSchemaOutput(false);

    Result result =
        Tree.<Chat>named("O")
            .node(Llm.chat(old, Chat::messages).outputAs(Strict.class))
            .build()
            .run(new Chat("q"));

    assertThat(((LlmReply) result.data()).parsed()).isEqualTo(new Strict("z", false));
    JsonNode body = server.requests("old").getFirst().body();
    assertThat(body.has("response_format")).isFalse();
    JsonNode messages = body.path("messages");
    assertThat(messages.get(messages.size() - 1).path("content").asText())
        .contains("JSON schema", "\"ok\"");
  }
}
