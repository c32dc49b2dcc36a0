package dev.tasktree.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a {@link Retention} to a trace directory: deletes the traces that are too old or beyond
 * the newest {@code keep}. Never deletes a running trace, nor a file that changed since it was read
 * or was written to within the staleness threshold (a run may still be writing it); a link is
 * deleted itself, never its target. Stateless.
 */
final class Pruner {

  private static final Logger LOG = LoggerFactory.getLogger(Pruner.class);

  private Pruner() {}

  /**
   * The entries a retention would delete, newest first.
   *
   * @param now the current time
   * @param staleAfter files modified more recently than this are never deleted
   */
  static List<IndexEntry> victims(
      Collection<IndexEntry> entries, Retention retention, Instant now, Duration staleAfter) {
    List<IndexEntry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparingLong(IndexEntry::startKey).reversed());
    Instant oldest = retention.maxAge() == null ? null : now.minus(retention.maxAge());
    List<IndexEntry> victims = new ArrayList<>();
    int kept = 0;
    for (IndexEntry e : sorted) {
      if (e.running() || e.modified().plus(staleAfter).isAfter(now)) {
        continue; // live, or possibly live: always kept
      }
      boolean tooMany = retention.keep() != null && kept >= retention.keep();
      boolean tooOld = oldest != null && start(e).isBefore(oldest);
      if (tooMany || tooOld) {
        victims.add(e);
      } else {
        kept++;
      }
    }
    return victims;
  }

  /**
   * Deletes the victims whose files are still as they were read.
   *
   * @return the entries deleted
   */
  static List<IndexEntry> delete(TraceFileReader files, List<IndexEntry> victims) {
    List<IndexEntry> deleted = new ArrayList<>();
    for (IndexEntry e : victims) {
      Path file = files.file(e.id());
      try {
        BasicFileAttributes now = TraceFileReader.attributes(file);
        if (now == null
            || now.isDirectory()
            || now.size() != e.size()
            || !now.lastModifiedTime().toInstant().equals(e.modified())) {
          continue; // gone or changed since it was read: decide again next time
        }
        Files.deleteIfExists(file); // a link itself, not its target
        deleted.add(e);
      } catch (IOException e2) {
        LOG.warn("cannot delete {}: {}", file, e2.toString());
      }
    }
    return deleted;
  }

  private static Instant start(IndexEntry e) {
    return e.summary() == null ? e.modified() : e.summary().start();
  }
}
