package dev.tasktree.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasktree.Result;
import dev.tasktree.RunHandle;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import dev.tasktree.store.FileSignalStore;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The approval endpoint over real HTTP: a run in this JVM waits in an Approval, writing its trace
 * into the served directory and watching {@code <traceDir>/signals}; the server lists it as WAITING
 * and a POST delivers the decision. Writes from another origin, from a browser that hides its
 * origin, or without the token on a non-loopback bind are refused with the JSON error shape.
 */
class ApprovalEndpointTest {

  @TempDir Path dir;
  private TraceServer server;
  private FileSignalStore signals;
  private final List<RunHandle> runs = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server =
        TraceServer.start(
            ServerOptions.defaults()
                .withTraceDir(dir)
                .withPort(0)
                .withRescanInterval(Duration.ofMillis(200)));
    signals = FileSignalStore.inTraceDir(dir);
  }

  @AfterEach
  void stop() {
    runs.forEach(RunHandle::cancel);
    server.close();
    signals.close();
  }

  /** A run that waits for approval {@code key} on the proposal "draft". */
  private RunHandle waitingRun(String key) {
    Tree<Object> tree =
        Tree.named("Publish")
            .sequence()
            .approval(b -> key, b -> "draft", Duration.ofMinutes(5))
            .call(() -> "published")
            .end()
            .build();
    RunHandle run =
        tree.start(new Object(), RunOptions.defaults().withTraceDir(dir).withSignalStore(signals));
    runs.add(run);
    return run;
  }

  /** The id of the waiting Approval span, once the server lists the run as WAITING. */
  private String awaitWaiting(Http http, RunHandle run) {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              JsonNode list = http.json("/api/traces?status=WAITING");
              for (JsonNode item : list.path("items")) {
                if (item.path("id").asText().equals(run.traceId())) {
                  return true;
                }
              }
              return false;
            });
    JsonNode trace = http.json("/api/traces/" + run.traceId());
    String[] found = new String[1];
    walk(trace.path("spans"), found);
    assertThat(found[0]).as("a WAITING Approval span in " + trace).isNotNull();
    return found[0];
  }

  private static void walk(JsonNode spans, String[] found) {
    for (JsonNode span : spans) {
      if (span.path("kind").asText().equals("Approval")
          && span.path("status").asText().equals("WAITING")) {
        found[0] = span.path("id").asText();
      }
    }
  }

  static String post(int port, String path, String body, String... headerLines) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      StringBuilder request = new StringBuilder("POST " + path + " HTTP/1.1\r\n");
      for (String h : headerLines) {
        request.append(h).append("\r\n");
      }
      request.append("Content-Length: ").append(bytes.length).append("\r\n");
      request.append("Connection: close\r\n\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.write(bytes);
      out.flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void assertJsonError(String response, int status) throws Exception {
    assertThat(response).startsWith("HTTP/1.1 " + status);
    JsonNode json = JsonViews.JSON.readTree(HostCheckTest.body(response));
    assertThat(json.path("status").asInt()).isEqualTo(status);
    assertThat(json.path("error").asText()).isNotBlank();
    assertThat(json.size()).isEqualTo(2);
  }

  @Test
  void aSameOriginPostApprovesTheWaitingSpanAndTheRunFinishesOk() throws Exception {
    Http http = new Http(server);
    RunHandle run = waitingRun("post:42");
    String span = awaitWaiting(http, run);
    int port = server.port();
    String host = "Host: 127.0.0.1:" + port;
    String response =
        post(
            port,
            "/api/traces/" + run.traceId() + "/spans/" + span + "/decision",
            "{\"approved\":true,\"comment\":\"ship it\"}",
            host,
            "Origin: http://127.0.0.1:" + port,
            "Sec-Fetch-Site: same-origin",
            "Content-Type: application/json");
    assertThat(response).startsWith("HTTP/1.1 202");
    JsonNode answer = JsonViews.JSON.readTree(HostCheckTest.body(response));
    assertThat(answer.path("key").asText()).isEqualTo("post:42");
    assertThat(answer.path("store").asText()).isEqualTo("file");
    assertThat(run.result().get(20, TimeUnit.SECONDS)).isEqualTo(Result.ok("published"));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                http.json("/api/traces/" + run.traceId())
                    .path("summary")
                    .path("status")
                    .asText()
                    .equals("OK"));
    // Decided: a second POST finds nothing waiting.
    assertJsonError(
        post(
            port,
            "/api/traces/" + run.traceId() + "/spans/" + span + "/decision",
            "{\"approved\":true}",
            host,
            "Content-Type: application/json"),
        409);
  }

  @Test
  void anEditedValueAndARejectionReachTheRun() throws Exception {
    Http http = new Http(server);
    RunHandle run = waitingRun("post:43");
    String span = awaitWaiting(http, run);
    int port = server.port();
    assertThat(
            post(
                port,
                "/api/traces/" + run.traceId() + "/spans/" + span + "/decision",
                "{\"approved\":false,\"comment\":\"not today\"}",
                "Host: localhost:" + port,
                "Content-Type: application/json"))
        .startsWith("HTTP/1.1 202");
    Result result = run.result().get(20, TimeUnit.SECONDS);
    assertThat(result.isOk()).isFalse();
    assertThat(((Exception) result.data()).getMessage()).contains("not today");
  }

  @Test
  void crossOriginAndOriginlessBrowserWritesAreRefused() throws Exception {
    Http http = new Http(server);
    RunHandle run = waitingRun("post:44");
    String span = awaitWaiting(http, run);
    int port = server.port();
    String path = "/api/traces/" + run.traceId() + "/spans/" + span + "/decision";
    String body = "{\"approved\":true}";
    String host = "Host: 127.0.0.1:" + port;
    String json = "Content-Type: application/json";
    assertJsonError(post(port, path, body, host, "Origin: http://evil.example", json), 403);
    // Another loopback origin (another local app on another port) is another origin too.
    assertJsonError(post(port, path, body, host, "Origin: http://127.0.0.1:1", json), 403);
    assertJsonError(post(port, path, body, host, "Origin: null", json), 403);
    assertJsonError(post(port, path, body, host, "Sec-Fetch-Site: cross-site", json), 403);
    assertJsonError(
        post(port, path, body, host, "Sec-Fetch-Site: same-site", "Sec-Fetch-Mode: cors", json),
        403);
    assertJsonError(
        post(
            port,
            path,
            body,
            host,
            "Origin: http://127.0.0.1:" + port,
            "Sec-Fetch-Site: cross-site",
            json),
        403);
    // Form posts (no JSON) are refused as well.
    assertJsonError(
        post(port, path, "approved=true", host, "Content-Type: application/x-www-form-urlencoded"),
        415);
    assertJsonError(post(port, path, "{\"approved\":\"yes\"}", host, json), 400);
    assertJsonError(post(port, path, "not json", host, json), 400);
    assertJsonError(
        post(port, "/api/traces/" + run.traceId() + "/spans/999/decision", body, host, json), 404);
    // None of that reached the run.
    assertThat(run.isDone()).isFalse();
    assertThat(signals.check(dev.tasktree.Decision.signalKey("post:44"))).isEmpty();
  }

  @Test
  void withARedisUrlTheServerDeliversTheDecisionInRedisWhereTheRunWaits() throws Exception {
    String redisUrl = System.getenv("TASKTREE_REDIS_URL");
    if (redisUrl == null || redisUrl.isBlank()) {
      dev.tasktree.testsupport.MissingService.skipOrFail(
          "Redis: set TASKTREE_REDIS_URL (e.g. redis://127.0.0.1:6379) to run this test");
    }
    String prefix = "tasktree-test:" + java.util.UUID.randomUUID() + ":";
    try (dev.tasktree.redis.RedisStore redis =
            dev.tasktree.redis.RedisStore.builder(redisUrl)
                .keyPrefix(prefix)
                .pollInterval(Duration.ofMillis(50))
                .build();
        TraceServer viaRedis =
            TraceServer.start(
                ServerOptions.defaults()
                    .withTraceDir(dir)
                    .withPort(0)
                    .withRescanInterval(Duration.ofMillis(200))
                    .withRedis(redisUrl, prefix))) {
      Tree<Object> tree =
          Tree.named("Publish")
              .approval(b -> "post:46", b -> "draft", Duration.ofMinutes(5))
              .build();
      RunHandle run =
          tree.start(new Object(), RunOptions.defaults().withTraceDir(dir).withSignalStore(redis));
      runs.add(run);
      Http http = new Http(viaRedis);
      String span = awaitWaiting(http, run);
      int port = viaRedis.port();
      String response =
          post(
              port,
              "/api/traces/" + run.traceId() + "/spans/" + span + "/decision",
              "{\"approved\":true,\"value\":\"edited draft\"}",
              "Host: 127.0.0.1:" + port,
              "Content-Type: application/json");
      assertThat(response).startsWith("HTTP/1.1 202");
      assertThat(JsonViews.JSON.readTree(HostCheckTest.body(response)).path("store").asText())
          .isEqualTo("redis");
      assertThat(run.result().get(20, TimeUnit.SECONDS)).isEqualTo(Result.ok("edited draft"));
      // Nothing went to the file signals.
      assertThat(signals.check(dev.tasktree.Decision.signalKey("post:46"))).isEmpty();
      redis.clear(dev.tasktree.Decision.signalKey("post:46"));
    }
  }

  @Test
  void aNonLoopbackServerRefusesATokenlessWriteAndTakesOneWithTheToken() throws Exception {
    try (TraceServer open =
            TraceServer.start(
                ServerOptions.defaults()
                    .withTraceDir(dir)
                    .withPort(0)
                    .withHost("0.0.0.0")
                    .withInsecureNoToken(true)
                    .withRescanInterval(Duration.ofMillis(200)));
        TraceServer guarded =
            TraceServer.start(
                ServerOptions.defaults()
                    .withTraceDir(dir)
                    .withPort(0)
                    .withHost("0.0.0.0")
                    .withToken("s3cret-token")
                    .withRescanInterval(Duration.ofMillis(200)))) {
      Http http = new Http(server);
      RunHandle run = waitingRun("post:45");
      String span = awaitWaiting(http, run);
      String path = "/api/traces/" + run.traceId() + "/spans/" + span + "/decision";
      String json = "Content-Type: application/json";
      int port = open.port();
      assertJsonError(
          post(port, path, "{\"approved\":true}", "Host: 127.0.0.1:" + port, json), 403);
      int guardedPort = guarded.port();
      String guardedHost = "Host: 127.0.0.1:" + guardedPort;
      assertJsonError(post(guardedPort, path, "{\"approved\":true}", guardedHost, json), 401);
      assertThat(run.isDone()).isFalse();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  post(
                          guardedPort,
                          path,
                          "{\"approved\":true}",
                          guardedHost,
                          "Authorization: Bearer s3cret-token",
                          json)
                      .startsWith("HTTP/1.1 202"));
      assertThat(run.result().get(20, TimeUnit.SECONDS)).isEqualTo(Result.ok("published"));
    }
  }
}
