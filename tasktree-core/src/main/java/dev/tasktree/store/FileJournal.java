package dev.tasktree.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasktree.trace.TraceIds;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded {@link Journal}: a directory with one append-only file per run, {@code
 * <runId>.journal}, of JSON lines — a header line first, then one line per completed checkpoint in
 * completion order, then an end line once the run ended.
 *
 * <pre>{@code
 * Journal journal = FileJournal.open(Path.of(".journal"));
 * Result result = tree.run(board, RunOptions.defaults().withJournal(journal));
 * }</pre>
 *
 * <p><b>Crash safety.</b> A record is one line written with a single write. A crash in the middle
 * of a write leaves at most a torn last line (no newline, or not JSON): {@link #read} ignores it
 * and the next write to that run — the resumed run's {@link #begin} — cuts it off before appending.
 * A bad line anywhere else means the file was damaged or is not a journal, and reading it fails
 * with a {@link StoreException} naming the file and line. Every failure is a {@code
 * StoreException}.
 *
 * <p><b>Fsync policy</b> ({@link Sync}): {@link Sync#EVERY_APPEND} (the default) forces every
 * record to the disk before {@link #append} returns — a completed checkpoint survives a power cut,
 * at the cost of one fsync per checkpoint (tens of microseconds on an SSD, milliseconds on a disk:
 * small next to an LLM call). {@link Sync#BATCHED} forces at most once per {@value #BATCH_MILLIS}
 * ms (and at the end of a run): a kill -9 loses nothing (the data is in the OS's cache), a power
 * cut may lose the checkpoints of the last {@value #BATCH_MILLIS} ms, which then run again on
 * resume. {@link Sync#NONE} never forces: a kill -9 still loses nothing, a power cut may lose any
 * recent record.
 *
 * <p><b>Concurrency.</b> Thread-safe: a Gather appends from many threads; records of one run are
 * appended one at a time. While a run's file is open for writing, this process holds an OS lock on
 * it, so a second process resuming the same run at once fails to write with a clear error instead
 * of interleaving records. Run ids must be trace ids (letters, digits, '-' and '_'), so no path
 * leaves the directory.
 */
public final class FileJournal implements Journal, AutoCloseable {

  /** When {@link #append} forces its record to the disk. */
  public enum Sync {
    /** Every record is on the disk before {@code append} returns (the default). */
    EVERY_APPEND,
    /** At most one fsync per {@value FileJournal#BATCH_MILLIS} ms, and one at the end of a run. */
    BATCHED,
    /** Never: the OS writes the records back when it chooses. */
    NONE
  }

  /** The most time {@link Sync#BATCHED} lets pass between two fsyncs of a run's file. */
  public static final long BATCH_MILLIS = 50;

  /** The largest journal file {@link #read} accepts. */
  public static final long MAX_FILE_BYTES = 512L * 1024 * 1024;

  static final String SUFFIX = ".journal";

  private static final Logger LOG = LoggerFactory.getLogger(FileJournal.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path directory;
  private final Sync sync;
  private final ConcurrentHashMap<String, RunFile> open = new ConcurrentHashMap<>();

  private FileJournal(Path directory, Sync sync) {
    this.directory = directory;
    this.sync = sync;
  }

  /** A journal in {@code directory} (created when missing) that fsyncs every append. */
  public static FileJournal open(Path directory) {
    return open(directory, Sync.EVERY_APPEND);
  }

  /**
   * A journal in {@code directory} (created when missing) with the given fsync policy.
   *
   * @throws StoreException when the directory cannot be created or is not a directory
   */
  public static FileJournal open(Path directory, Sync sync) {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(sync, "sync");
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new StoreException("cannot create the journal directory " + directory + ": " + e, e);
    }
    if (!Files.isDirectory(directory)) {
      throw new StoreException("the journal path " + directory + " is not a directory");
    }
    return new FileJournal(directory.toAbsolutePath().normalize(), sync);
  }

  /** The directory. */
  public Path directory() {
    return directory;
  }

  /** The fsync policy. */
  public Sync sync() {
    return sync;
  }

  // ------------------------------------------------------------------ Journal

  @Override
  public void begin(JournalHeader header) {
    Objects.requireNonNull(header, "header");
    Path file = file(header.runId());
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      ObjectNode line = JSON.createObjectNode();
      line.put("type", "header");
      line.put("runId", header.runId());
      line.put("tree", header.treeName());
      line.put("fingerprint", header.shapeFingerprint());
      line.put("shape", header.shapeJson());
      line.put("startedAt", header.startedAt().toString());
      byte[] bytes = bytes(line);
      try (FileChannel channel =
          FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        writeFully(channel, bytes);
        if (sync != Sync.NONE) { // the header and the file's directory entry
          channel.force(true);
          forceDirectory();
        }
        return;
      } catch (FileAlreadyExistsException e) {
        // another begin won the race: the run exists, go on as for a resume
      } catch (IOException e) {
        throw new StoreException("cannot create journal " + file + ": " + e, e);
      }
    }
    RunFile run = runFile(header.runId());
    if (!run.parsed.header().runId().equals(header.runId())) {
      throw new StoreException(
          "journal " + file + " belongs to run '" + run.parsed.header().runId() + "'");
    }
  }

  @Override
  public void append(String runId, Checkpoint checkpoint) {
    Objects.requireNonNull(checkpoint, "checkpoint");
    ObjectNode line = JSON.createObjectNode();
    line.put("type", "checkpoint");
    line.put("key", checkpoint.key());
    line.put("ok", checkpoint.ok());
    line.put("data", checkpoint.dataJson());
    line.put("at", checkpoint.completedAt().toString());
    runFile(runId).write(bytes(line), false);
  }

  @Override
  public Optional<JournalRecord> read(String runId) {
    Path file = file(runId);
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    return Optional.of(parse(file, runId).record());
  }

  @Override
  public void end(String runId, String status) {
    Objects.requireNonNull(status, "status");
    ObjectNode line = JSON.createObjectNode();
    line.put("type", "end");
    line.put("status", status);
    line.put("at", Instant.now().toString());
    RunFile run = runFile(runId);
    try {
      run.write(bytes(line), true);
    } finally {
      open.remove(runId, run);
      run.close();
    }
  }

  @Override
  public List<String> resumable() {
    record Entry(String runId, Instant startedAt) {}
    List<Entry> entries = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        String runId = name.substring(0, name.length() - SUFFIX.length());
        if (!TraceIds.isValid(runId) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        try {
          JournalRecord record = parse(file, runId).record();
          if (record.endStatus().isEmpty()) {
            entries.add(new Entry(runId, record.header().startedAt()));
          }
        } catch (StoreException e) {
          LOG.warn("skipping an unreadable journal: {}", e.getMessage());
        }
      }
    } catch (IOException e) {
      throw new StoreException("cannot list the journal directory " + directory + ": " + e, e);
    }
    entries.sort(Comparator.comparing(Entry::startedAt).thenComparing(Entry::runId));
    return entries.stream().map(Entry::runId).toList();
  }

  @Override
  public void delete(String runId) {
    Path file = file(runId);
    RunFile run = open.remove(runId);
    if (run != null) {
      run.close();
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new StoreException("cannot delete journal " + file + ": " + e, e);
    }
  }

  /**
   * Closes the files of the runs this journal has open (and releases their locks) without ending
   * them: they stay resumable, by this journal (which reopens them on the next write) or another.
   */
  @Override
  public void close() {
    for (String runId : List.copyOf(open.keySet())) {
      RunFile run = open.remove(runId);
      if (run != null) {
        run.close();
      }
    }
  }

  // ------------------------------------------------------------------ files

  private Path file(String runId) {
    if (!TraceIds.isValid(runId)) {
      throw new StoreException(
          "not a run id: '"
              + (runId == null ? "null" : runId.length() > 80 ? runId.substring(0, 80) : runId)
              + "' (run ids are trace ids: letters, digits, '-' and '_', at most 128)");
    }
    return directory.resolve(runId + SUFFIX);
  }

  /** The open file of run {@code runId}, opened (torn tail cut off, lock taken) on first use. */
  private RunFile runFile(String runId) {
    RunFile run = open.get(runId);
    if (run != null) {
      return run;
    }
    synchronized (open) {
      run = open.get(runId);
      if (run == null) {
        run = RunFile.open(file(runId), runId, sync);
        open.put(runId, run);
      }
      return run;
    }
  }

  private void forceDirectory() {
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // some platforms cannot open a directory; the file's own fsync is then all there is
    }
  }

  private static byte[] bytes(ObjectNode line) {
    try {
      return (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new StoreException("cannot write a journal record: " + e, e);
    }
  }

  private static void writeFully(FileChannel channel, byte[] bytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  /** A parsed file: its record and the length of its good part (up to the last good line). */
  private record Parsed(JournalHeader header, JournalRecord record, long goodLength) {}

  /** Reads and checks a whole journal file. */
  private static Parsed parse(Path file, String runId) {
    byte[] content;
    try {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        throw new StoreException("journal " + file + " is not a regular file");
      }
      long size = Files.size(file);
      if (size > MAX_FILE_BYTES) {
        throw new StoreException(
            "journal " + file + " is " + size + " bytes; the limit is " + MAX_FILE_BYTES);
      }
      content = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new StoreException("journal " + file + " is gone", e);
    } catch (IOException e) {
      throw new StoreException("cannot read journal " + file + ": " + e, e);
    }
    JournalHeader header = null;
    List<Checkpoint> checkpoints = new ArrayList<>();
    String endStatus = null;
    long good = 0;
    int lineNumber = 0;
    int start = 0;
    while (start < content.length) {
      int newline = indexOf(content, (byte) '\n', start);
      if (newline < 0) {
        break; // a torn last record: no newline; ignored
      }
      lineNumber++;
      boolean last = indexOf(content, (byte) '\n', newline + 1) < 0;
      JsonNode line;
      try {
        line = JSON.readTree(new String(content, start, newline - start, StandardCharsets.UTF_8));
        if (line == null || !line.isObject()) {
          throw new IOException("not a JSON object");
        }
      } catch (IOException e) {
        if (last && header != null && endStatus == null) {
          break; // a torn last record that ended in a newline (e.g. zero-filled); ignored
        }
        throw new StoreException(
            "journal " + file + " is damaged at line " + lineNumber + ": " + e.getMessage(), e);
      }
      try {
        String type = text(line, "type");
        if (header == null) {
          if (!type.equals("header")) {
            throw new IllegalArgumentException("the first line is not a header");
          }
          header =
              new JournalHeader(
                  text(line, "runId"),
                  text(line, "tree"),
                  text(line, "fingerprint"),
                  text(line, "shape"),
                  Instant.parse(text(line, "startedAt")));
          if (!header.runId().equals(runId)) {
            throw new IllegalArgumentException(
                "it is the journal of run '" + header.runId() + "', not of '" + runId + "'");
          }
        } else if (endStatus != null) {
          throw new IllegalArgumentException("a record follows the end record");
        } else if (type.equals("checkpoint")) {
          JsonNode data = line.get("data");
          if (data == null
              || !(data.isTextual() || data.isNull())
              || !line.path("ok").isBoolean()) {
            throw new IllegalArgumentException("a checkpoint needs 'ok' and a string 'data'");
          }
          checkpoints.add(
              new Checkpoint(
                  text(line, "key"),
                  line.get("ok").booleanValue(),
                  data.isNull() ? null : data.textValue(),
                  Instant.parse(text(line, "at"))));
        } else if (type.equals("end")) {
          endStatus = text(line, "status");
        } else {
          throw new IllegalArgumentException("unknown record type '" + type + "'");
        }
      } catch (RuntimeException e) {
        throw new StoreException(
            "journal " + file + " is not a valid journal at line " + lineNumber + ": " + e, e);
      }
      good = newline + 1;
      start = newline + 1;
    }
    if (header == null) {
      throw new StoreException("journal " + file + " has no header (empty or torn at creation)");
    }
    return new Parsed(
        header, new JournalRecord(header, checkpoints, Optional.ofNullable(endStatus)), good);
  }

  private static String text(JsonNode line, String field) {
    JsonNode value = line.get(field);
    if (value == null || !value.isTextual()) {
      throw new IllegalArgumentException("'" + field + "' must be a string");
    }
    return value.textValue();
  }

  private static int indexOf(byte[] bytes, byte b, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }

  /** One run's file, open for appending, locked by this process. */
  private static final class RunFile {
    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final Sync sync;
    private final Parsed parsed;
    private long lastForce = System.nanoTime();
    private boolean ended;
    private boolean closed;

    private RunFile(Path file, FileChannel channel, FileLock lock, Sync sync, Parsed parsed) {
      this.file = file;
      this.channel = channel;
      this.lock = lock;
      this.sync = sync;
      this.parsed = parsed;
      this.ended = parsed.record().endStatus().isPresent();
    }

    static RunFile open(Path file, String runId, Sync sync) {
      if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        throw new StoreException("the journal has no run '" + runId + "' (begin it first)");
      }
      FileChannel channel = null;
      try {
        channel =
            FileChannel.open(
                file, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        FileLock lock;
        try {
          lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
          lock = null;
        }
        if (lock == null) {
          throw new StoreException(
              "journal " + file + " is being written by another journal or process");
        }
        Parsed parsed = parse(file, runId);
        if (channel.size() > parsed.goodLength()) { // cut off a torn last record
          channel.truncate(parsed.goodLength());
          channel.force(true);
        }
        channel.position(parsed.goodLength());
        return new RunFile(file, channel, lock, sync, parsed);
      } catch (IOException e) {
        closeQuietly(channel);
        throw new StoreException("cannot open journal " + file + ": " + e, e);
      } catch (RuntimeException e) {
        closeQuietly(channel);
        throw e;
      }
    }

    synchronized void write(byte[] bytes, boolean last) {
      if (closed) {
        throw new StoreException("journal " + file + " was closed (the run ended or was deleted)");
      }
      if (ended) {
        throw new StoreException("journal " + file + " has ended; nothing more can be appended");
      }
      long before;
      try {
        before = channel.position();
      } catch (IOException e) {
        throw new StoreException("cannot append to journal " + file + ": " + e, e);
      }
      try {
        writeFully(channel, bytes);
        boolean force =
            switch (sync) {
              case EVERY_APPEND -> true;
              case BATCHED -> last || System.nanoTime() - lastForce >= BATCH_MILLIS * 1_000_000;
              case NONE -> false;
            };
        if (force) {
          channel.force(false);
          lastForce = System.nanoTime();
        }
      } catch (IOException e) {
        try { // a half-written record must not stay in front of the next one
          channel.truncate(before);
          channel.position(before);
        } catch (IOException ignored) {
          // the next open cuts a torn last record off
        }
        throw new StoreException("cannot append to journal " + file + ": " + e, e);
      }
      if (last) {
        ended = true;
      }
    }

    synchronized void close() {
      if (closed) {
        return;
      }
      closed = true;
      try {
        if (lock.isValid()) {
          lock.release();
        }
      } catch (IOException e) {
        // the channel's close releases it too
      }
      closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException e) {
          // nothing more to do
        }
      }
    }
  }
}
