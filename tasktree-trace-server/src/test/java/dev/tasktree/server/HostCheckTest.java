package dev.tasktree.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DNS rebinding and non-loopback binds (issue 12, items 1 and 4), over real HTTP with raw sockets,
 * so the Host header arrives exactly as written (a client would normalise it).
 */
class HostCheckTest {

  @TempDir static Path dir;
  static TraceServer server;

  @BeforeAll
  static void start() throws Exception {
    Fixtures.runMany(dir, 1);
    server = TraceServer.start(ServerOptions.defaults().withTraceDir(dir).withPort(0));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** The raw response to a GET with exactly these header lines. */
  static String raw(int port, String path, String... headerLines) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\n");
      for (String h : headerLines) {
        request.append(h).append("\r\n");
      }
      request.append("Connection: close\r\n\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static String body(String response) {
    return response.substring(response.indexOf("\r\n\r\n") + 4);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "127.0.0.1.evil.com",
        "127.0.0.1.evil.com:PORT",
        "127.evil.com",
        "127.0.0.evil",
        "localhost.evil.com",
        "localhost.evil.com:PORT",
        "evil.localhost",
        "[::1].evil",
        "[::1].evil:PORT",
        "[::1]evil",
        "2130706433",
        "0x7f000001",
        "0x7f.0.0.1",
        "0177.0.0.1",
        "127.1",
        "127.0.1",
        "127.0.0.01",
        "127.0.0.256",
        "127.0.0.1.",
        "localhost.",
        "127.0.0.1.:PORT",
        "evil.com",
        "user@127.0.0.1",
        "127.0.0.1:PORT@evil.com",
        "127.0.0.1:99999",
        "127.0.0.1:PORT:PORT",
        "127.0.0.1:",
        "127.0.0.1 evil.com",
        "0.0.0.0",
        "[::ffff:127.0.0.1]",
        "[0:0:0:0:0:0:0:1]"
      })
  void aHostThatIsNotAnExactLoopbackLiteralIsRefused(String host) throws Exception {
    String value = host.replace("PORT", Integer.toString(server.port()));
    String response = raw(server.port(), "/api/traces", "Host: " + value);
    assertThat(response).as(value).startsWith("HTTP/1.1 4");
    assertThat(response).as(value).doesNotContain("\"items\"");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "127.0.0.1",
        "127.0.0.1:PORT",
        "127.1.2.3:PORT",
        "localhost",
        "LOCALHOST:PORT",
        "[::1]",
        "[::1]:PORT"
      })
  void exactLoopbackLiteralsAreAnswered(String host) throws Exception {
    String value = host.replace("PORT", Integer.toString(server.port()));
    String response = raw(server.port(), "/api/traces", "Host: " + value);
    assertThat(response).as(value).startsWith("HTTP/1.1 200").contains("\"items\"");
  }

  @Test
  void aRefusalIsTheJsonErrorShape() throws Exception {
    String response = raw(server.port(), "/api/traces", "Host: 127.0.0.1.evil.com");
    assertThat(response).startsWith("HTTP/1.1 403").contains("Content-Type: application/json");
    var json = JsonViews.JSON.readTree(body(response));
    assertThat(json.path("status").asInt()).isEqualTo(403);
    assertThat(json.path("error").asText()).contains("localhost");
  }

  @Test
  void aCrossOriginRequestIsRefused() throws Exception {
    String host = "Host: 127.0.0.1:" + server.port();
    assertThat(raw(server.port(), "/api/traces", host, "Origin: http://evil.com"))
        .startsWith("HTTP/1.1 403");
    assertThat(raw(server.port(), "/api/traces", host, "Origin: null")).startsWith("HTTP/1.1 403");
    assertThat(raw(server.port(), "/api/traces", host, "Origin: http://127.0.0.1:" + server.port()))
        .startsWith("HTTP/1.1 200");
  }

  @Test
  void aNonLoopbackBindWithoutATokenDoesNotStart() {
    assertThatThrownBy(
            () ->
                TraceServer.start(
                    ServerOptions.defaults().withTraceDir(dir).withPort(0).withHost("0.0.0.0")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--token")
        .hasMessageContaining("--insecure-no-token");
  }

  @Test
  void anInsecureNonLoopbackBindStillChecksTheHost() throws Exception {
    try (TraceServer open =
        TraceServer.start(
            ServerOptions.defaults()
                .withTraceDir(dir)
                .withPort(0)
                .withHost("0.0.0.0")
                .withInsecureNoToken(true)
                .withAllowedHosts(List.of("traces.internal")))) {
      int port = open.port();
      assertThat(raw(port, "/api/traces", "Host: evil.com")).startsWith("HTTP/1.1 403");
      assertThat(raw(port, "/api/traces", "Host: traces.internal.evil.com"))
          .startsWith("HTTP/1.1 403");
      assertThat(raw(port, "/api/traces", "Host: traces.internal:" + port))
          .startsWith("HTTP/1.1 200");
      assertThat(raw(port, "/api/traces", "Host: 127.0.0.1:" + port)).startsWith("HTTP/1.1 200");
    }
  }

  @Test
  void aNonLoopbackBindWithATokenNeedsTheTokenAndAnAllowedHost() throws Exception {
    try (TraceServer guarded =
        TraceServer.start(
            ServerOptions.defaults()
                .withTraceDir(dir)
                .withPort(0)
                .withHost("0.0.0.0")
                .withToken("s3cret-token"))) {
      int port = guarded.port();
      String host = "Host: 127.0.0.1:" + port;
      assertThat(raw(port, "/api/traces", host)).startsWith("HTTP/1.1 401");
      assertThat(raw(port, "/api/traces", host, "Authorization: Bearer s3cret-token"))
          .startsWith("HTTP/1.1 200");
      assertThat(raw(port, "/api/traces", "Host: evil.com", "Authorization: Bearer s3cret-token"))
          .startsWith("HTTP/1.1 403");
    }
  }

  @Test
  void mainRefusesANonLoopbackBindWithoutATokenAndExplainsTheFlag() throws Exception {
    var err = new java.io.ByteArrayOutputStream();
    int code =
        Main.run(
            new String[] {"--trace-dir", dir.toString(), "--host", "0.0.0.0", "--port", "0"},
            new java.io.PrintStream(new java.io.ByteArrayOutputStream()),
            new java.io.PrintStream(err));
    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains("--token").contains("--insecure-no-token");
  }
}
