package dev.tasktree.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasktree.RunHandle;
import dev.tasktree.Tree;
import dev.tasktree.TreeBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Traces indexed while they are being written end up listed as they ended — without the periodic
 * rescan (set to ten minutes here), from the watch events alone. A change during a read queues a
 * second read that can run on the other reader thread and finish first; the first, older read must
 * not then overwrite it (DemoJarIT once saw a finished run listed RUNNING for 20 s).
 */
class LiveIndexTest {

  private static final int RUNS = 40;

  @TempDir Path dir;

  @Test
  void tracesReadWhileTheyAreWrittenAreListedAsTheyEnded() throws Exception {
    try (TraceServer server =
        TraceServer.start(
            ServerOptions.defaults()
                .withTraceDir(dir)
                .withPort(0)
                .withRescanInterval(Duration.ofMinutes(10)))) {
      Http http = new Http(server);
      TreeBuilder<Fixtures.Board> builder = Tree.<Fixtures.Board>named("live").sequence();
      for (int i = 0; i < 60; i++) {
        builder.call(
            b -> {
              Thread.sleep(3); // the file grows while the index reads it
              return b.number;
            });
      }
      Tree<Fixtures.Board> tree = builder.end().build();
      List<RunHandle> runs = new ArrayList<>();
      for (int i = 0; i < RUNS; i++) {
        runs.add(tree.start(new Fixtures.Board(i, false), Fixtures.options(dir)));
      }
      for (RunHandle run : runs) {
        assertThat(run.await().isOk()).isTrue();
      }
      Fixtures.flush(dir);

      // well inside the ten-minute rescan and the ten-second staleness re-read
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () -> {
                JsonNode items = http.json("/api/traces?limit=100").path("items");
                assertThat(items).hasSize(RUNS);
                assertThat(StreamSupport.stream(items.spliterator(), false))
                    .allSatisfy(
                        item -> {
                          assertThat(item.path("status").asText()).isEqualTo("OK");
                          assertThat(item.path("spanCount").asInt()).isEqualTo(62);
                        });
              });
    }
  }
}
