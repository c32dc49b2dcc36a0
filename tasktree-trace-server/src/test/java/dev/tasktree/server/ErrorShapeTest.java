package dev.tasktree.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every error is {@code {"error": ..., "status": ...}} JSON (issue 12, item 5). */
class ErrorShapeTest {

  @TempDir static Path dir;
  static TraceServer server;
  static Http http;

  @BeforeAll
  static void start() throws Exception {
    server = TraceServer.start(ServerOptions.defaults().withTraceDir(dir).withPort(0));
    http = new Http(server);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static void assertShape(int status, String contentType, String body) throws Exception {
    assertThat(contentType).startsWith("application/json");
    JsonNode json = JsonViews.JSON.readTree(body);
    assertThat(json.path("status").asInt()).isEqualTo(status);
    assertThat(json.path("error").asText()).isNotBlank();
    assertThat(json.size()).isEqualTo(2);
  }

  @Test
  void unknownRoutesUnderApiAndElsewhereAreJson() throws Exception {
    for (String path : new String[] {"/api/x", "/api/traces/a/b/c", "/nope", "/api/"}) {
      Http.Response r = http.get(path);
      assertThat(r.status()).as(path).isEqualTo(404);
      assertShape(404, r.header("Content-Type"), r.body());
      assertThat(JsonViews.JSON.readTree(r.body()).path("error").asText()).contains(path);
    }
  }

  @Test
  void badRequestsAndNotAllowedMethodsAreJson() throws Exception {
    Http.Response bad = http.get("/api/traces?limit=0");
    assertShape(400, bad.header("Content-Type"), bad.body());
    String post =
        HostCheckTest.raw(server.port(), "/api/traces", "Host: 127.0.0.1", "Content-Length: 0");
    assertThat(post).startsWith("HTTP/1.1 200"); // a GET: the helper is fine
    try (var socket = new java.net.Socket("127.0.0.1", server.port())) {
      socket
          .getOutputStream()
          .write(
              "DELETE /api/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                  .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      String response = new String(socket.getInputStream().readAllBytes());
      int status = Integer.parseInt(response.substring(9, 12));
      assertThat(status).isBetween(400, 499);
      assertShape(
          status,
          header(response, "Content-Type"),
          response.substring(response.indexOf("\r\n\r\n") + 4));
    }
  }

  @Test
  void malformedRequestsAnsweredByJettyAreJson() throws Exception {
    String huge = "X-Big: " + "a".repeat(64 * 1024);
    String response = HostCheckTest.raw(server.port(), "/api/traces", "Host: 127.0.0.1", huge);
    int status = Integer.parseInt(response.substring(9, 12));
    assertThat(status).isIn(400, 431);
    assertShape(
        status,
        header(response, "Content-Type"),
        response.substring(response.indexOf("\r\n\r\n") + 4));
  }

  @Test
  void anUnexpectedFailureIsA500InTheSameShapeWithoutDetails() throws Exception {
    Javalin app =
        Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.routes.get(
                  "/api/boom",
                  ctx -> {
                    throw new IllegalStateException("secret detail /etc/passwd");
                  });
              ApiErrors.register(config);
            });
    app.start("127.0.0.1", 0);
    try {
      String response = HostCheckTest.raw(app.port(), "/api/boom", "Host: 127.0.0.1");
      assertThat(response).startsWith("HTTP/1.1 500");
      String body = response.substring(response.indexOf("\r\n\r\n") + 4);
      assertShape(500, header(response, "Content-Type"), body);
      assertThat(body).contains("IllegalStateException").doesNotContain("secret");
    } finally {
      app.stop();
    }
  }

  static String header(String response, String name) {
    for (String line : response.substring(0, response.indexOf("\r\n\r\n")).split("\r\n")) {
      if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
        return line.substring(name.length() + 1).trim();
      }
    }
    return "";
  }
}
