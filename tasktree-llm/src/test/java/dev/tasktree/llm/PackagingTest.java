package dev.tasktree.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasktree.llm.testing.ScriptedLlmServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The scripted server ships in tasktree-llm-testing, never in tasktree-llm's own classes. */
class PackagingTest {

  @Test
  void theScriptedServerIsNotPartOfThisModule() throws Exception {
    Path llmClasses =
        Path.of(LlmNode.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path serverClasses =
        Path.of(
            ScriptedLlmServer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    assertThat(serverClasses).isNotEqualTo(llmClasses);
    assertThat(serverClasses.toString()).contains("tasktree-llm-testing");
    if (Files.isDirectory(llmClasses)) {
      assertThat(llmClasses.resolve("dev/tasktree/llm/testing")).doesNotExist();
    }
  }
}
