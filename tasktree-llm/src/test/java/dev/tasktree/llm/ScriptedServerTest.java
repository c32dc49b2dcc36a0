package dev.tasktree.llm;

import dev.tasktree.llm.testing.ScriptedLlmServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * One scripted OpenAI-compatible server per test class, with a provider on it (API key {@code k});
 * the scripts and recorded requests are reset before each test.
 */
abstract class ScriptedServerTest {

  static ScriptedLlmServer server;
  static LlmProvider provider;

  @BeforeAll
  static void startScriptedServer() {
    server = ScriptedLlmServer.start();
    provider = LlmProvider.builder("local").baseUrl(server.baseUrl()).apiKey("k").build();
  }

  @AfterAll
  static void stopScriptedServer() {
    provider.close();
    server.close();
  }

  @BeforeEach
  void resetScripts() {
    server.reset();
  }
}
