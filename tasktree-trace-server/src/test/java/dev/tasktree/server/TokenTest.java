package dev.tasktree.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --token}: the API and the UI require it. */
class TokenTest {

  @TempDir Path dir;
  TraceServer server;
  Http http;

  @BeforeEach
  void start() throws Exception {
    server =
        TraceServer.start(
            ServerOptions.defaults().withTraceDir(dir).withPort(0).withToken("s3cret-token"));
    http = new Http(server);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void withoutTheTokenEverythingIsRefused() {
    for (String path : List.of("/", "/traces/abc", "/ui/app.js", "/api/traces", "/api/health")) {
      Http.Response r = http.get(path);
      assertThat(r.status()).as(path).isEqualTo(401);
      assertThat(r.body()).doesNotContain("<script");
    }
    assertThat(http.get("/api/traces", "Authorization", "Bearer wrong").status()).isEqualTo(401);
    assertThat(http.get("/api/traces?token=wrong").status()).isEqualTo(401);
    assertThat(http.get("/api/traces").json().path("error").asText()).contains("token");
  }

  @Test
  void theTokenWorksAsBearerHeaderQueryOrCookie() {
    assertThat(http.get("/api/traces", "Authorization", "Bearer s3cret-token").status())
        .isEqualTo(200);
    Http.Response viaQuery = http.get("/?token=s3cret-token");
    assertThat(viaQuery.status()).isEqualTo(200);
    String cookie = viaQuery.header("Set-Cookie");
    assertThat(cookie).contains("tasktree_token=s3cret-token").contains("HttpOnly");
    assertThat(http.get("/api/traces", "Cookie", cookie.split(";")[0]).status()).isEqualTo(200);
    assertThat(server.url()).endsWith("/?token=s3cret-token");
  }
}
