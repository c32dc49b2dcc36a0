package dev.tasktree.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tasktree.Result;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The examples of docs/trace-server.md, compiled and run. */
class DocsExamplesTest {

  @TempDir Path work;

  @Test
  void writeTracesThenServeThem() throws Exception {
    Path traces = work.resolve(".traces");
    // --- docs: write traces ---
    Tree<StringBuilder> tree =
        Tree.<StringBuilder>named("Hello").call(sb -> sb.append("hello").toString()).build();
    Result result = tree.run(new StringBuilder(), RunOptions.defaults().withTraceDir(traces));
    // --- docs: embed the server ---
    try (TraceServer server =
        TraceServer.start(ServerOptions.defaults().withTraceDir(traces).withPort(0))) {
      System.out.println("Open " + server.url());
      // --- end ---
      assertThat(result.isOk()).isTrue();
      Http http = new Http(server);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> http.json("/api/traces").path("total").asInt() == 1);
      // the file may be listed while its first line is still being written; it is read again
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  http.json("/api/traces")
                      .path("items")
                      .get(0)
                      .path("name")
                      .asText("")
                      .equals("Hello"));
      assertThat(http.json("/api/traces").path("total").asInt()).isEqualTo(1);
    }
  }
}
