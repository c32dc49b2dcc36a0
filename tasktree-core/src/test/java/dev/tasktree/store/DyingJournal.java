package dev.tasktree.store;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A journal that keeps only the first {@code keep} checkpoints of a run and never records its end:
 * what a process killed right after its {@code keep}-th checkpoint leaves behind. For tests of
 * replay logic in one JVM; the crash tests kill real child JVMs. Shared through core's test jar.
 */
public final class DyingJournal implements Journal {

  private final Journal real;
  private final AtomicInteger left;

  /** Keeps {@code keep} checkpoints in {@code real}. */
  public DyingJournal(Journal real, int keep) {
    this.real = real;
    this.left = new AtomicInteger(keep);
  }

  @Override
  public void begin(JournalHeader header) {
    real.begin(header);
  }

  @Override
  public void append(String runId, Checkpoint checkpoint) {
    if (left.getAndDecrement() > 0) {
      real.append(runId, checkpoint);
    }
  }

  @Override
  public Optional<JournalRecord> read(String runId) {
    return real.read(runId);
  }

  @Override
  public void end(String runId, String status) {}

  @Override
  public List<String> resumable() {
    return real.resumable();
  }

  @Override
  public void delete(String runId) {
    real.delete(runId);
  }
}
