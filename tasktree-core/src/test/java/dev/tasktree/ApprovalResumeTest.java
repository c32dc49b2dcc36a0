package dev.tasktree;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasktree.store.FileJournal;
import dev.tasktree.store.FileSignalStore;
import dev.tasktree.store.Journal;
import dev.tasktree.trace.Attributes;
import dev.tasktree.trace.InMemoryTraceSink;
import dev.tasktree.trace.Span;
import dev.tasktree.trace.Status;
import dev.tasktree.trace.Trace;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run suspended while an Approval waits, then continued with {@link Tree#resume}: the journal
 * stays open, the work done before the approval is replayed (not repeated), the decision delivered
 * meanwhile is taken at once, and a resumed run that finds the decision journaled does not need the
 * store any more.
 */
class ApprovalResumeTest {

  @TempDir Path dir;

  /** A checkpointed step that counts how often it really runs, then an approval, then a step. */
  private static Tree<Board> tree(AtomicInteger drafted, AtomicInteger published) {
    return Tree.<Board>named("Publish")
        .sequence()
        .checkpoint(String.class)
        .call(b -> "draft " + drafted.incrementAndGet())
        .approval(b -> "post:" + b.text, b -> "the draft", Duration.ofDays(1))
        .call(
            (Board b, dev.tasktree.spi.NodeContext ctx) ->
                "published "
                    + ctx.previous().orElseThrow().data()
                    + " #"
                    + published.incrementAndGet())
        .end()
        .build();
  }

  @Test
  void aSuspendedRunKeepsItsJournalOpenAndResumesWithTheDecisionWithoutRedoingItsWork()
      throws Exception {
    AtomicInteger drafted = new AtomicInteger();
    AtomicInteger published = new AtomicInteger();
    Tree<Board> tree = tree(drafted, published);
    InMemoryTraceSink traces = new InMemoryTraceSink();
    try (FileJournal journal = FileJournal.open(dir.resolve("journal"));
        FileSignalStore signals =
            new FileSignalStore(dir.resolve("signals"), Duration.ofMillis(20), Clock.systemUTC())) {
      RunOptions options =
          RunOptions.defaults()
              .withTraceSink(traces)
              .withSignalStore(signals)
              .withJournal(journal)
              .suspendOnApproval();

      Result first = tree.run(new Board("9"), options);
      assertThat(first.data()).isInstanceOf(SuspendedException.class);
      String runId = ((SuspendedException) first.data()).runId();
      assertThat(drafted).hasValue(1);
      assertThat(published).hasValue(0);
      assertThat(traces.last().summary().status()).isEqualTo(Status.WAITING);
      assertThat(journal.resumable()).contains(runId);

      // Resumed before anyone decided: suspends again, still resumable, nothing redone.
      Result again = tree.resume(runId, new Board("9"), options);
      assertThat(again.data())
          .isInstanceOfSatisfying(
              SuspendedException.class, e -> assertThat(e.runId()).isEqualTo(runId));
      assertThat(drafted).hasValue(1);
      assertThat(journal.resumable()).contains(runId);

      Decision.approve().deliver(signals, "post:9");
      Result resumed = tree.resume(runId, new Board("9"), options);
      assertThat(resumed).isEqualTo(Result.ok("published the draft #1"));
      assertThat(drafted).as("the checkpointed draft is replayed, not redone").hasValue(1);
      assertThat(journal.resumable()).doesNotContain(runId);
      Trace trace = traces.last();
      assertThat(trace.summary().status()).isEqualTo(Status.OK);
      Span approval = trace.spansOfKind("Approval").getFirst();
      assertThat(approval.attribute(Attributes.APPROVAL_OUTCOME).asText()).isEqualTo("approved");
    }
  }

  /** A journal whose process "dies" before a run's end is recorded: the run stays resumable. */
  private record DiesBeforeTheEnd(Journal inner) implements Journal {
    @Override
    public void begin(dev.tasktree.store.JournalHeader header) {
      inner.begin(header);
    }

    @Override
    public void append(String runId, dev.tasktree.store.Checkpoint checkpoint) {
      inner.append(runId, checkpoint);
    }

    @Override
    public java.util.Optional<dev.tasktree.store.JournalRecord> read(String runId) {
      return inner.read(runId);
    }

    @Override
    public void end(String runId, String status) {}

    @Override
    public java.util.List<String> resumable() {
      return inner.resumable();
    }

    @Override
    public void delete(String runId) {
      inner.delete(runId);
    }
  }

  @Test
  void aJournaledDecisionIsReplayedEvenWhenTheStoreNoLongerHasIt() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    Tree<Board> approveThenCrash =
        Tree.<Board>named("Publish")
            .sequence()
            .approval(b -> "post:" + b.text, b -> "the draft", Duration.ofDays(1))
            .call(
                b -> {
                  if (attempts.incrementAndGet() == 1) {
                    throw new IllegalStateException("the process died here");
                  }
                  return "published";
                })
            .end()
            .build();
    try (FileJournal files = FileJournal.open(dir.resolve("journal2"));
        FileSignalStore signals =
            new FileSignalStore(
                dir.resolve("signals2"), Duration.ofMillis(20), Clock.systemUTC())) {
      InMemoryTraceSink traces = new InMemoryTraceSink();
      RunOptions options =
          RunOptions.defaults()
              .withTraceSink(traces)
              .withSignalStore(signals)
              .withJournal(new DiesBeforeTheEnd(files));
      Decision.approve().deliver(signals, "post:10");
      Result crashed = approveThenCrash.run(new Board("10"), options);
      assertThat(crashed.isOk()).isFalse();
      String runId = traces.last().summary().traceId(); // a new run's id is its trace id
      signals.clear(Decision.signalKey("post:10")); // expired, or cleared by an operator
      Result resumed = approveThenCrash.resume(runId, new Board("10"), options);
      assertThat(resumed).isEqualTo(Result.ok("published"));
      Span approval = traces.last().spansOfKind("Approval").getFirst();
      assertThat(approval.status()).isEqualTo(Status.OK);
      assertThat(approval.attribute(Attributes.REPLAYED).asBoolean()).isTrue();
    }
  }
}
