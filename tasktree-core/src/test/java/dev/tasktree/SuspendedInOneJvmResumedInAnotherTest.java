package dev.tasktree;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasktree.store.FileJournal;
import dev.tasktree.store.FileSignalStore;
import dev.tasktree.trace.ChildJvm;
import dev.tasktree.trace.Status;
import dev.tasktree.trace.TraceReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN §3: a run suspended while it waits is resumed later in another process. A child JVM runs
 * the tree until the approval suspends it and exits; this JVM delivers the decision into the same
 * signal directory and resumes the run from the same file journal: the step before the approval is
 * replayed (it ran once, in the child), the run finishes OK.
 */
class SuspendedInOneJvmResumedInAnotherTest {

  @TempDir Path dir;

  @Test
  void aRunSuspendedAndExitedInOneJvmIsResumedInAnother() throws Exception {
    String runId;
    try (ChildJvm child = ChildJvm.start(SuspendingChild.class, dir.toString())) {
      String line = child.awaitLine("SUSPENDED", Duration.ofSeconds(60));
      runId = line.substring("SUSPENDED ".length()).trim();
      assertThat(child.awaitExit(Duration.ofSeconds(30))).isZero();
      assertThat(child.lines()).containsOnlyOnce("DRAFTED");
    }
    assertThat(
            new TraceReader()
                .read(dir.resolve("traces").resolve(runId + ".jsonl"))
                .summary()
                .status())
        .isEqualTo(Status.WAITING);

    AtomicInteger draftedHere = new AtomicInteger();
    try (FileJournal journal = FileJournal.open(dir.resolve("journal"));
        FileSignalStore signals = new FileSignalStore(dir.resolve("signals"))) {
      assertThat(journal.resumable()).containsExactly(runId);
      Decision.approve().deliver(signals, "post:77");
      Result resumed =
          SuspendingChild.tree(draftedHere::incrementAndGet)
              .resume(
                  runId,
                  new Board("77"),
                  RunOptions.defaults()
                      .withSignalStore(signals)
                      .withJournal(journal)
                      .suspendOnApproval());
      assertThat(resumed).isEqualTo(Result.ok("published"));
      assertThat(draftedHere).as("the draft is replayed from the child's journal").hasValue(0);
      assertThat(journal.resumable()).isEmpty();
    }
  }
}
