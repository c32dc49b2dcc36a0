package dev.tasktree.server;

import dev.tasktree.trace.TraceIds;
import dev.tasktree.trace.TraceReader;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-memory index of trace summaries for one directory.
 *
 * <p>Kept fresh by a {@link WatchService} on the directory, with a periodic rescan as a safety net
 * (missed or overflowed events, a directory that was deleted and recreated). Each file is read once
 * per change: a change only queues the file, and a queued file is read by one of a few reader
 * threads, no sooner than a short interval after its previous read (longer for files that take long
 * to read), so a live trace that is appended to every few milliseconds is not re-read every few
 * milliseconds. Unfinished traces that went silent are re-read once so the core reader can mark
 * them interrupted. Files that are not traces are listed as unreadable with the reason; files whose
 * names are not {@code <traceId>.jsonl} are ignored.
 */
final class TraceIndex implements AutoCloseable {

  static final String SUFFIX = ".jsonl";
  private static final Logger LOG = LoggerFactory.getLogger(TraceIndex.class);
  private static final long MIN_REREAD_NANOS = TimeUnit.MILLISECONDS.toNanos(300);
  private static final int BATCH = 256;

  private final Path dir;
  private final TraceFileReader files;
  private final Duration staleAfter;
  private final Clock clock;
  // sized for a large directory at once (100,000 entries without a resize): growing a map of
  // that many entries step by step cost more than reading their files' heads
  private final ConcurrentHashMap<String, IndexEntry> entries = new ConcurrentHashMap<>(1 << 17);
  private final ConcurrentHashMap<String, TrackedFile> tracked = new ConcurrentHashMap<>(1 << 17);
  private final AtomicLong reads = new AtomicLong();
  private final AtomicLong startVersion = new AtomicLong();
  private final AtomicLong durationVersion = new AtomicLong();
  private final AtomicLong costVersion = new AtomicLong();
  private final AtomicLong changeVersion = new AtomicLong();
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicInteger ignored = new AtomicInteger();
  private final ReentrantLock watchLock = new ReentrantLock();
  private final ReentrantLock[] publishLocks = newLocks(16);
  private final ExecutorService readers;
  private final ScheduledExecutorService timer;
  private final long rescanMillis;
  private volatile WatchService watch;
  private volatile boolean closed;
  private volatile boolean scanned;
  private final IndexSaver saver;
  private volatile int preloaded;
  private final long startNanos = System.nanoTime();

  private Thread watcher;

  TraceIndex(Path dir, Duration staleAfter, Duration rescanInterval, LoadBudget budget)
      throws IOException {
    Files.createDirectories(dir);
    // The directory itself may be a link (a configured path); the files in it may not.
    this.dir = dir.toRealPath();
    this.staleAfter = staleAfter;
    this.clock = Clock.systemUTC();
    this.files = new TraceFileReader(this.dir, new TraceReader(clock, staleAfter), budget);
    int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
    this.readers =
        Executors.newFixedThreadPool(
            threads, Thread.ofPlatform().daemon().name("tasktree-index-", 0).factory());
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("tasktree-index-timer").factory());
    this.rescanMillis = rescanInterval.toMillis();
    this.saver = new IndexSaver(this.dir, this, timer);
  }

  /**
   * Starts watching and the first scan (in the background: the server answers meanwhile). The
   * persisted index, when there is one to believe, is loaded first: the scan then re-reads only the
   * files that changed since it was written.
   */
  void start() {
    startWatching();
    timer.execute(this::firstScan);
    timer.scheduleWithFixedDelay(
        this::rescanQuietly, rescanMillis, rescanMillis, TimeUnit.MILLISECONDS);
  }

  Path directory() {
    return dir;
  }

  /** The file of a trace id (the id must be valid). */
  Path file(String id) {
    return files.file(id);
  }

  /** How the files of this directory are read. */
  TraceFileReader files() {
    return files;
  }

  IndexEntry get(String id) {
    return entries.get(id);
  }

  Collection<IndexEntry> entries() {
    return entries.values();
  }

  int size() {
    return entries.size();
  }

  /** Whether the first scan has not finished or files are waiting to be read. */
  boolean indexing() {
    return !scanned || pending.get() > 0;
  }

  /** Files queued for (re)reading. */
  int pending() {
    return pending.get();
  }

  /** Files in the directory that are not {@code <traceId>.jsonl} (at the last scan). */
  int ignored() {
    return ignored.get();
  }

  /** How many times a file was read (for tests: once per change). */
  long reads() {
    return reads.get();
  }

  /** Changes whenever any entry changes. */
  long changeVersion() {
    return changeVersion.get();
  }

  long sortVersion(TraceQuery.Sort sort) {
    return switch (sort) {
      case START -> startVersion.get();
      case DURATION -> durationVersion.get();
      case COST -> costVersion.get();
    };
  }

  /** The trace id a directory entry stands for, or null when the name is not a trace file. */
  static String idOf(String fileName) {
    if (!fileName.endsWith(SUFFIX)) {
      return null;
    }
    String id = fileName.substring(0, fileName.length() - SUFFIX.length());
    return TraceIds.isValid(id) ? id : null;
  }

  // ---- the persisted index ----

  private void preload() {
    Map<String, IndexEntry> persisted = IndexFile.load(dir, files.budget().maxBytes());
    if (persisted.isEmpty()) {
      return;
    }
    persisted.forEach(entries::putIfAbsent);
    startVersion.incrementAndGet();
    durationVersion.incrementAndGet();
    costVersion.incrementAndGet();
    saver.loaded(changeVersion.incrementAndGet()); // the file holds what was just loaded
    preloaded = persisted.size();
  }

  /** Saves the persisted index soon, when it is complete and changed (see {@link IndexSaver}). */
  private void maybeSave() {
    if (!closed) {
      saver.soon();
    }
  }

  // ---- watching and scanning ----

  private void startWatching() {
    watchLock.lock();
    try {
      if (closed) {
        return;
      }
      WatchService old = watch;
      if (old != null) {
        old.close();
      }
      WatchService service = dir.getFileSystem().newWatchService();
      dir.register(
          service,
          StandardWatchEventKinds.ENTRY_CREATE,
          StandardWatchEventKinds.ENTRY_MODIFY,
          StandardWatchEventKinds.ENTRY_DELETE);
      watch = service;
      watcher =
          Thread.ofPlatform().daemon().name("tasktree-index-watch").start(() -> watchLoop(service));
    } catch (IOException e) {
      LOG.warn("cannot watch {} ({}); relying on the periodic rescan", dir, e.toString());
    } finally {
      watchLock.unlock();
    }
  }

  private void watchLoop(WatchService service) {
    while (!closed) {
      WatchKey key;
      try {
        key = service.take();
      } catch (InterruptedException | ClosedWatchServiceException e) {
        return;
      }
      for (WatchEvent<?> event : key.pollEvents()) {
        if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
          timer.execute(this::rescanQuietly);
        } else if (event.context() instanceof Path name) {
          String id = idOf(name.toString());
          if (id != null) {
            schedule(id);
          }
        }
      }
      if (!key.reset()) {
        // The directory went away: the rescan recreates it and watches again.
        timer.execute(this::rescanQuietly);
        return;
      }
    }
  }

  private void rescanQuietly() {
    reconcileQuietly(list());
  }

  private void reconcileQuietly(List<Path> listing) {
    if (listing == null) {
      return;
    }
    try {
      reconcile(listing);
    } catch (RuntimeException e) {
      LOG.warn("rescan of {} failed: {}", dir, e.toString());
    }
  }

  /**
   * The first scan: the directory is listed while the persisted index loads on a reader (both are
   * idle at start), then compared with it.
   */
  private void firstScan() {
    Future<?> loading;
    try {
      loading = readers.submit(this::preload);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      return; // closed
    }
    List<Path> listing = list();
    try {
      loading.get();
    } catch (ExecutionException e) {
      LOG.warn("cannot load the persisted index of {}: {}", dir, e.getCause().toString());
    } catch (InterruptedException e) {
      return; // closed
    }
    reconcileQuietly(listing);
  }

  /** Compares the directory with the index and queues every new, changed or stale file. */
  void rescan() {
    List<Path> listing = list();
    if (listing != null) {
      reconcile(listing);
    }
  }

  /**
   * Every entry of the directory but the persisted index; null when it cannot be listed (or the
   * index is closed). A missing directory is created and watched again.
   */
  private List<Path> list() {
    if (closed) {
      return null;
    }
    if (!Files.isDirectory(dir)) {
      try {
        Files.createDirectories(dir);
      } catch (IOException e) {
        LOG.warn("cannot create trace directory {}: {}", dir, e.toString());
        return null;
      }
      startWatching();
    }
    List<Path> listing = new ArrayList<>(entries.size() + 1024);
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path file : files) {
        if (!IndexFile.isIndexFile(file.getFileName().toString())) {
          listing.add(file);
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot list {}: {}", dir, e.toString());
      return null;
    }
    return listing;
  }

  // What a listed file is to the index.
  private static final byte IGNORED = 0;
  private static final byte UNCHANGED = 1;
  private static final byte NEW = 2;
  private static final byte CHANGED = 3;

  /**
   * What a listed file with this id (null: not a trace name) is to the index; stats it if known.
   */
  private byte kindOf(String id, Path file) {
    if (id == null) {
      return IGNORED;
    }
    IndexEntry entry = entries.get(id);
    if (entry == null) {
      return NEW;
    }
    return changed(entry, file) || stale(entry) ? CHANGED : UNCHANGED;
  }

  private void reconcile(List<Path> listing) {
    int n = listing.size();
    String[] ids = new String[n];
    byte[] kinds = new byte[n];
    // One stat per known file, on every core: the bulk of a restart with a persisted index.
    IntStream.range(0, n)
        .parallel()
        .forEach(
            i -> {
              ids[i] = idOf(listing.get(i).getFileName().toString());
              kinds[i] = kindOf(ids[i], listing.get(i));
            });
    List<String> toRead = new ArrayList<>();
    int known = 0;
    int ignoredNow = 0;
    for (int i = 0; i < n; i++) {
      switch (kinds[i]) {
        case IGNORED -> ignoredNow++;
        case UNCHANGED -> known++;
        case CHANGED -> {
          known++;
          toRead.add(ids[i]);
        }
        default -> toRead.add(ids[i]);
      }
    }
    ignored.set(ignoredNow);
    if (entries.size() > known) {
      removeUnlisted(ids);
    }
    toRead.sort(Comparator.reverseOrder()); // ids sort by time: newest first
    scheduleAll(toRead);
    if (!scanned) {
      LOG.info(
          "{}: {} trace files listed in {} ms; {} from the persisted index, {} to read",
          dir,
          n - ignoredNow,
          (System.nanoTime() - startNanos) / 1_000_000,
          preloaded,
          toRead.size());
    }
    scanned = true;
    maybeSave();
  }

  /**
   * Removes the entries whose files are gone: those the listing did not show, unless their file is
   * there now (created while the directory was listed).
   */
  private void removeUnlisted(String[] listedIds) {
    Set<String> listed = HashSet.newHashSet(listedIds.length);
    for (String id : listedIds) {
      if (id != null) {
        listed.add(id);
      }
    }
    for (String id : List.copyOf(entries.keySet())) {
      if (!listed.contains(id)) {
        try {
          if (TraceFileReader.attributes(file(id)) == null) {
            remove(id);
          }
        } catch (IOException e) {
          remove(id);
        }
      }
    }
  }

  private static boolean changed(IndexEntry entry, Path file) {
    try {
      BasicFileAttributes attrs = TraceFileReader.attributes(file);
      return attrs == null
          || attrs.size() != entry.size()
          || !attrs.lastModifiedTime().toInstant().equals(entry.modified());
    } catch (IOException e) {
      return true;
    }
  }

  /** An unfinished trace whose last event is older than the staleness threshold. */
  private boolean stale(IndexEntry entry) {
    if (!entry.running()) {
      return false;
    }
    Instant last = entry.summary().start().plus(entry.summary().duration());
    return last.plus(staleAfter).isBefore(clock.instant());
  }

  // ---- reading ----

  private void schedule(String id) {
    TrackedFile t = claim(id);
    if (t != null) {
      dispatch(id, t);
    }
  }

  /** Marks a file queued; null when the index is closing or the file is queued already. */
  private TrackedFile claim(String id) {
    TrackedFile t = queue(id);
    if (t != null) {
      pending.incrementAndGet();
    }
    return t;
  }

  /** Marks a file queued without counting it; null when closing or queued already. */
  private TrackedFile queue(String id) {
    if (closed) {
      return null;
    }
    TrackedFile t = tracked.computeIfAbsent(id, k -> new TrackedFile());
    return t.queue() ? t : null; // else already queued: it will look at the file as it is then
  }

  /** Hands a queued file to the readers, no sooner than its re-read spacing allows. */
  private void dispatch(String id, TrackedFile t) {
    long wait =
        t.lastReadEnd == 0
            ? 0
            : t.lastReadEnd + Math.max(MIN_REREAD_NANOS, 4 * t.lastCost) - System.nanoTime();
    try {
      if (wait > 0) {
        timer.schedule(() -> submit(id, t), wait, TimeUnit.NANOSECONDS);
      } else {
        submit(id, t);
      }
    } catch (java.util.concurrent.RejectedExecutionException e) {
      pending.decrementAndGet(); // closing
    }
  }

  /**
   * Queues many files at once: those never read before go to the readers in batches of {@value
   * #BATCH} ids (a first start queues every file of the directory: one task per batch, each file
   * counted and claimed by the reader that reads it); the others one by one, spaced from their last
   * read.
   */
  private void scheduleAll(List<String> ids) {
    List<String> batch = new ArrayList<>(BATCH);
    for (String id : ids) {
      TrackedFile t = tracked.get(id);
      if (t != null && t.lastReadEnd != 0) {
        schedule(id);
        continue;
      }
      batch.add(id);
      if (batch.size() == BATCH) {
        submitBatch(batch);
        batch = new ArrayList<>(BATCH);
      }
    }
    if (!batch.isEmpty()) {
      submitBatch(batch);
    }
  }

  private void submitBatch(List<String> ids) {
    pending.addAndGet(ids.size());
    try {
      readers.execute(
          () -> {
            for (String id : ids) {
              if (closed) {
                return; // the index is gone: nobody waits for these
              }
              TrackedFile t = queue(id);
              if (t != null) {
                process(id, t);
              } else {
                pending.decrementAndGet(); // a change queued it meanwhile: that read counts itself
              }
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      pending.addAndGet(-ids.size()); // closing
    }
  }

  private void submit(String id, TrackedFile t) {
    try {
      readers.execute(() -> process(id, t));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      pending.decrementAndGet(); // closing
    }
  }

  private void process(String id, TrackedFile t) {
    t.dequeue(); // changes from now on queue another read
    // A change during this read queues another, which may run on the other reader at once and
    // finish first: only the read that started last may publish its entry.
    long read = t.begin();
    try {
      Path file = file(id);
      BasicFileAttributes attrs = TraceFileReader.attributes(file);
      if (attrs == null || attrs.isDirectory()) {
        remove(id);
        return;
      }
      IndexEntry old = entries.get(id);
      if (old != null
          && old.size() == attrs.size()
          && old.modified().equals(attrs.lastModifiedTime().toInstant())
          && !stale(old)) {
        return; // unchanged since its last read
      }
      long started = System.nanoTime();
      reads.incrementAndGet();
      IndexEntry entry = files.entry(id, file, attrs);
      t.lastCost = System.nanoTime() - started;
      t.lastReadEnd = System.nanoTime();
      if (entry == null) {
        retryLater(id); // the load budget stayed full: try again, the file is not lost
      } else {
        publish(id, t, read, entry);
      }
    } catch (IOException | RuntimeException | Error e) {
      // Whatever happens, this thread goes on, and the file is listed with a reason.
      LOG.warn("cannot index {}: {}", id, e.toString());
      retryLater(id);
    } finally {
      if (pending.decrementAndGet() == 0) {
        maybeSave();
      }
    }
  }

  /**
   * Puts a read's entry unless a read of the same file that began later has put its own. A file's
   * publications are serialised by one of a few shared locks (chosen by its id), not a lock each.
   */
  private void publish(String id, TrackedFile t, long read, IndexEntry entry) {
    ReentrantLock lock = publishLocks[Math.floorMod(id.hashCode(), publishLocks.length)];
    lock.lock();
    try {
      if (t.mayPublish(read)) {
        put(entry);
      }
    } finally {
      lock.unlock();
    }
  }

  private void retryLater(String id) {
    try {
      timer.schedule(() -> schedule(id), 1, TimeUnit.SECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closing
    }
  }

  private void put(IndexEntry entry) {
    IndexEntry old = entries.put(entry.id(), entry);
    if (old == null || old.startKey() != entry.startKey() || !sameText(old, entry)) {
      startVersion.incrementAndGet();
      durationVersion.incrementAndGet();
      costVersion.incrementAndGet();
    } else {
      if (old.durationKey() != entry.durationKey()) {
        durationVersion.incrementAndGet();
      }
      if (old.costKey() != entry.costKey()) {
        costVersion.incrementAndGet();
      }
    }
    changeVersion.incrementAndGet();
  }

  private static boolean sameText(IndexEntry a, IndexEntry b) {
    String na = a.summary() == null ? null : a.summary().name();
    String nb = b.summary() == null ? null : b.summary().name();
    return java.util.Objects.equals(na, nb);
  }

  private void remove(String id) {
    if (entries.remove(id) != null) {
      startVersion.incrementAndGet();
      durationVersion.incrementAndGet();
      costVersion.incrementAndGet();
      changeVersion.incrementAndGet();
    }
    tracked.remove(id);
  }

  private static ReentrantLock[] newLocks(int count) {
    ReentrantLock[] locks = new ReentrantLock[count];
    for (int i = 0; i < count; i++) {
      locks[i] = new ReentrantLock();
    }
    return locks;
  }

  @Override
  public void close() {
    closed = true;
    saver.save(); // a complete index is not lost with the process (waits for a save under way)
    watchLock.lock();
    try {
      if (watch != null) {
        watch.close();
      }
    } catch (IOException ignored) {
      // closing anyway
    } finally {
      watchLock.unlock();
    }
    timer.shutdownNow();
    readers.shutdownNow();
  }
}
