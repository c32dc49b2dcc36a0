package dev.tasktree;

import dev.tasktree.store.FileJournal;
import dev.tasktree.store.FileSignalStore;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The first process of {@link SuspendedInOneJvmResumedInAnotherTest}: {@code DIR} runs {@link
 * #TREE} with a file journal and file signals under DIR, suspending on the approval; prints {@code
 * SUSPENDED <runId>} and exits, as a worker would.
 */
public final class SuspendingChild {

  private SuspendingChild() {}

  /** The tree both processes build: a checkpointed step, an approval, a step. */
  static Tree<Board> tree(Runnable drafted) {
    return Tree.<Board>named("Publish")
        .sequence()
        .checkpoint(String.class)
        .call(
            b -> {
              drafted.run();
              return "draft";
            })
        .approval(b -> "post:" + b.text, b -> "the draft", Duration.ofDays(1))
        .call(b -> "published")
        .end()
        .build();
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    try (FileJournal journal = FileJournal.open(dir.resolve("journal"));
        FileSignalStore signals = new FileSignalStore(dir.resolve("signals"))) {
      Result result =
          tree(() -> System.out.println("DRAFTED"))
              .run(
                  new Board("77"),
                  RunOptions.defaults()
                      .withTraceDir(dir.resolve("traces"))
                      .withSignalStore(signals)
                      .withJournal(journal)
                      .suspendOnApproval());
      if (result.data() instanceof SuspendedException suspended) {
        System.out.println("SUSPENDED " + suspended.runId());
      } else {
        System.out.println("NOT SUSPENDED " + result);
      }
    }
    System.out.flush();
    System.exit(0);
  }
}
