package dev.tasktree.server;

import dev.tasktree.trace.Trace;
import dev.tasktree.trace.TraceReader;
import java.io.IOException;
import java.lang.ref.SoftReference;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Loads whole traces for requests: through {@link TraceFileReader} (no links, regular files only,
 * capped lines), within the shared {@link LoadBudget} (a file larger than the budget is refused
 * with 413, a full budget answers 503 after a wait), up to the last complete line of a live trace.
 * The last few finished traces are kept, softly and bounded in bytes, so reopening one is instant;
 * with each, once served, the bytes of its compact form (what the UI asks for). Thread-safe.
 */
final class TraceLoader {

  /**
   * A trace read up to {@code offset}, the byte offset live events continue from. Holds its share
   * of the budget until closed (after the response is written): the trace is in memory until then.
   */
  record Loaded(IndexEntry entry, Trace trace, long offset, LoadBudget.Lease lease)
      implements AutoCloseable {
    @Override
    public void close() {
      if (lease != null) {
        lease.close();
      }
    }
  }

  private final TraceFileReader files;
  private final Duration staleAfter;
  private final Cache cache;

  TraceLoader(TraceFileReader files, Duration staleAfter) {
    this.files = files;
    this.staleAfter = staleAfter;
    this.cache = new Cache(4, files.budget().maxBytes() / 4);
  }

  /** The file's attributes, or a 404 when there is no trace file of that id. */
  BasicFileAttributes attributes(String id) throws IOException {
    BasicFileAttributes attrs = TraceFileReader.attributes(files.file(id));
    if (attrs == null || attrs.isDirectory()) {
      throw ApiException.notFound("no trace " + id);
    }
    String notRegular = TraceFileReader.notRegular(attrs);
    if (notRegular != null) {
      throw new ApiException(422, "unreadable trace: " + notRegular);
    }
    return attrs;
  }

  /** Reads a trace up to its last complete line. */
  Loaded load(String id) throws IOException {
    Path file = files.file(id);
    BasicFileAttributes attrs = attributes(id);
    Instant modified = attrs.lastModifiedTime().toInstant();
    try (FileChannel channel = TraceFileReader.open(file)) {
      long size = channel.size();
      boolean quiet = modified.plus(staleAfter).isBefore(Instant.now());
      long offset = quiet ? size : completeLines(channel, size);
      IndexEntry entry = new IndexEntry(id, offset, modified, null, null);
      Trace cached = cache.get(id, offset, modified);
      if (cached != null) {
        return new Loaded(entry, cached, offset, null);
      }
      if (size == 0) {
        throw new ApiException(422, "unreadable trace: empty file");
      }
      String reason = TraceFileReader.probe(channel);
      if (reason != null) {
        throw new ApiException(422, "unreadable trace: " + reason);
      }
      if (offset > files.budget().maxBytes()) {
        throw new ApiException(413, files.tooLarge(offset, "open"));
      }
      LoadBudget.Lease lease;
      try {
        lease = files.budget().reserve(offset, TraceFileReader.BUDGET_WAIT_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ApiException(503, "the server is stopping");
      }
      if (lease == null) {
        throw new ApiException(503, "busy loading other large traces: try again shortly");
      }
      try {
        Trace trace = files.read(channel, offset, file);
        if (trace.summary().finished()) {
          cache.put(id, offset, modified, trace);
        }
        return new Loaded(entry, trace, offset, lease);
      } catch (TraceReader.UnreadableTraceException e) {
        lease.close();
        throw new ApiException(422, "unreadable trace: not a TaskTree trace: no trace event");
      } catch (IOException | RuntimeException | Error e) {
        lease.close();
        throw e;
      }
    } catch (OutOfMemoryError e) {
      throw new ApiException(503, "not enough memory to open this trace now: try again shortly");
    }
  }

  /**
   * The compact form's bytes of a finished trace as kept with it in the cache (see {@link
   * #keepCompact}), or null.
   */
  byte[] compact(Loaded loaded) {
    return cache.compact(loaded.entry().id(), loaded.offset(), loaded.entry().modified());
  }

  /**
   * Keeps the compact form's bytes with a cached finished trace, so reopening it writes bytes
   * instead of serialising tens of thousands of spans again. Returns whether they were kept: only a
   * trace in the cache, within the cache's bytes.
   */
  boolean keepCompact(Loaded loaded, byte[] bytes) {
    return cache.keepCompact(
        loaded.entry().id(), loaded.offset(), loaded.entry().modified(), bytes);
  }

  /** Whether a trace's serialised form may be built in memory to be kept (it fits the cache). */
  boolean mayKeep(Loaded loaded) {
    return loaded.trace().summary().finished() && loaded.offset() <= cache.maxBytes;
  }

  /** The length of the file up to and including its last newline. */
  static long completeLines(FileChannel channel, long size) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
    long end = size;
    while (end > 0) {
      long start = Math.max(0, end - buffer.capacity());
      buffer.clear().limit((int) (end - start));
      int read = 0;
      while (buffer.hasRemaining()) {
        int n = channel.read(buffer, start + read);
        if (n < 0) {
          break;
        }
        read += n;
      }
      for (int i = read - 1; i >= 0; i--) {
        if (buffer.get(i) == '\n') {
          return start + i + 1;
        }
      }
      end = start;
    }
    return 0;
  }

  /** Finished traces by id, at most {@code capacity} and {@code maxBytes} of files; soft. */
  private static final class Cache {
    /** A cached trace; {@code compact} its compact form once served, {@code compactLength} long. */
    private record Hit(
        long size,
        Instant modified,
        SoftReference<Trace> trace,
        SoftReference<byte[]> compact,
        int compactLength) {
      long bytes() {
        return size + compactLength;
      }
    }

    private final int capacity;
    private final long maxBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final LinkedHashMap<String, Hit> map = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;

    Cache(int capacity, long maxBytes) {
      this.capacity = capacity;
      this.maxBytes = maxBytes;
    }

    Trace get(String id, long size, Instant modified) {
      lock.lock();
      try {
        Hit hit = map.get(id);
        return hit != null && hit.size == size && hit.modified.equals(modified)
            ? hit.trace.get()
            : null;
      } finally {
        lock.unlock();
      }
    }

    void put(String id, long size, Instant modified, Trace trace) {
      if (size > maxBytes) {
        return;
      }
      lock.lock();
      try {
        Hit old = map.put(id, new Hit(size, modified, new SoftReference<>(trace), null, 0));
        bytes += size - (old == null ? 0 : old.bytes());
        trim();
      } finally {
        lock.unlock();
      }
    }

    byte[] compact(String id, long size, Instant modified) {
      lock.lock();
      try {
        Hit hit = map.get(id);
        return hit != null
                && hit.size == size
                && hit.modified.equals(modified)
                && hit.compact != null
            ? hit.compact.get()
            : null;
      } finally {
        lock.unlock();
      }
    }

    boolean keepCompact(String id, long size, Instant modified, byte[] compact) {
      lock.lock();
      try {
        Hit hit = map.get(id);
        if (hit == null
            || hit.size != size
            || !hit.modified.equals(modified)
            || hit.trace.get() == null
            || size + compact.length > maxBytes) {
          return false;
        }
        Hit kept = new Hit(size, modified, hit.trace, new SoftReference<>(compact), compact.length);
        map.put(id, kept);
        bytes += kept.bytes() - hit.bytes();
        trim();
        return map.get(id) == kept;
      } finally {
        lock.unlock();
      }
    }

    private void trim() {
      while (map.size() > capacity || bytes > maxBytes) {
        String eldest = map.keySet().iterator().next();
        bytes -= map.remove(eldest).bytes();
      }
    }
  }
}
