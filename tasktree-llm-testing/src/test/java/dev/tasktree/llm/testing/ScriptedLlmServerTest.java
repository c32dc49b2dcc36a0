package dev.tasktree.llm.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The scripted server's wire format, checked with the JDK's own HTTP client. */
class ScriptedLlmServerTest {

  private static HttpResponse<String> post(ScriptedLlmServer server, String path, String body)
      throws Exception {
    try (HttpClient client = HttpClient.newHttpClient()) {
      return client.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  @Test
  void repliesInOrderThenRepeatsTheLastAndRecordsRequests() throws Exception {
    try (ScriptedLlmServer server = ScriptedLlmServer.start()) {
      server.script("m", ScriptedReply.text("first"), ScriptedReply.text("second"));
      String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
      List<String> texts = new java.util.ArrayList<>();
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> response = post(server, "/v1/chat/completions", body);
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode json = ScriptedReply.JSON.readTree(response.body());
        texts.add(json.path("choices").get(0).path("message").path("content").asText());
        assertThat(json.path("usage").path("prompt_tokens").asLong()).isPositive();
      }
      assertThat(texts).containsExactly("first", "second", "second");
      assertThat(server.requests("m")).hasSize(3);
      assertThat(
              server.requests().getFirst().body().path("messages").get(0).path("content").asText())
          .isEqualTo("hi");
      assertThat(server.requests()).allMatch(r -> r.outcome() == RecordedRequest.Outcome.COMPLETED);
      assertThat(server.baseUrl()).isEqualTo("http://127.0.0.1:" + server.port() + "/v1");
    }
  }

  @Test
  void streamsServerSentEventsWithUsageAndDone() throws Exception {
    try (ScriptedLlmServer server = ScriptedLlmServer.start()) {
      server.script("m", ScriptedReply.text("a b").usage(3, 2));
      HttpResponse<String> response =
          post(
              server,
              "/v1/chat/completions",
              "{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                  + "\"messages\":[]}");
      assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
      List<String> events =
          response
              .body()
              .lines()
              .filter(l -> l.startsWith("data: "))
              .map(l -> l.substring(6))
              .toList();
      assertThat(events.getLast()).isEqualTo("[DONE]");
      JsonNode usage = ScriptedReply.JSON.readTree(events.get(events.size() - 2)).path("usage");
      assertThat(usage.path("prompt_tokens").asLong()).isEqualTo(3);
      assertThat(usage.path("completion_tokens").asLong()).isEqualTo(2);
      StringBuilder text = new StringBuilder();
      for (String e : events.subList(0, events.size() - 2)) {
        text.append(
            ScriptedReply.JSON
                .readTree(e)
                .path("choices")
                .get(0)
                .path("delta")
                .path("content")
                .asText(""));
      }
      assertThat(text.toString()).isEqualTo("a b");
    }
  }

  @Test
  void aHeldReplyIsSentOnlyOnceTheRequestsItWaitsForHaveArrived() throws Exception {
    try (ScriptedLlmServer server = ScriptedLlmServer.start()) {
      server.script("m", ScriptedReply.text("held").afterRequests(2), ScriptedReply.text("next"));
      String body = "{\"model\":\"m\",\"messages\":[]}";
      var first =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> {
                try {
                  return post(server, "/v1/chat/completions", body).body();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      org.awaitility.Awaitility.await().until(() -> server.requests("m").size() == 1);
      // the first request is held while it is alone, however long that is
      org.awaitility.Awaitility.await()
          .during(java.time.Duration.ofMillis(300))
          .atMost(java.time.Duration.ofSeconds(5))
          .until(() -> !first.isDone());
      assertThat(server.requests("m").getFirst().outcome())
          .isEqualTo(RecordedRequest.Outcome.IN_PROGRESS);

      assertThat(post(server, "/v1/chat/completions", body).body()).contains("next");
      assertThat(first.get(30, java.util.concurrent.TimeUnit.SECONDS)).contains("held");
    }
  }

  @Test
  void unknownModelsPathsAndBadBodiesGetErrors() throws Exception {
    try (ScriptedLlmServer server = ScriptedLlmServer.start()) {
      assertThat(post(server, "/v1/chat/completions", "{\"model\":\"nope\"}").statusCode())
          .isEqualTo(404);
      assertThat(post(server, "/v1/embeddings", "{}").statusCode()).isEqualTo(404);
      HttpResponse<String> bad = post(server, "/v1/chat/completions", "not json");
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(bad.body()).contains("not JSON");
      server.script("e", ScriptedReply.error(429, "slow down"));
      HttpResponse<String> limited = post(server, "/v1/chat/completions", "{\"model\":\"e\"}");
      assertThat(limited.statusCode()).isEqualTo(429);
      assertThat(ScriptedReply.JSON.readTree(limited.body()).path("error").path("code").asText())
          .isEqualTo("rate_limit_exceeded");
    }
  }

  @Test
  void scriptsAreValidated() {
    assertThatThrownBy(() -> ScriptedReply.text("x").afterRequests(0))
        .isInstanceOf(IllegalArgumentException.class);
    try (ScriptedLlmServer server = ScriptedLlmServer.start()) {
      assertThatThrownBy(() -> server.script("m")).hasMessageContaining("at least one reply");
    }
    assertThatThrownBy(() -> ScriptedReply.error(200, "x")).hasMessageContaining("4xx or 5xx");
    assertThatThrownBy(() -> ScriptedReply.toolCalls()).hasMessageContaining("at least one call");
    assertThat(ReplyBodies.pieces("Hello big  world")).containsExactly("Hello ", "big  ", "world");
  }
}
