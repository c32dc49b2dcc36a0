package dev.tasktree.store;

import java.util.List;
import java.util.Optional;

/**
 * A run's journal as read back.
 *
 * @param header the run's header
 * @param checkpoints its completed checkpoints in completion order (a key may repeat only if a
 *     resumed run re-ran a checkpoint whose record was torn; the last one counts)
 * @param endStatus the status it ended with, empty while it is resumable
 */
public record JournalRecord(
    JournalHeader header, List<Checkpoint> checkpoints, Optional<String> endStatus) {

  /** Copies the list. */
  public JournalRecord {
    checkpoints = List.copyOf(checkpoints);
  }
}
