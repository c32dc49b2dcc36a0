package dev.tasktree.server;

import dev.tasktree.trace.Trace;
import dev.tasktree.trace.TraceEvent;
import dev.tasktree.trace.TraceFormat;
import dev.tasktree.trace.TraceReader;
import dev.tasktree.trace.TraceSummary;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Optional;

/**
 * Reads the files of one trace directory, safely: never through a symbolic link (a link is listed
 * with a reason and never opened; files are opened with {@code O_NOFOLLOW}), never anything but a
 * regular file (FIFOs, sockets and devices are listed, not opened), lines capped in length, whole
 * reads only within the shared {@link LoadBudget}. Reasons for unreadable files are fixed texts
 * that never quote a file's content. Thread-safe.
 */
final class TraceFileReader {

  /** The longest line read; longer lines count as corrupt. */
  static final int MAX_LINE = TraceFormat.MAX_LINE_BYTES;

  /** How long a request or the index waits for room in the budget. */
  static final long BUDGET_WAIT_MILLIS = 30_000;

  /** A first line may be as long as any line: it carries the tree's shape. */
  private static final int PROBE_LIMIT = MAX_LINE;

  private final Path dir;
  private final TraceReader reader;
  private final LoadBudget budget;

  TraceFileReader(Path dir, TraceReader reader, LoadBudget budget) {
    this.dir = dir;
    this.reader = reader;
    this.budget = budget;
  }

  Path directory() {
    return dir;
  }

  LoadBudget budget() {
    return budget;
  }

  /** The file of a trace id (the id must be valid). */
  Path file(String id) {
    return dir.resolve(id + TraceIndex.SUFFIX);
  }

  /** The file's own attributes (a link's, not its target's); null when it does not exist. */
  static BasicFileAttributes attributes(Path file) throws IOException {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** Why a directory entry is not opened, or null for a regular file. */
  static String notRegular(BasicFileAttributes attrs) {
    if (attrs.isSymbolicLink()) {
      return "a symbolic link: links are never followed (traces are read only from regular files"
          + " in the trace directory)";
    }
    if (attrs.isDirectory()) {
      return "a directory, not a trace file";
    }
    if (!attrs.isRegularFile()) {
      return "not a regular file (a FIFO, socket or device): never opened";
    }
    return null;
  }

  private static final java.util.Set<java.nio.file.OpenOption> READ_NOFOLLOW =
      java.util.Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);

  /** Opens a regular file for reading without following a link. */
  static FileChannel open(Path file) throws IOException {
    return FileChannel.open(file, READ_NOFOLLOW);
  }

  /**
   * What the index shows for one file. Never throws, whatever the file holds: an unreadable file
   * gets an entry that says why.
   */
  IndexEntry entry(String id, Path file, BasicFileAttributes attrs) {
    long size = attrs.size();
    Instant modified = attrs.lastModifiedTime().toInstant();
    String notRegular = notRegular(attrs);
    if (notRegular != null) {
      return new IndexEntry(id, size, modified, null, notRegular);
    }
    if (size == 0) {
      return new IndexEntry(id, size, modified, null, "empty file");
    }
    try (FileChannel channel = open(file)) {
      // The head and tail only, for a trace its writer finished (the common case); the summary
      // read checks that the head is a trace start.
      Optional<TraceSummary> quick = reader.readSummary(channel, size);
      if (quick.isPresent()) {
        return new IndexEntry(id, size, modified, quick.get(), null);
      }
      String reason = probe(channel);
      if (reason != null) {
        return new IndexEntry(id, size, modified, null, reason);
      }
      if (size > budget.maxBytes()) {
        return new IndexEntry(id, size, modified, null, tooLarge(size, "index"));
      }
      try (LoadBudget.Lease lease = budget.reserve(size, BUDGET_WAIT_MILLIS)) {
        if (lease == null) {
          return null; // busy: the caller tries again later
        }
        Trace trace = read(channel, size, file);
        return new IndexEntry(id, size, modified, trace.summary(), null);
      }
    } catch (TraceReader.UnreadableTraceException e) {
      return new IndexEntry(id, size, modified, null, "not a TaskTree trace: no trace event");
    } catch (IOException e) {
      return new IndexEntry(
          id, size, modified, null, "cannot read: " + e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
      return new IndexEntry(
          id, size, modified, null, "cannot read: " + e.getClass().getSimpleName());
    }
  }

  /** Reads the first {@code upTo} bytes of an open trace file; the caller holds a lease. */
  Trace read(FileChannel channel, long upTo, Path file) throws IOException {
    InputStream in = new CappedLines(Channels.newInputStream(channel.position(0)), MAX_LINE, upTo);
    return reader.read(in, file.getFileName().toString());
  }

  /** The reason a file is too large, naming the limit and what to do. */
  String tooLarge(long size, String what) {
    return String.format(
        "too large to %s: %,d MB (this server loads files up to %,d MB; give it more heap with"
            + " -Xmx)",
        what, size >> 20, budget.maxBytes() >> 20);
  }

  /**
   * Checks the first line before anything else is read, so a huge file that is not a trace (one
   * gigantic line, binary data) is rejected after reading at most one line's limit.
   *
   * @return why the file is not a trace, or null when its first line is a trace start
   */
  static String probe(FileChannel channel) throws IOException {
    long size = channel.size();
    ByteBuffer head = ByteBuffer.allocate((int) Math.min(PROBE_LIMIT, size));
    while (head.hasRemaining() && channel.read(head, head.position()) > 0) {
      // fill
    }
    int n = head.position();
    byte[] bytes = head.array();
    int newline = -1;
    for (int i = 0; i < n; i++) {
      if (bytes[i] == '\n') {
        newline = i;
        break;
      }
    }
    if (newline < 0 && size > PROBE_LIMIT) {
      return "not a TaskTree trace: its first line is longer than " + (PROBE_LIMIT >> 20) + " MB";
    }
    String first = new String(bytes, 0, newline < 0 ? n : newline, StandardCharsets.UTF_8);
    if (first.isBlank()) {
      return null; // the reader decides what a leading blank line means
    }
    TraceEvent event;
    try {
      event = TraceEvent.parse(first, null);
    } catch (RuntimeException e) {
      // The parser's message would quote the file: the reason says only what kind of problem.
      String m = String.valueOf(e.getMessage());
      return m.startsWith("unsupported trace format version")
          ? "not readable by this server: " + m.replaceAll("[^a-z0-9 ]", "")
          : "not a TaskTree trace: its first line is not a trace event";
    }
    return event instanceof TraceEvent.TraceStarted
        ? null
        : "not a TaskTree trace: it does not start with a trace event";
  }
}
