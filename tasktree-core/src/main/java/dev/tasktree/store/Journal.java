package dev.tasktree.store;

import java.util.List;
import java.util.Optional;

/**
 * The durable record of runs that can be resumed: for each run, a header (which tree, and the
 * fingerprint of its shape) and the results of its completed checkpoints in the order they
 * completed. A resumed run reads its journal and returns journaled results instead of running those
 * checkpoints again. Implementations must be thread-safe (a Gather completes checkpoints from many
 * threads), must make an appended record durable before {@link #append} returns (within their
 * documented fsync policy), and must ignore a torn last record left by a crash. Every failure is a
 * {@link StoreException}.
 *
 * <p>The file journal in core serves one machine; {@code dev.tasktree.redis.RedisJournal} lets a
 * run started on one machine resume on another.
 */
public interface Journal {

  /**
   * Records that run {@code header.runId()} starts (or resumes): a new run's header is stored; a
   * resumed run's header is left as it was.
   */
  void begin(JournalHeader header);

  /** Appends one completed checkpoint of run {@code runId}. */
  void append(String runId, Checkpoint checkpoint);

  /** The journal of run {@code runId}, or empty when it has none. */
  Optional<JournalRecord> read(String runId);

  /**
   * Records that run {@code runId} ended with {@code status} ({@code OK}, {@code FAIL} or {@code
   * CANCELLED}): it is no longer resumable. A run that suspends while waiting is not ended.
   */
  void end(String runId, String status);

  /** The ids of runs that began and have not ended, oldest first. */
  List<String> resumable();

  /** Removes run {@code runId}'s journal (e.g. once its result was consumed). */
  void delete(String runId);
}
