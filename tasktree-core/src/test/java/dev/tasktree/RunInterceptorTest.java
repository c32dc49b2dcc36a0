package dev.tasktree;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasktree.spi.RunInterceptor;
import dev.tasktree.trace.InMemoryTraceSink;
import dev.tasktree.trace.TraceEvent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The run-scoped hooks integrations such as OpenTelemetry rely on: begun on the caller's thread,
 * the node's span entered around its code on every thread of the run (forks included) and left
 * after it, trace attributes on the first event, an end after the last.
 */
class RunInterceptorTest {

  /** Tracks, per thread, which span is "current" — as a tracing library's context would. */
  static final class Recording implements RunInterceptor {
    static final ThreadLocal<String> CURRENT = new ThreadLocal<>();
    final List<String> begun = new CopyOnWriteArrayList<>();
    final List<String> ended = new CopyOnWriteArrayList<>();
    final Map<String, String> seenByNode = new ConcurrentHashMap<>();

    @Override
    public Run begin(String traceId, String treeName) {
      begun.add(treeName + "@" + Thread.currentThread().getName());
      return new Run() {
        @Override
        public Map<String, Object> traceAttributes() {
          return Map.of("ext.trace_id", "abc123");
        }

        @Override
        public Entered enter(String spanId) {
          String previous = CURRENT.get();
          CURRENT.set(spanId);
          return () -> CURRENT.set(previous);
        }

        @Override
        public void end() {
          ended.add(traceId);
        }
      };
    }
  }

  @Test
  void nodeCodeSeesItsOwnSpanOnEveryThreadAndNothingLeaksAfterwards() {
    Recording hooks = new Recording();
    InMemoryTraceSink traces = new InMemoryTraceSink();
    // spotless:off
    Tree<Board> tree = Tree.<Board>named("Hooks")
        .sequence()
            .name("here").call(b -> hooks.seenByNode.put("here", Recording.CURRENT.get()))
            .parallel()
                .name("p1").call(b -> hooks.seenByNode.put("p1", Recording.CURRENT.get()))
                .name("p2").call(b -> hooks.seenByNode.put("p2", Recording.CURRENT.get()))
            .end()
            .timeout(Duration.ofSeconds(5))
                .name("t").call(b -> hooks.seenByNode.put("t", Recording.CURRENT.get()))
        .end()
        .build();
    // spotless:on
    Result result =
        tree.run(
            new Board(), RunOptions.defaults().withTraceSink(traces).withRunInterceptor(hooks));

    assertThat(result.isOk()).isTrue();
    var spans = traces.last().roots().getFirst().flatten().toList();
    for (String node : List.of("here", "p1", "p2", "t")) {
      String spanId =
          spans.stream().filter(s -> s.name().equals(node)).findFirst().orElseThrow().spanId();
      assertThat(hooks.seenByNode).as(node).containsEntry(node, spanId);
    }
    assertThat(Recording.CURRENT.get()).isNull();
    assertThat(hooks.begun).containsExactly("Hooks@" + Thread.currentThread().getName());
    assertThat(hooks.ended).containsExactly(traces.last().summary().traceId());
    TraceEvent first = traces.events(traces.last().summary().traceId()).getFirst();
    assertThat(((TraceEvent.TraceStarted) first).attributes().get("ext.trace_id").asText())
        .isEqualTo("abc123");
  }

  @Test
  void startBeginsOnTheCallersThreadNotTheRunsVirtualThread() throws Exception {
    Recording hooks = new Recording();
    Tree<Board> tree = Tree.<Board>named("Started").call(b -> "ok").build();
    RunHandle handle = tree.start(new Board(), RunOptions.defaults().withRunInterceptor(hooks));
    handle.result().get(10, TimeUnit.SECONDS);
    assertThat(hooks.begun).containsExactly("Started@" + Thread.currentThread().getName());
  }

  @Test
  void withTracingOffNodesAreEnteredWithNoSpanId() {
    Recording hooks = new Recording();
    Board board = new Board();
    Tree<Board> tree =
        Tree.<Board>named("Off")
            .call(b -> b.events.add(String.valueOf(Recording.CURRENT.get())))
            .build();
    tree.run(board, RunOptions.defaults().withRunInterceptor(hooks));
    assertThat(board.events).containsExactly("null");
  }
}
