package dev.tasktree.store;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A child JVM for {@link FileJournalTest}: begins run {@code args[1]} in a file journal at {@code
 * args[0]} and appends large checkpoints without end, reporting every hundredth, until killed.
 */
public final class JournalAppendingChild {

  private JournalAppendingChild() {}

  /** Runs until killed. */
  public static void main(String[] args) {
    FileJournal journal = FileJournal.open(Path.of(args[0]), FileJournal.Sync.NONE);
    String runId = args[1];
    journal.begin(new JournalHeader(runId, "Tree", "f", "{}", Instant.now()));
    String big = "\"" + "y".repeat(64 * 1024) + "\"";
    for (int i = 0; ; i++) {
      journal.append(runId, new Checkpoint("T > Step | result | " + i, true, big, Instant.now()));
      if ((i + 1) % 100 == 0) {
        System.out.println("APPENDED " + (i + 1));
      }
    }
  }
}
