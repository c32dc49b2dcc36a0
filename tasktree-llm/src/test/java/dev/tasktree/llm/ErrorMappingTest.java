package dev.tasktree.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasktree.Result;
import dev.tasktree.RetryPolicy;
import dev.tasktree.Tree;
import dev.tasktree.llm.LlmError.Category;
import dev.tasktree.llm.testing.ScriptedLlmServer;
import dev.tasktree.llm.testing.ScriptedReply;
import org.junit.jupiter.api.Test;

/** Every failure of a model call maps to FAIL(LlmError) with a category a tree can act on. */
class ErrorMappingTest extends ScriptedServerTest {

  private LlmError failureOf(String model, ScriptedReply reply, boolean stream) {
    server.script(model, reply);
    LlmNode<Chat> node = Llm.chat(LlmModel.of(provider, model), Chat::messages);
    Result result =
        Tree.<Chat>named("E").node(stream ? node.stream() : node).build().run(new Chat("q"));
    assertThat(result).isInstanceOf(Result.Fail.class);
    assertThat(result.data()).isInstanceOf(LlmError.class);
    return (LlmError) result.data();
  }

  @Test
  void httpStatusesMapToCategories() {
    LlmError rate = failureOf("r", ScriptedReply.error(429, "slow down"), false);
    assertThat(rate)
        .isEqualTo(
            new LlmError(Category.RATE_LIMITED, 429, "slow down", "r", "rate_limit_exceeded"));
    assertThat(rate.retryable()).isTrue();

    LlmError server500 = failureOf("s", ScriptedReply.error(500, "boom"), true);
    assertThat(server500.category()).isEqualTo(Category.SERVER_ERROR);
    assertThat(server500.status()).isEqualTo(500);

    LlmError auth = failureOf("a", ScriptedReply.error(401, "bad key"), false);
    assertThat(auth.category()).isEqualTo(Category.AUTH);
    assertThat(auth.retryable()).isFalse();

    LlmError context =
        failureOf(
            "c",
            ScriptedReply.error(
                400, "context_length_exceeded", "This model's maximum context is 8k"),
            false);
    assertThat(context.category()).isEqualTo(Category.CONTEXT_LENGTH);
    assertThat(context.code()).isEqualTo("context_length_exceeded");

    LlmError bad = failureOf("b", ScriptedReply.error(400, "messages must not be empty"), false);
    assertThat(bad.category()).isEqualTo(Category.BAD_REQUEST);
    assertThat(bad.message()).isEqualTo("messages must not be empty");
  }

  @Test
  void malformedBodiesAndDroppedConnectionsAreIo() {
    assertThat(failureOf("m", ScriptedReply.malformed(), false).category()).isEqualTo(Category.IO);
    assertThat(failureOf("ms", ScriptedReply.malformed(), true).category()).isEqualTo(Category.IO);
    assertThat(failureOf("d", ScriptedReply.dropMidStream("x"), false).category())
        .isEqualTo(Category.IO);
  }

  @Test
  void unreachableEndpointIsIo() {
    int port;
    try (ScriptedLlmServer gone = ScriptedLlmServer.start()) {
      port = gone.port();
    }
    try (LlmProvider dead =
        LlmProvider.builder("dead").baseUrl("http://127.0.0.1:" + port + "/v1").build()) {
      Result result =
          Tree.<Chat>named("E")
              .node(Llm.chat(LlmModel.of(dead, "x"), Chat::messages))
              .build()
              .run(new Chat("q"));
      assertThat(((LlmError) result.data()).category()).isEqualTo(Category.IO);
    }
  }

  @Test
  void missingEnvironmentKeyIsAuthAndSendsNothing() {
    try (LlmProvider noKey =
        LlmProvider.builder("env")
            .baseUrl(server.baseUrl())
            .apiKeyFromEnv("TASKTREE_TEST_SURELY_UNSET_KEY_VARIABLE")
            .build()) {
      Result result =
          Tree.<Chat>named("E")
              .node(Llm.chat(LlmModel.of(noKey, "x"), Chat::messages))
              .build()
              .run(new Chat("q"));
      LlmError error = (LlmError) result.data();
      assertThat(error.category()).isEqualTo(Category.AUTH);
      assertThat(error.message()).contains("TASKTREE_TEST_SURELY_UNSET_KEY_VARIABLE");
      assertThat(server.requests()).isEmpty();
    }
  }

  @Test
  void keyFunctionIsAskedAtEveryRequest() {
    server.script("k", ScriptedReply.text("ok"));
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    try (LlmProvider rotating =
        LlmProvider.builder("rot")
            .baseUrl(server.baseUrl())
            .apiKey(() -> "key-" + n.incrementAndGet())
            .build()) {
      Tree<Chat> tree =
          Tree.<Chat>named("E").node(Llm.chat(LlmModel.of(rotating, "k"), Chat::messages)).build();
      tree.run(new Chat("q"));
      tree.run(new Chat("q"));
    }
    assertThat(server.requests("k"))
        .extracting(r -> r.header("Authorization"))
        .containsExactly("Bearer key-1", "Bearer key-2");
  }

  @Test
  void retryRetriesOnlyRetryableCategories() {
    server.script("flaky", ScriptedReply.error(429, "busy"), ScriptedReply.text("finally"));
    server.script("denied", ScriptedReply.error(401, "no"));
    RetryPolicy policy = RetryPolicy.tries(3).retryIf(LlmError::isTransient);

    Result flaky =
        Tree.<Chat>named("R")
            .retry(policy)
            .node(Llm.chat(LlmModel.of(provider, "flaky"), Chat::messages))
            .build()
            .run(new Chat("q"));
    Result denied =
        Tree.<Chat>named("R")
            .retry(policy)
            .node(Llm.chat(LlmModel.of(provider, "denied"), Chat::messages))
            .build()
            .run(new Chat("q"));

    assertThat(((LlmReply) flaky.data()).text()).isEqualTo("finally");
    assertThat(server.requests("flaky")).hasSize(2);
    assertThat(denied.isOk()).isFalse();
    assertThat(server.requests("denied")).hasSize(1);
  }

  @Test
  void sdkDoesNotRetryByDefault() {
    failureOf("once", ScriptedReply.error(500, "boom"), false);
    assertThat(server.requests("once")).hasSize(1);
    assertThat(provider.maxRetries()).isZero();
  }
}
