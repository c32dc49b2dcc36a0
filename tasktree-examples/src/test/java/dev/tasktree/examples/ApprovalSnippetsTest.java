package dev.tasktree.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tasktree.ApprovalRejectedException;
import dev.tasktree.Decision;
import dev.tasktree.Result;
import dev.tasktree.RunOptions;
import dev.tasktree.SuspendedException;
import dev.tasktree.store.FileJournal;
import dev.tasktree.store.FileSignalStore;
import dev.tasktree.store.InMemorySignalStore;
import dev.tasktree.trace.Status;
import dev.tasktree.trace.TraceReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The snippets of docs/approvals.md do what the page says. */
class ApprovalSnippetsTest {

  @Test
  void anApprovedPostIsPublishedAndARejectedOneFailsWithTheComment() {
    InMemorySignalStore store = new InMemorySignalStore();
    RunOptions options = RunOptions.defaults().withSignalStore(store);
    ApprovalSnippets.decide(store, "1", true);
    ApprovalSnippets.Post ok = new ApprovalSnippets.Post("1");
    assertThat(ApprovalSnippets.PUBLISH.run(ok, options)).isEqualTo(Result.ok("Hello from 1"));
    assertThat(ok.published()).isEqualTo("Hello from 1");

    ApprovalSnippets.decide(store, "2", false);
    Result rejected = ApprovalSnippets.PUBLISH.run(new ApprovalSnippets.Post("2"), options);
    assertThat(rejected.data())
        .isInstanceOfSatisfying(
            ApprovalRejectedException.class, e -> assertThat(e.comment()).isEqualTo("tone is off"));
  }

  @Test
  void aRunOverTheTraceDirTakesADecisionWrittenIntoItsSignalsDirectory(@TempDir Path traceDir)
      throws Exception {
    ApprovalSnippets.Post post = new ApprovalSnippets.Post("3");
    CompletableFuture<Result> run =
        CompletableFuture.supplyAsync(() -> ApprovalSnippets.publishWithTheUi(post, traceDir));
    TraceReader reader = new TraceReader();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              try (Stream<Path> files = Files.list(traceDir)) {
                Path file =
                    files.filter(p -> p.toString().endsWith(".jsonl")).findFirst().orElse(null);
                return file != null && reader.read(file).summary().status() == Status.WAITING;
              }
            });
    // What the trace server does on Approve:
    try (FileSignalStore signals = FileSignalStore.inTraceDir(traceDir)) {
      Decision.approve().deliver(signals, "post:3");
    }
    assertThat(run.get(20, TimeUnit.SECONDS)).isEqualTo(Result.ok("Hello from 3"));
  }

  @Test
  void aSuspendingWorkerStopsAtOnceAndTheResumeTakesTheDecision(@TempDir Path dir)
      throws Exception {
    InMemorySignalStore store = new InMemorySignalStore();
    try (FileJournal journal = FileJournal.open(dir)) {
      RunOptions options = RunOptions.defaults().withSignalStore(store).withJournal(journal);
      ApprovalSnippets.Post post = new ApprovalSnippets.Post("4");
      Result first = ApprovalSnippets.publishOrSuspend(post, options);
      assertThat(first.data()).isInstanceOf(SuspendedException.class);
      String runId = ((SuspendedException) first.data()).runId();
      assertThat(journal.resumable()).containsExactly(runId);
      ApprovalSnippets.decide(store, "4", true);
      assertThat(ApprovalSnippets.continueRun(runId, new ApprovalSnippets.Post("4"), options))
          .isEqualTo(Result.ok("Hello from 4"));
      assertThat(journal.resumable()).isEmpty();
    }
  }
}
