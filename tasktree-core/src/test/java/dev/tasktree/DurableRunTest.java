package dev.tasktree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.tasktree.spi.CheckpointCodec;
import dev.tasktree.store.Checkpoint;
import dev.tasktree.store.DyingJournal;
import dev.tasktree.store.FileJournal;
import dev.tasktree.trace.Attributes;
import dev.tasktree.trace.InMemoryTraceSink;
import dev.tasktree.trace.Span;
import dev.tasktree.trace.Trace;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durable runs on a real file journal: checkpoints are journaled and replayed, retries, loops and
 * Gather items resume at the right occurrence, a changed tree is refused naming the node. A crash
 * after N checkpoints is simulated by a journal that keeps only its first N records and never sees
 * the end (what a process killed there leaves behind); the LLM module kills real child JVMs.
 */
class DurableRunTest {

  @TempDir Path dir;
  private FileJournal journal;
  private final Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();

  /** An answer record, journaled as JSON and read back as itself. */
  public record Answer(String text, int score) {}

  @BeforeEach
  void open() {
    journal = FileJournal.open(dir);
  }

  private int executed(String what) {
    return executions.computeIfAbsent(what, k -> new AtomicInteger()).get();
  }

  private Answer answer(String what) {
    execute(what);
    return new Answer(what, what.length());
  }

  private int execute(String what) {
    return executions.computeIfAbsent(what, k -> new AtomicInteger()).incrementAndGet();
  }

  private String onlyResumable() {
    List<String> runs = journal.resumable();
    assertThat(runs).hasSize(1);
    return runs.getFirst();
  }

  private static List<Span> replayed(Trace trace) {
    return trace
        .spans()
        .filter(s -> s.attribute(Attributes.REPLAYED) != null)
        .filter(s -> s.attribute(Attributes.REPLAYED).asBoolean())
        .toList();
  }

  // spotless:off
  private Tree<Board> threeSteps() {
    return Tree.<Board>named("Steps")
        .sequence()
            .checkpoint(Answer.class).call(b -> answer("one"))
            .writeBlackboard((Board b, Answer a) -> b.events.add(a.text()))
            .checkpoint(Answer.class).call(b -> answer("two"))
            .writeBlackboard((Board b, Answer a) -> b.events.add(a.text()))
            .checkpoint(new TypeReference<List<Answer>>() {})
                .call(b -> List.of(answer("three")))
            .writeBlackboard((Board b, List<Answer> a) -> b.events.add(a.getFirst().text()))
        .end()
        .build();
  }
  // spotless:on

  @Test
  void aResumedRunReplaysJournaledCheckpointsAndRunsTheRest() {
    Tree<Board> tree = threeSteps();
    Board first = new Board();
    Result crashed =
        tree.run(first, RunOptions.defaults().withJournal(new DyingJournal(journal, 2)));
    assertThat(crashed.isOk()).isTrue();
    String runId = onlyResumable();

    InMemoryTraceSink sink = new InMemoryTraceSink();
    Board resumed = new Board();
    Result result =
        tree.resume(runId, resumed, RunOptions.defaults().withJournal(journal).withTraceSink(sink));

    assertThat(result.isOk()).as(String.valueOf(result)).isTrue();
    assertThat(executed("one")).isEqualTo(1);
    assertThat(executed("two")).isEqualTo(1);
    assertThat(executed("three")).isEqualTo(2); // not journaled before the "crash": runs again
    assertThat(resumed.events).isEqualTo(first.events).containsExactly("one", "two", "three");
    assertThat(result.data()).isEqualTo(crashed.data());
    Trace trace = sink.last();
    assertThat(replayed(trace)).extracting(Span::kind).containsExactly("Checkpoint", "Checkpoint");
    var started =
        (dev.tasktree.trace.TraceEvent.TraceStarted)
            sink.events(trace.summary().traceId()).getFirst();
    assertThat(started.attributes().get(Attributes.RESUMED_FROM).asText()).isEqualTo(runId);
    assertThat(trace.summary().traceId()).as("a new trace").isNotEqualTo(runId);
    assertThat(journal.resumable()).as("the resumed run ended").isEmpty();
    assertThat(journal.read(runId).orElseThrow().endStatus()).contains("OK");
  }

  @Test
  void aRunKilledDuringItsResumeResumesAgainFromWhereTheResumeGot() {
    Tree<Board> tree = threeSteps();
    tree.run(new Board(), RunOptions.defaults().withJournal(new DyingJournal(journal, 1)));
    String runId = onlyResumable();
    tree.resume(
        runId, new Board(), RunOptions.defaults().withJournal(new DyingJournal(journal, 1)));
    assertThat(onlyResumable()).isEqualTo(runId);
    Board last = new Board();
    Result result = tree.resume(runId, last, RunOptions.defaults().withJournal(journal));
    assertThat(result.isOk()).isTrue();
    assertThat(List.of(executed("one"), executed("two"), executed("three")))
        .as("one ran once; two ran in the run and the first resume; three in all three")
        .containsExactly(1, 2, 3);
    assertThat(last.events).containsExactly("one", "two", "three");
  }

  @Test
  void aRetryResumesAtTheTryItGotTo() {
    // spotless:off
    Tree<Board> tree = Tree.<Board>named("Retrying")
        .retry(4)
            .checkpoint(String.class)
                .call((Board b, dev.tasktree.spi.NodeContext ctx) -> {
                  execute("try " + ctx.attempt());
                  if (ctx.attempt() < 3) {
                    throw new IOException("try " + ctx.attempt() + " failed");
                  }
                  return "done on try " + ctx.attempt();
                })
        .build();
    // spotless:on
    tree.run(new Board(), RunOptions.defaults().withJournal(new DyingJournal(journal, 2)));
    String runId = onlyResumable();

    InMemoryTraceSink sink = new InMemoryTraceSink();
    Result result =
        tree.resume(
            runId, new Board(), RunOptions.defaults().withJournal(journal).withTraceSink(sink));

    assertThat(result.isOk()).isTrue();
    assertThat(result.data()).isEqualTo("done on try 3");
    assertThat(List.of(executed("try 1"), executed("try 2"), executed("try 3")))
        .as("tries 1 and 2 failed and were journaled: replayed, not run again")
        .containsExactly(1, 1, 2);
    List<Span> replayed = replayed(sink.last());
    assertThat(replayed).hasSize(2);
    assertThat(replayed.getFirst().status()).isEqualTo(dev.tasktree.trace.Status.FAIL);
    assertThat(replayed.getFirst().data().toString()).contains("try 1 failed");
  }

  @Test
  void aReplayedFailureNamesTheOriginalType() {
    Tree<Board> tree =
        Tree.<Board>named("Failing")
            .checkpoint(String.class)
            .call(
                b -> {
                  execute("fail");
                  throw new IOException("disk gone");
                })
            .build();
    tree.run(new Board(), RunOptions.defaults().withJournal(new DyingJournal(journal, 1)));
    Result result =
        tree.resume(onlyResumable(), new Board(), RunOptions.defaults().withJournal(journal));
    assertThat(result.isOk()).isFalse();
    assertThat(result.data()).isInstanceOf(ReplayedFailure.class);
    ReplayedFailure failure = (ReplayedFailure) result.data();
    assertThat(failure.originalType()).isEqualTo(IOException.class.getName());
    assertThat(failure.getMessage()).isEqualTo("disk gone");
    assertThat(executed("fail")).isEqualTo(1);
  }

  @Test
  void aRepeatWhileResumesAtTheLoopItGotTo() {
    // spotless:off
    Tree<Board> tree = Tree.<Board>named("Looping")
        .repeatWhile(b -> b.count < 5)
            .sequence()
                .checkpoint(Integer.class).call(b -> {
                  execute("loop " + b.count);
                  return b.count * 10;
                })
                .writeBlackboard((Board b, Integer v) -> {
                  b.items.add(v);
                  b.count++;
                })
            .end()
        .build();
    // spotless:on
    Board first = new Board();
    tree.run(first, RunOptions.defaults().withJournal(new DyingJournal(journal, 3)));
    Board resumed = new Board();
    Result result =
        tree.resume(onlyResumable(), resumed, RunOptions.defaults().withJournal(journal));
    assertThat(result.isOk()).isTrue();
    assertThat(resumed.items).isEqualTo(first.items).containsExactly(0, 10, 20, 30, 40);
    for (int loop = 0; loop < 5; loop++) {
      assertThat(executed("loop " + loop)).as("loop " + loop).isEqualTo(loop < 3 ? 1 : 2);
    }
  }

  @Test
  void gatherItemsResumeByIndex() {
    Tree<Integer> perItem =
        Tree.<Integer>named("Item")
            .checkpoint(String.class)
            .call(
                (Integer i) -> {
                  execute("item " + i);
                  return "item " + i + " done";
                })
            .build();
    Tree<Board> tree =
        Tree.<Board>named("Fan")
            .gather(b -> List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), perItem, 3)
            .build();
    Result first =
        tree.run(new Board(), RunOptions.defaults().withJournal(new DyingJournal(journal, 4)));
    String runId = onlyResumable();
    List<String> journaledItems = new ArrayList<>();
    for (Checkpoint c : journal.read(runId).orElseThrow().checkpoints()) {
      journaledItems.add(c.key());
    }
    assertThat(journaledItems).hasSize(4).allMatch(k -> k.contains("Item["));

    Result resumed = tree.resume(runId, new Board(), RunOptions.defaults().withJournal(journal));

    assertThat(resumed.isOk()).isTrue();
    assertThat(resumed.data()).isEqualTo(first.data());
    for (int i = 0; i < 10; i++) {
      int index = i;
      boolean journaled = journaledItems.stream().anyMatch(k -> k.contains("Item[" + index + "]"));
      assertThat(executed("item " + i)).as("item " + i).isEqualTo(journaled ? 1 : 2);
    }
  }

  @Test
  void aCheckpointInsideAFunctionUsesItsCodec() {
    CheckpointCodec<Integer> codec =
        new CheckpointCodec<>() {
          @Override
          public String encode(Integer value) {
            return Integer.toString(value);
          }

          @Override
          public Integer decode(String json) {
            return Integer.parseInt(json);
          }
        };
    Tree<Board> tree =
        Tree.<Board>named("Fetching")
            .call(
                (Board b, dev.tasktree.spi.NodeContext ctx) ->
                    ctx.checkpoint("fetch a", codec, () -> execute("a") * 100)
                        + ctx.checkpoint("fetch b", codec, () -> execute("b") * 1000))
            .build();
    tree.run(new Board(), RunOptions.defaults().withJournal(new DyingJournal(journal, 1)));
    Result result =
        tree.resume(onlyResumable(), new Board(), RunOptions.defaults().withJournal(journal));
    assertThat(result.data()).isEqualTo(100 + 2000);
    assertThat(List.of(executed("a"), executed("b"))).containsExactly(1, 2);
  }

  @Test
  void aChangedTreeIsRefusedNamingTheFirstDifferingNode() {
    threeSteps().run(new Board(), RunOptions.defaults().withJournal(new DyingJournal(journal, 1)));
    String runId = onlyResumable();
    // spotless:off
    Tree<Board> changed = Tree.<Board>named("Steps")
        .sequence()
            .checkpoint(Answer.class).call(b -> answer("one"))
            .writeBlackboard((Board b, Answer a) -> b.events.add(a.text()))
            .retry(2).checkpoint(Answer.class).call(b -> answer("two"))
            .writeBlackboard((Board b, Answer a) -> b.events.add(a.text()))
            .checkpoint(new TypeReference<List<Answer>>() {})
                .call(b -> List.of(answer("three")))
            .writeBlackboard((Board b, List<Answer> a) -> b.events.add(a.getFirst().text()))
        .end()
        .build();
    // spotless:on
    Result result = changed.resume(runId, new Board(), RunOptions.defaults().withJournal(journal));
    assertThat(result.isOk()).isFalse();
    assertThat(result.data()).isInstanceOf(IllegalStateException.class);
    assertThat(((Exception) result.data()).getMessage())
        .contains("has changed")
        .contains(
            "'Steps > Sequence > Retry[2]' was Checkpoint 'Checkpoint', is now Retry 'Retry'");
    assertThat(executed("one")).as("nothing ran").isEqualTo(1);
    assertThat(onlyResumable()).as("still resumable by the unchanged tree").isEqualTo(runId);
  }

  @Test
  void resumeFailsClearlyWithoutAJournalForAnUnknownRunAndForAnEndedRun() {
    Tree<Board> tree = threeSteps();
    Result noJournal = tree.resume("run-1", new Board(), RunOptions.defaults());
    assertThat(((Exception) noJournal.data()).getMessage()).contains("withJournal");
    Result unknown = tree.resume("run-1", new Board(), RunOptions.defaults().withJournal(journal));
    assertThat(((Exception) unknown.data()).getMessage()).contains("no run 'run-1'");
    tree.run(new Board(), RunOptions.defaults().withJournal(journal));
    assertThat(journal.resumable()).isEmpty();
    String ended = journal.directory().toFile().list()[0].replace(".journal", "");
    Result again = tree.resume(ended, new Board(), RunOptions.defaults().withJournal(journal));
    assertThat(((Exception) again.data()).getMessage()).contains("already ended OK");
    Result hostile = tree.resume("../x", new Board(), RunOptions.defaults().withJournal(journal));
    assertThat(hostile.isOk()).isFalse();
    assertThat(hostile.data()).isInstanceOf(dev.tasktree.store.StoreException.class);
  }

  @Test
  void buildRefusesABlackboardWriteInsideACheckpointNamingTheNode() {
    assertThatThrownBy(
            () ->
                Tree.<Board>named("Bad")
                    .checkpoint(String.class)
                    .sequence()
                    .call(b -> "x")
                    .writeBlackboard(Board::setText)
                    .end()
                    .build())
        .isInstanceOf(TreeShapeException.class)
        .hasMessageContaining("Bad > Checkpoint > Sequence > WriteBlackboard[1]")
        .hasMessageContaining("inside Checkpoint 'Bad > Checkpoint'");
    Tree<Board> writes = Tree.<Board>named("Writes").writeBlackboard(Board::setText).build();
    assertThatThrownBy(
            () -> Tree.<Board>named("ViaSubtree").checkpoint(String.class).subtree(writes).build())
        .isInstanceOf(TreeShapeException.class)
        .hasMessageContaining("WriteBlackboard writes the blackboard inside Checkpoint");
  }

  @Test
  void withoutAJournalACheckpointJustRunsItsChild() {
    Board board = new Board();
    Result result = threeSteps().run(board);
    assertThat(result.isOk()).isTrue();
    assertThat(board.events).containsExactly("one", "two", "three");
    assertThat(dir.toFile().list()).isEmpty();
  }
}
