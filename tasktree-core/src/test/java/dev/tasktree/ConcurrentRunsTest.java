package dev.tasktree;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasktree.trace.InMemoryTraceSink;
import dev.tasktree.trace.Span;
import dev.tasktree.trace.Trace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** One tree instance, 1,000 runs at once: independent results, blackboards and traces. */
class ConcurrentRunsTest {

  @Test
  void oneTreeRunsAThousandTimesConcurrently() throws Exception {
    Tree<Board> tree =
        Tree.<Board>named("Many")
            .sequence()
            .parallel(2)
            .call(b -> b.count * 2)
            .retry(3)
            .call(b -> b.counter.incrementAndGet() < 2 ? Result.fail("once") : Result.ok(b.count))
            .end()
            .timeout(Duration.ofSeconds(30))
            .call((b, ctx) -> ((List<?>) ctx.previous().orElseThrow().data()))
            .writeBlackboard(Board::setValue)
            .end()
            .build();
    InMemoryTraceSink traces = new InMemoryTraceSink();
    RunOptions options = RunOptions.defaults().withTraceSink(traces);
    List<Board> boards = new ArrayList<>();
    List<RunHandle> runs = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      Board board = new Board();
      board.count = i;
      boards.add(board);
      runs.add(tree.start(board, options));
    }
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < runs.size(); i++) {
      Result result = runs.get(i).await();
      assertThat(result).isEqualTo(Result.ok(List.of(i * 2, i)));
      assertThat(boards.get(i).value).isEqualTo(List.of(i * 2, i));
      assertThat(boards.get(i).counter).hasValue(2);
      ids.add(runs.get(i).traceId());
    }
    assertThat(ids).hasSize(1_000);
    for (int i = 0; i < runs.size(); i++) {
      Trace trace = traces.trace(runs.get(i).traceId());
      assertThat(trace.summary().spanCount()).isEqualTo(10);
      assertThat(trace.spansOfKind("WriteBlackboard").getFirst().data().get(1).asInt())
          .isEqualTo(i);
      assertThat(trace.spans().map(Span::spanId).distinct().count()).isEqualTo(10);
    }
  }
}
