package com.example.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tasktree.Result;
import dev.tasktree.RunOptions;
import dev.tasktree.redis.RedisStore;
import dev.tasktree.server.ServerOptions;
import dev.tasktree.server.TraceServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs a tree with every module's third-party stack on the classpath this project resolved
 * through the BOM: openai-java (OkHttp, Kotlin, Jackson) calls an endpoint that refuses the
 * connection, lettuce (Netty, Reactor) serves as the cache store for a Redis that is not there,
 * and Javalin (Jetty) serves the trace written by core. A version the modules were not built
 * against shows here as a LinkageError instead of these results.
 */
class AnswersTest {

  @Test
  void theTreeRunsOnWhatTheBomResolved(@TempDir Path traces) throws Exception {
    String nothingListens = "http://127.0.0.1:" + closedPort() + "/v1";
    var model = Answers.model(nothingListens);
    try (RedisStore redis =
        RedisStore.builder("redis://127.0.0.1:" + closedPort())
            .connectTimeout(Duration.ofMillis(300))
            .commandTimeout(Duration.ofMillis(300))
            .build()) {
      RunOptions options = RunOptions.defaults().withTraceDir(traces).withCacheStore(redis);

      Result result = Answers.tree(model).run(new Answers.Ask("what is a BOM?"), options);

      assertEquals(Result.ok("no model answered: what is a BOM?"), result);
    }

    try (TraceServer server =
        TraceServer.start(ServerOptions.defaults().withTraceDir(traces).withPort(0))) {
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest health =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/health"))
              .build();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  new ObjectMapper()
                      .readTree(http.send(health, HttpResponse.BodyHandlers.ofString()).body())
                      .path("traces")
                      .asInt(),
              traceCount -> traceCount == 1);
    }
    try (var files = Files.list(traces)) {
      assertEquals(1, files.filter(f -> f.toString().endsWith(".jsonl")).count());
    }
    System.out.println("CONSUMER-TREE-RAN");
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
