package dev.tasktree.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link SignalStore} over a directory, so that separate processes on one machine share signals
 * (and decisions: the trace server delivers an approval from the UI by writing one here).
 *
 * <p>Layout: one small JSON file per raised key, {@code <directory>/<sha-256 of the key in
 * hex>.signal}, holding {@code key}, {@code reason}, {@code raisedAt} and {@code expiresAt}. A file
 * name is derived from the key only through the hash, so no key can name a path outside the
 * directory. A raise writes a temporary file in the directory, forces it to disk and renames it
 * over the key's file atomically: a reader sees the old signal or the new one, never half of one. A
 * signal past its {@code expiresAt} reads as absent (its file is deleted on the next read). Files
 * are opened without following links; a link, a directory or a file over 1 MiB under a key's name
 * is a {@link StoreException}, never a signal.
 *
 * <p>{@link #subscribe} checks at once, then polls every watched key each {@code pollInterval}
 * (default {@value #DEFAULT_POLL_MILLIS} ms) on one daemon thread per store, so a signal written by
 * another process is seen within that interval. Thread-safe; {@link #close} stops the poller.
 */
public final class FileSignalStore implements SignalStore, AutoCloseable {

  /** The default poll interval of subscriptions, in milliseconds. */
  public static final long DEFAULT_POLL_MILLIS = 200;

  /** The largest signal file read. */
  static final int MAX_FILE_BYTES = 1 << 20;

  /** The subdirectory of a trace dir where the trace server delivers decisions. */
  public static final String TRACE_DIR_SUBDIRECTORY = "signals";

  private static final String SUFFIX = ".signal";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path directory;
  private final Duration pollInterval;
  private final Clock clock;
  private final Set<Watch> watches = new CopyOnWriteArraySet<>();
  private final ReentrantLock pollerLock = new ReentrantLock();
  private ScheduledExecutorService poller;
  private volatile boolean closed;

  /** One subscription; identity matters. */
  private static final class Watch {
    final String key;
    final Listener listener;
    volatile boolean failing;

    Watch(String key, Listener listener) {
      this.key = key;
      this.listener = listener;
    }
  }

  /** A store over {@code directory} (created on the first raise), polling every 200 ms. */
  public FileSignalStore(Path directory) {
    this(directory, Duration.ofMillis(DEFAULT_POLL_MILLIS), Clock.systemUTC());
  }

  /**
   * A store over {@code directory} whose subscriptions poll every {@code pollInterval} and whose
   * TTLs follow {@code clock}.
   *
   * @throws IllegalArgumentException when the interval is not positive
   */
  public FileSignalStore(Path directory, Duration pollInterval, Clock clock) {
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("pollInterval must be positive, found " + pollInterval);
    }
    this.directory = directory.toAbsolutePath().normalize();
    this.pollInterval = pollInterval;
    this.clock = clock;
  }

  /**
   * The store the trace server over {@code traceDir} delivers decisions into: {@code
   * <traceDir>/signals}. Give it to a run with {@code RunOptions.withSignalStore} so that an
   * Approve / Reject in the UI reaches the run.
   */
  public static FileSignalStore inTraceDir(Path traceDir) {
    return new FileSignalStore(traceDir.resolve(TRACE_DIR_SUBDIRECTORY));
  }

  /** The directory. */
  public Path directory() {
    return directory;
  }

  /** The file that holds the signal under {@code key} (whether or not it is raised). */
  public Path file(String key) {
    return directory.resolve(hash(key) + SUFFIX);
  }

  @Override
  public void raise(String key, String reason, Duration ttl) {
    Instant now = clock.instant();
    ObjectNode node = JSON.createObjectNode();
    node.put("key", key);
    node.put("reason", reason);
    node.put("raisedAt", now.toString());
    node.put("expiresAt", now.plus(ttl).toString());
    byte[] bytes = node.toString().getBytes(StandardCharsets.UTF_8);
    Path target = file(key);
    Path temp = directory.resolve(".tmp-" + UUID.randomUUID() + SUFFIX);
    try {
      Files.createDirectories(directory);
      try (FileChannel out =
          FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          out.write(buffer);
        }
        out.force(true);
      }
      try {
        Files.move(
            temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // the temporary file is left behind; it is never read as a signal
      }
      throw new StoreException("cannot raise signal '" + key + "' in " + directory, e);
    }
    pollSoon();
  }

  @Override
  public Optional<Signal> check(String key) {
    Path file = file(key);
    byte[] bytes;
    try {
      BasicFileAttributes attrs;
      try {
        attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        return Optional.empty();
      }
      if (!attrs.isRegularFile()) {
        throw new StoreException(
            "signal file for '" + key + "' is not a regular file (links are never followed)");
      }
      if (attrs.size() > MAX_FILE_BYTES) {
        throw new StoreException("signal file for '" + key + "' is over 1 MiB: not read");
      }
      try (InputStream in =
          Files.newInputStream(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
        bytes = in.readNBytes(MAX_FILE_BYTES + 1);
      }
    } catch (NoSuchFileException e) {
      return Optional.empty(); // cleared meanwhile
    } catch (IOException e) {
      throw new StoreException("cannot read signal '" + key + "' in " + directory, e);
    }
    JsonNode node;
    try {
      node = JSON.readTree(bytes);
    } catch (IOException e) {
      node = null;
    }
    if (node == null
        || !key.equals(node.path("key").textValue())
        || !node.path("reason").isTextual()
        || !node.path("raisedAt").isTextual()
        || !node.path("expiresAt").isTextual()) {
      throw new StoreException("signal file for '" + key + "' is not a signal: ignored");
    }
    Instant raisedAt;
    Instant expiresAt;
    try {
      raisedAt = Instant.parse(node.get("raisedAt").textValue());
      expiresAt = Instant.parse(node.get("expiresAt").textValue());
    } catch (RuntimeException e) {
      throw new StoreException("signal file for '" + key + "' has a bad time: ignored", e);
    }
    if (!clock.instant().isBefore(expiresAt)) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // expired either way
      }
      return Optional.empty();
    }
    return Optional.of(new Signal(key, node.get("reason").textValue(), raisedAt));
  }

  @Override
  public void clear(String key) {
    try {
      Files.deleteIfExists(file(key));
    } catch (IOException e) {
      throw new StoreException("cannot clear signal '" + key + "' in " + directory, e);
    }
  }

  @Override
  public Subscription subscribe(String key, Listener listener) {
    if (closed) {
      throw new StoreException("this FileSignalStore is closed");
    }
    Watch watch = new Watch(key, listener);
    watches.add(watch);
    poll(watch);
    if (watches.contains(watch)) {
      startPoller();
    }
    return () -> watches.remove(watch);
  }

  /** Stops the poller; subscriptions deliver nothing more. */
  @Override
  public void close() {
    closed = true;
    watches.clear();
    pollerLock.lock();
    try {
      if (poller != null) {
        poller.shutdownNow();
      }
    } finally {
      pollerLock.unlock();
    }
  }

  /** How many keys are watched now (for tests). */
  int watching() {
    return watches.size();
  }

  private void startPoller() {
    pollerLock.lock();
    try {
      if (poller == null && !closed) {
        poller =
            Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("tasktree-file-signals").factory());
        long every = pollInterval.toNanos();
        poller.scheduleWithFixedDelay(this::pollAll, every, every, TimeUnit.NANOSECONDS);
      }
    } finally {
      pollerLock.unlock();
    }
  }

  /** A raise in this process need not wait for the next round. */
  private void pollSoon() {
    pollerLock.lock();
    try {
      if (poller != null && !closed && !watches.isEmpty()) {
        poller.execute(this::pollAll);
      }
    } finally {
      pollerLock.unlock();
    }
  }

  private void pollAll() {
    for (Watch watch : watches) {
      poll(watch);
    }
  }

  private void poll(Watch watch) {
    Optional<Signal> signal;
    try {
      signal = check(watch.key);
      watch.failing = false;
    } catch (StoreException e) {
      if (!watch.failing) {
        watch.failing = true; // reported once per failing spell, not every round
        watch.listener.onError(e);
      }
      return;
    }
    if (signal.isPresent() && watches.remove(watch)) {
      watch.listener.onSignal(signal.get());
    }
  }

  private static String hash(String key) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
