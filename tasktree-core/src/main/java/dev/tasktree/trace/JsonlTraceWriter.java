package dev.tasktree.trace;

import dev.tasktree.trace.TraceEvent.Heartbeat;
import dev.tasktree.trace.TraceEvent.SpanEnded;
import dev.tasktree.trace.TraceEvent.SpanStarted;
import dev.tasktree.trace.TraceEvent.TraceEnded;
import dev.tasktree.trace.TraceEvent.TraceStarted;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each run's events to {@code <directory>/<traceId>.jsonl}, one JSON object per line,
 * append-only.
 *
 * <p>The run's threads encode each event to a line and enqueue it, never touching the disk (unless
 * more than 16 MB are waiting: then they pause until the writer catches up). One background thread
 * appends the lines in batches and hands them to the OS at least every {@code flushInterval} (25 ms
 * by default), so a process killed mid-run leaves a readable trace missing at most that window.
 * While a run is open the writer appends a heartbeat every {@code heartbeatInterval} (2 s by
 * default) of silence, so a reader can tell a live run from a dead one. A write error is logged
 * once per trace and that trace's further events are dropped; the run itself never sees it. The
 * last line of a finished trace is a {@code summary} line with its totals (see {@code
 * docs/trace-format.md}), so an index can read a file's first and last lines only.
 *
 * <p>Thread-safe. Use {@link TraceSink#jsonl(Path)} for the per-directory shared instance, or
 * {@link #open} for one with other intervals (close it when done).
 */
public final class JsonlTraceWriter implements TraceSink, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(JsonlTraceWriter.class);

  /**
   * Bytes of encoded lines the writer may fall behind by before emitters are slowed down: memory
   * stays bounded when runs produce events faster than the disk takes them, for a long time. A full
   * backlog is young objects that every garbage collection copies: at 64 MB the collector took a
   * third of a saturated traced run's time (JMH gc.time), at 16 MB a tenth, and 16 MB still absorbs
   * a burst of about 100,000 events.
   */
  static final long MAX_PENDING_BYTES = 16L << 20;

  private static final Map<Path, JsonlTraceWriter> SHARED = new ConcurrentHashMap<>();

  private final Path directory;
  private final long flushNanos;
  private final long heartbeatNanos;
  private final Clock clock;

  /** One encoded event: its trace, its bytes (newline included), whether it ends the trace. */
  private record Line(String traceId, byte[] bytes, boolean last, SummaryLine.Tally summary) {
    Line(String traceId, byte[] bytes, boolean last) {
      this(traceId, bytes, last, null);
    }
  }

  private final ConcurrentLinkedQueue<Line> queue = new ConcurrentLinkedQueue<>();

  /** The totals of each open trace, written as its summary line after {@code trace_end}. */
  private final Map<String, SummaryLine.Tally> tallies = new ConcurrentHashMap<>();

  private final AtomicLong emitted = new AtomicLong();

  /** Bytes queued and not yet taken off the queue (bounds the backlog). */
  private final AtomicLong pendingBytes = new AtomicLong();

  /** Events whose bytes were handed to the OS (what {@link #flush} waits for). */
  private final AtomicLong written = new AtomicLong();

  private final Thread thread;
  private volatile boolean closing;

  // Owned by the writer thread only.
  private final Map<String, OpenFile> open = new HashMap<>();
  private final Set<String> failed = recentIds();

  /** Finished traces: a late event (from work abandoned past the trace's end) is dropped. */
  private final Set<String> finished = recentIds();

  private JsonlTraceWriter(Path directory, Duration flushInterval, Duration heartbeatInterval) {
    if (flushInterval.isNegative() || flushInterval.isZero()) {
      throw new IllegalArgumentException("flushInterval must be positive");
    }
    if (heartbeatInterval.compareTo(flushInterval) < 0) {
      throw new IllegalArgumentException("heartbeatInterval must be at least flushInterval");
    }
    this.directory = directory.toAbsolutePath().normalize();
    this.flushNanos = flushInterval.toNanos();
    this.heartbeatNanos = heartbeatInterval.toNanos();
    this.clock = Clock.systemUTC();
    this.thread =
        Thread.ofPlatform()
            .daemon()
            .name("tasktree-trace-writer-" + this.directory.getFileName())
            .start(this::loop);
    Runtime.getRuntime()
        .addShutdownHook(Thread.ofPlatform().unstarted(() -> closeQuietly(Duration.ofSeconds(2))));
  }

  /** A new writer with its own background thread; {@link #close} it when done. */
  public static JsonlTraceWriter open(
      Path directory, Duration flushInterval, Duration heartbeatInterval) {
    return new JsonlTraceWriter(directory, flushInterval, heartbeatInterval);
  }

  static JsonlTraceWriter shared(Path directory) {
    return SHARED.computeIfAbsent(
        directory.toAbsolutePath().normalize(),
        dir -> new JsonlTraceWriter(dir, Duration.ofMillis(25), Duration.ofSeconds(2)));
  }

  /** The directory traces are written to. */
  public Path directory() {
    return directory;
  }

  /** The file that holds (or will hold) the trace with this id. */
  public Path file(String traceId) {
    return directory.resolve(traceId + ".jsonl");
  }

  @Override
  public void emit(TraceEvent event) {
    if (closing || !thread.isAlive()) {
      return; // nobody would ever write it: do not let it pile up
    }
    byte[] bytes;
    SummaryLine.Tally summary;
    try {
      // Encoded here, on the run's thread: runs encode in parallel, the writer thread only does
      // I/O, and the backlog holds compact bytes instead of object graphs.
      bytes = TraceCodec.line(event);
      summary = tally(event);
    } catch (RuntimeException e) {
      LOG.warn("trace event of {} not recorded: {}", event.traceId(), e.toString());
      return;
    }
    queue.add(new Line(event.traceId(), bytes, event instanceof TraceEnded, summary));
    emitted.incrementAndGet();
    if (pendingBytes.addAndGet(bytes.length) > MAX_PENDING_BYTES) {
      awaitBacklog();
    }
  }

  /**
   * Counts the event into its trace's totals.
   *
   * @return for {@code trace_end}, the totals: the writer thread writes them as the summary line
   *     right after the end (it alone knows the file offset the summary records)
   */
  private SummaryLine.Tally tally(TraceEvent event) {
    switch (event) {
      case TraceStarted e -> tallies.put(e.traceId(), new SummaryLine.Tally());
      case SpanStarted e -> {
        SummaryLine.Tally t = tallies.get(e.traceId());
        if (t != null) {
          t.spanStarted();
        }
      }
      case SpanEnded e -> {
        SummaryLine.Tally t = tallies.get(e.traceId());
        if (t != null) {
          t.spanEnded(e);
        }
      }
      case TraceEnded e -> {
        SummaryLine.Tally t = tallies.remove(e.traceId());
        if (t != null) {
          t.ended(e);
        }
        return t;
      }
      default -> {}
    }
    return null;
  }

  /** Only under sustained overload: wait until the writer has caught up below the bound. */
  private void awaitBacklog() {
    LockSupport.unpark(thread);
    while (pendingBytes.get() > MAX_PENDING_BYTES && thread.isAlive() && !closing) {
      LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
    }
  }

  /**
   * Blocks until every event emitted before this call has been handed to the OS, or the timeout
   * passes.
   *
   * @return whether everything was written in time
   */
  public boolean flush(Duration timeout) {
    long target = emitted.get();
    long deadline = System.nanoTime() + timeout.toNanos();
    LockSupport.unpark(thread);
    while (written.get() < target) {
      if (System.nanoTime() > deadline || !thread.isAlive()) {
        return written.get() >= target;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
    return true;
  }

  /** Writes what is queued, closes every open file and stops the background thread. */
  @Override
  public void close() {
    closeQuietly(Duration.ofSeconds(10));
  }

  private void closeQuietly(Duration timeout) {
    flush(timeout);
    closing = true;
    LockSupport.unpark(thread);
    try {
      thread.join(timeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    SHARED.remove(directory, this);
  }

  private void loop() {
    while (true) {
      boolean stopping = closing;
      try {
        drain();
        heartbeats();
      } catch (RuntimeException | Error e) {
        // Keep the writer alive: a dead writer would silently stop every trace of the process.
        LOG.error("trace writer for {} failed; going on: {}", directory, e.toString());
      }
      if (stopping) {
        open.values().forEach(OpenFile::closeQuietly);
        open.clear();
        return;
      }
      LockSupport.parkNanos(flushNanos);
    }
  }

  private void drain() {
    List<OpenFile> touched = new ArrayList<>();
    long events = 0;
    long bytes = 0;
    for (Line line; (line = queue.poll()) != null; ) {
      bytes += line.bytes().length;
      OpenFile file = write(line);
      if (file != null) {
        if (line.last()) {
          file.closeQuietly(); // flushes
          open.remove(line.traceId());
          finished.add(line.traceId());
        } else if (!file.dirty) {
          file.dirty = true;
          touched.add(file);
        }
      }
      events++;
      // Released in batches: one shared counter update per event would slow the emitters.
      if (bytes >= 1 << 20) {
        pendingBytes.addAndGet(-bytes);
        bytes = 0;
      }
    }
    pendingBytes.addAndGet(-bytes);
    for (OpenFile file : touched) {
      file.dirty = false;
      if (file.closed) {
        continue;
      }
      try {
        file.out.flush();
      } catch (IOException e) {
        fail(file.traceId, e);
      }
    }
    written.addAndGet(events); // only now are they with the OS
  }

  private OpenFile write(Line line) {
    String traceId = line.traceId();
    OpenFile file = open.get(traceId);
    if (file == null && (failed.contains(traceId) || finished.contains(traceId))) {
      return null;
    }
    try {
      if (file == null) {
        Files.createDirectories(directory);
        Path path = file(traceId);
        OutputStream out =
            Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        file = new OpenFile(traceId, new BufferedOutputStream(out, 1 << 13));
        file.offset = Files.size(path);
        open.put(traceId, file);
      }
      file.out.write(line.bytes());
      file.offset += line.bytes().length;
      if (line.summary() != null) {
        file.out.write(line.summary().line(file.offset));
      }
      file.lastWrite = System.nanoTime();
      return file;
    } catch (IOException | RuntimeException e) {
      fail(traceId, e);
      return null;
    }
  }

  private void heartbeats() {
    long now = System.nanoTime();
    for (OpenFile file : List.copyOf(open.values())) {
      if (now - file.lastWrite >= heartbeatNanos) {
        write(
            new Line(
                file.traceId,
                TraceCodec.line(new Heartbeat(file.traceId, clock.instant())),
                false));
        try {
          file.out.flush();
        } catch (IOException e) {
          fail(file.traceId, e);
        }
      }
    }
  }

  private void fail(String traceId, Exception e) {
    if (failed.add(traceId)) {
      LOG.warn("cannot write trace {} under {}: {}", traceId, directory, e.toString());
    }
    OpenFile file = open.remove(traceId);
    if (file != null) {
      file.closeQuietly();
    }
  }

  /** The most recent 65,536 trace ids: enough to catch late events, bounded for long runs. */
  private static Set<String> recentIds() {
    return Collections.newSetFromMap(
        new LinkedHashMap<>() {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > 65_536;
          }
        });
  }

  private static final class OpenFile {
    final String traceId;
    final OutputStream out;
    long lastWrite = System.nanoTime();
    long offset;
    boolean dirty;
    boolean closed;

    OpenFile(String traceId, OutputStream out) {
      this.traceId = traceId;
      this.out = out;
    }

    void closeQuietly() {
      closed = true;
      try {
        out.close();
      } catch (IOException ignored) {
        // the data was flushed already or the trace is marked failed
      }
    }
  }
}
