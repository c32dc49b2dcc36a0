package dev.tasktree.server;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Pages through the index: filter by text and status, sort by start, duration or cost, and keyset
 * cursors, so paging is stable while new traces arrive and has no limit on how far back it goes.
 *
 * <p>For each sort order a sorted snapshot of (key, id) is kept and rebuilt only when the index
 * reports that a key of that order changed; a page is then a binary search plus a short scan.
 */
final class TraceQuery {

  /** Sort orders of the list. */
  enum Sort {
    START,
    DURATION,
    COST;

    static Sort parse(String value) {
      if (value == null || value.isBlank()) {
        return START;
      }
      try {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("unknown sort '" + value + "': use start, duration or cost");
      }
    }
  }

  /** One page of results. */
  record Page(List<IndexEntry> items, String nextCursor, int total) {}

  private final TraceIndex index;
  private final Map<Sort, Snapshot> snapshots = new EnumMap<>(Sort.class);
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<String, Integer> totals = new java.util.LinkedHashMap<>();
  private final Set<Sort> rebuilding = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** Rebuilds cheaper than this stay on the request's thread, even while indexing. */
  private static final long ASYNC_ABOVE_NANOS = 2_000_000;

  /**
   * While the index fills, a snapshot is rebuilt at most this often (or every four build times,
   * when longer): back-to-back rebuilds of 100,000 keys took a core from the files' readers.
   */
  private static final long REBUILD_SPACING_NANOS = 250_000_000;

  TraceQuery(TraceIndex index) {
    this.index = index;
  }

  /**
   * A page.
   *
   * @param ascending false for the default order (newest, longest, most expensive first)
   * @param cursor the previous page's {@code nextCursor}, or null for the first page
   * @param filter what to keep
   */
  Page page(Sort sort, boolean ascending, int limit, String cursor, ListFilter filter) {
    Snapshot snap = snapshot(sort);
    boolean filtered = filter.filters();
    Key[] keys = snap.keys;
    int step = ascending ? -1 : 1;
    int i;
    if (cursor == null) {
      i = ascending ? keys.length - 1 : 0;
    } else {
      Key after = decodeCursor(cursor, sort, ascending);
      int found = Arrays.binarySearch(keys, after, snap.order);
      if (found >= 0) {
        i = found + step;
      } else {
        int insertion = -found - 1;
        i = ascending ? insertion - 1 : insertion;
      }
    }
    List<IndexEntry> items = new ArrayList<>(Math.min(limit, 1000));
    Key last = null;
    for (; i >= 0 && i < keys.length && items.size() < limit; i += step) {
      Key key = keys[i];
      IndexEntry entry = index.get(key.id);
      if (entry != null && filter.matches(entry, key.text)) {
        items.add(entry);
        last = key;
      }
    }
    boolean more = false;
    for (; i >= 0 && i < keys.length; i += step) {
      Key key = keys[i];
      IndexEntry entry = index.get(key.id);
      if (entry != null && filter.matches(entry, key.text)) {
        more = true;
        break;
      }
    }
    int total = filtered ? total(snap, filter) : keys.length;
    String next = more && last != null ? encodeCursor(last, sort, ascending) : null;
    return new Page(items, next, total);
  }

  /**
   * Counts the matches of a filter; remembered until the index changes, so the UI's periodic
   * refresh of a filtered list does not rescan every trace.
   */
  private int total(Snapshot snap, ListFilter filter) {
    long version = index.changeVersion();
    String cacheKey = version + "\u0000" + filter;
    lock.lock();
    try {
      Integer cached = totals.get(cacheKey);
      if (cached != null) {
        return cached;
      }
    } finally {
      lock.unlock();
    }
    int total = 0;
    for (Key key : snap.keys) {
      IndexEntry entry = index.get(key.id);
      if (entry != null && filter.matches(entry, key.text)) {
        total++;
      }
    }
    lock.lock();
    try {
      totals.put(cacheKey, total);
      totals.keySet().removeIf(k -> !k.startsWith(version + "\u0000"));
      while (totals.size() > 32) {
        totals.remove(totals.keySet().iterator().next());
      }
    } finally {
      lock.unlock();
    }
    return total;
  }

  /**
   * The sorted snapshot for an order. Rebuilt on the request's thread when it is out of date —
   * except while the index is still filling and a rebuild is costly: then the request gets the
   * previous snapshot (its entries are read live, only new ids are missing) and one background
   * rebuild is started, at most every {@link #REBUILD_SPACING_NANOS}, so list latency stays flat
   * and the files' readers keep their cores while thousands of files are being read.
   */
  private Snapshot snapshot(Sort sort) {
    long version = index.sortVersion(sort);
    lock.lock();
    try {
      Snapshot snap = snapshots.get(sort);
      if (snap != null && snap.version == version) {
        return snap;
      }
      if (snap != null && index.indexing() && expectedBuildNanos(snap) > ASYNC_ABOVE_NANOS) {
        long due = snap.builtAt + Math.max(REBUILD_SPACING_NANOS, 4 * snap.buildNanos);
        if (System.nanoTime() - due >= 0 && rebuilding.add(sort)) {
          Thread.ofVirtual().name("tasktree-list-rebuild").start(() -> rebuild(sort));
        }
        return snap;
      }
      snap = build(sort, version);
      snapshots.put(sort, snap);
      return snap;
    } finally {
      lock.unlock();
    }
  }

  /**
   * What rebuilding a snapshot would cost now: its last build time, scaled by how much the index
   * grew since (a restart loads 100,000 entries at once after a snapshot of none was cheap).
   */
  private long expectedBuildNanos(Snapshot snap) {
    double growth = (index.size() + 1.0) / (snap.keys.length + 1.0);
    return (long) (snap.buildNanos * Math.max(1.0, growth));
  }

  private void rebuild(Sort sort) {
    try {
      Snapshot fresh = build(sort, index.sortVersion(sort));
      lock.lock();
      try {
        Snapshot current = snapshots.get(sort);
        if (current == null || current.version < fresh.version) {
          snapshots.put(sort, fresh);
        }
      } finally {
        lock.unlock();
      }
    } finally {
      rebuilding.remove(sort);
    }
  }

  private Snapshot build(Sort sort, long version) {
    long started = System.nanoTime();
    List<Key> keys = new ArrayList<>(index.size() + 16);
    for (IndexEntry e : index.entries()) {
      String name = e.summary() == null ? "" : e.summary().name();
      String text = (name + "\n" + e.id()).toLowerCase(Locale.ROOT);
      double key =
          switch (sort) {
            case START -> e.startKey();
            case DURATION -> e.durationKey();
            case COST -> e.costKey();
          };
      keys.add(new Key(e.id(), key, text));
    }
    Comparator<Key> order = order();
    Key[] array = keys.toArray(Key[]::new);
    Arrays.sort(array, order);
    long built = System.nanoTime();
    return new Snapshot(version, array, order, built - started, built);
  }

  /** Descending by key, then by id: the default order (newest first). */
  private static Comparator<Key> order() {
    return Comparator.comparingDouble(Key::key).thenComparing(Key::id).reversed();
  }

  private static String encodeCursor(Key key, Sort sort, boolean ascending) {
    String raw = sort.name() + "|" + (ascending ? "a" : "d") + "|" + key.key + "|" + key.id;
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  private static Key decodeCursor(String cursor, Sort sort, boolean ascending) {
    try {
      String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      String[] parts = raw.split("\\|", 4);
      if (parts.length != 4
          || !parts[0].equals(sort.name())
          || !parts[1].equals(ascending ? "a" : "d")) {
        throw ApiException.badRequest("the cursor belongs to another sort order");
      }
      return new Key(parts[3], Double.parseDouble(parts[2]), "");
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("invalid cursor");
    }
  }

  /**
   * A sort key: the value (start micros, duration micros or cost, all exact as doubles for the
   * values that occur) and the id as tie breaker.
   */
  private record Key(String id, double key, String text) {}

  private record Snapshot(
      long version, Key[] keys, Comparator<Key> order, long buildNanos, long builtAt) {}
}
