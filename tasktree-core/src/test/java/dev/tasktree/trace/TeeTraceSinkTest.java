package dev.tasktree.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tasktree.Board;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sinks compose: JSON Lines files, another exporter and a user sink see the same run. */
class TeeTraceSinkTest {

  @TempDir Path dir;

  @Test
  void jsonlFilesAndTwoMoreSinksAllReceiveEveryEventOfARun() throws Exception {
    InMemoryTraceSink mine = new InMemoryTraceSink();
    List<TraceEvent> other = new CopyOnWriteArrayList<>();
    RunOptions options =
        RunOptions.defaults().withTraceDir(dir).alsoTraceTo(mine).alsoTraceTo(other::add);
    Tree<Board> tree = Tree.<Board>named("Tee").sequence().call(b -> 1).call(b -> 2).end().build();
    tree.run(new Board(), options);

    String traceId = mine.last().summary().traceId();
    assertThat(other).hasSameSizeAs(mine.events(traceId));
    Path file = dir.resolve(traceId + ".jsonl");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> Files.exists(file) && new TraceReader().read(file).summary().finished());
    assertThat(new TraceReader().read(file).summary().spanCount()).isEqualTo(4);
  }

  @Test
  void aSinkThatThrowsNeitherReachesTheRunNorStarvesTheSinksAfterIt() {
    InMemoryTraceSink after = new InMemoryTraceSink();
    TraceSink broken =
        event -> {
          throw new IllegalStateException("exporter bug");
        };
    var result =
        Tree.<Board>named("Broken")
            .call(b -> "fine")
            .build()
            .run(new Board(), RunOptions.defaults().withTraceSink(TraceSink.all(broken, after)));
    assertThat(result.isOk()).isTrue();
    assertThat(after.last().summary().spanCount()).isEqualTo(2);
  }

  @Test
  void disabledSinksAreLeftOutAndNestedOnesFlattened() {
    InMemoryTraceSink a = new InMemoryTraceSink();
    InMemoryTraceSink b = new InMemoryTraceSink();
    assertThat(TraceSink.all(TraceSink.none(), TraceSink.none())).isSameAs(TraceSink.none());
    assertThat(TraceSink.all(TraceSink.none(), a)).isSameAs(a);
    TraceSink nested = TraceSink.all(TraceSink.all(a, b), a);
    assertThat(((TeeTraceSink) nested).sinks()).containsExactly(a, b);
    assertThatThrownBy(() -> TraceSink.all(a, null)).isInstanceOf(NullPointerException.class);
  }
}
