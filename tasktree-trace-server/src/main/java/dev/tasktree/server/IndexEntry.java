package dev.tasktree.server;

import dev.tasktree.trace.Status;
import dev.tasktree.trace.TraceSummary;
import java.time.Instant;

/**
 * What the index knows about one trace file: its summary when readable, or why it is not.
 *
 * @param id the trace id (the file name without {@code .jsonl})
 * @param size the file size when it was read
 * @param modified the file's modification time when it was read
 * @param summary the summary, null when unreadable
 * @param unreadableReason why the file could not be read, null when readable
 */
record IndexEntry(
    String id, long size, Instant modified, TraceSummary summary, String unreadableReason) {

  boolean readable() {
    return summary != null;
  }

  /** The status to filter on: the trace's status, or {@code UNREADABLE}. */
  String statusName() {
    return summary == null ? "UNREADABLE" : summary.status().name();
  }

  /**
   * Whether the trace may still change: running, or waiting for an approval (live, or suspended and
   * resumable). Such a trace is re-read when it goes quiet and never pruned.
   */
  boolean running() {
    return summary != null
        && (summary.status() == Status.RUNNING || summary.status() == Status.WAITING);
  }

  /** Sort key for "start": start in epoch microseconds (file time when unreadable). */
  long startKey() {
    Instant t = summary == null ? modified : summary.start();
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
  }

  /** Sort key for "duration": microseconds, -1 when unreadable. */
  long durationKey() {
    return summary == null ? -1 : summary.duration().toNanos() / 1_000;
  }

  /** Sort key for "cost": US dollars, -1 when unreadable. */
  double costKey() {
    return summary == null ? -1 : summary.costUsd();
  }
}
