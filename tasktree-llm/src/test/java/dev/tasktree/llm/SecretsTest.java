package dev.tasktree.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import dev.tasktree.llm.testing.ScriptedLlmServer;
import dev.tasktree.llm.testing.ScriptedReply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API key reaches the server but never a trace file — also on failures and tool loops. */
class SecretsTest {

  private static final String KEY = "sk-TASKTREE-SECRET-7f3a9c2e41b8d6";

  @Test
  void apiKeyNeverAppearsInAnyTraceFile(@TempDir Path traceDir) throws Exception {
    try (ScriptedLlmServer server = ScriptedLlmServer.start();
        LlmProvider provider =
            LlmProvider.builder("secret")
                .baseUrl(server.baseUrl())
                .apiKey(KEY)
                .header("Authorization-Extra", KEY)
                .build()) {
      server.script("ok", ScriptedReply.text("fine"));
      server.script("denied", ScriptedReply.error(401, "invalid key"));
      server.script(
          "tools",
          ScriptedReply.toolCalls(ScriptedReply.call("echo", "{}")),
          ScriptedReply.text("done"));
      server.script("slow", ScriptedReply.text("late").delay(Duration.ofSeconds(20)));
      ToolSpec<Chat> echo =
          ToolSpec.of("echo", "Echo", "{\"type\":\"object\"}", (chat, args) -> "echoed");
      RunOptions options = RunOptions.defaults().withTraceDir(traceDir);
      for (Tree<Chat> tree :
          List.of(
              Tree.<Chat>named("Ok")
                  .node(Llm.chat(LlmModel.of(provider, "ok"), Chat::messages).stream())
                  .build(),
              Tree.<Chat>named("Denied")
                  .node(Llm.chat(LlmModel.of(provider, "denied"), Chat::messages))
                  .build(),
              Tree.<Chat>named("Tools")
                  .node(Llm.chat(LlmModel.of(provider, "tools"), Chat::messages).tool(echo))
                  .build(),
              Tree.<Chat>named("Slow")
                  .timeout(Duration.ofMillis(200))
                  .node(Llm.chat(LlmModel.of(provider, "slow"), Chat::messages))
                  .build())) {
        tree.run(new Chat("q"), options);
      }
      assertThat(server.requests())
          .allSatisfy(r -> assertThat(r.header("authorization")).isEqualTo("Bearer " + KEY));
    }

    List<Path> files;
    try (Stream<Path> walk = Files.walk(traceDir)) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    assertThat(files).hasSizeGreaterThanOrEqualTo(4);
    for (Path file : files) {
      String content = Files.readString(file);
      assertThat(content)
          .as(file.toString())
          .isNotEmpty()
          .doesNotContain(KEY)
          .doesNotContain("7f3a9c2e41b8d6");
    }
  }
}
