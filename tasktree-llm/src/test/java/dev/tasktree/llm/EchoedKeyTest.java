package dev.tasktree.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasktree.Result;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import dev.tasktree.llm.testing.ScriptedReply;
import dev.tasktree.trace.InMemoryTraceSink;
import dev.tasktree.trace.TraceJson;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A provider that echoes the key back puts it nowhere: not in FAIL data, a trace or a log. */
class EchoedKeyTest extends ScriptedServerTest {

  private static final String KEY = "sk-proj-Echo9f8e7d6c5b4a3210ZZ";

  @Test
  void keyShapedStringsInProviderErrorsAreRedacted() throws Exception {
    server.script(
        "echo401", ScriptedReply.error(401, "Incorrect API key provided: " + KEY + ". Check it."));
    server.script(
        "echoStream",
        ScriptedReply.streamErrorEvent(
            "invalid_api_key", "invalid key " + KEY + " (Bearer " + KEY + ")"));
    server.script("echoBearer", ScriptedReply.error(400, "header was Bearer abc.def-123"));

    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    InMemoryTraceSink sink = new InMemoryTraceSink();
    StringBuilder failData = new StringBuilder();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      for (String model : new String[] {"echo401", "echoStream", "echoBearer"}) {
        LlmNode<Chat> node = Llm.chat(LlmModel.of(provider, model), Chat::messages);
        Result result =
            Tree.<Chat>named("E")
                .node(model.equals("echoStream") ? node.stream() : node)
                .build()
                .run(new Chat("q"), RunOptions.defaults().withTraceSink(sink));
        LlmError error = (LlmError) result.data();
        failData.append(error).append(error.message()).append(error.code());
        assertThat(error.message()).contains(KeyRedactor.REDACTED);
        String span =
            TraceJson.newMapper()
                    .valueToTree(sink.last().spansOfKind("Llm").getFirst().attributes())
                    .toString()
                + sink.last().spansOfKind("Llm").getFirst().logs();
        assertThat(span).doesNotContain(KEY).doesNotContain("Echo9f8e7d6c5b4a3210ZZ");
      }
    } finally {
      System.setErr(original);
    }
    assertThat(failData.toString()).doesNotContain(KEY).doesNotContain("abc.def-123");
    assertThat(captured.toString(StandardCharsets.UTF_8)).doesNotContain("Echo9f8e7d6c5b4a3210ZZ");
  }

  @Test
  void redactorKeepsOrdinaryTextAndScrubsKeyShapes() {
    assertThat(KeyRedactor.redact("model gpt-4o-mini does not exist"))
        .isEqualTo("model gpt-4o-mini does not exist");
    assertThat(KeyRedactor.redact("rate limit reached for requests"))
        .isEqualTo("rate limit reached for requests");
    assertThat(KeyRedactor.redact("key sk-ant-api03-abcDEF123 rejected"))
        .isEqualTo("key [REDACTED] rejected");
    assertThat(KeyRedactor.redact("api_key=hunter2&x=1")).isEqualTo("api_key=[REDACTED]&x=1");
    assertThat(KeyRedactor.redact("{\"token\": \"abc\"}")).isEqualTo("{\"token\": \"[REDACTED]\"}");
    assertThat(KeyRedactor.redact("Google key AIzaSyA1234567890abcdef bad"))
        .isEqualTo("Google key [REDACTED] bad");
    assertThat(KeyRedactor.redact("jwt eyJhbGciOi.eyJzdWIiOi.sig-nature end"))
        .isEqualTo("jwt [REDACTED] end");
    assertThat(KeyRedactor.redact("id a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6"))
        .isEqualTo("id [REDACTED]");
    assertThat(KeyRedactor.redact(null)).isNull();
  }
}
