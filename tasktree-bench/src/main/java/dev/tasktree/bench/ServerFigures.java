package dev.tasktree.bench;

import static dev.tasktree.bench.BenchMain.f;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import dev.tasktree.server.ServerOptions;
import dev.tasktree.server.TraceServer;
import dev.tasktree.trace.Attributes;
import dev.tasktree.trace.JsonlTraceWriter;
import dev.tasktree.trace.LogLevel;
import dev.tasktree.trace.TraceJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * The trace-server figures, over real HTTP on loopback against a {@link TraceServer} started
 * in-process on an ephemeral port: the time to index a directory of many trace files at start,
 * list-page latency over that index, and the time to open a 50,000-span trace.
 *
 * <p>The trace files are written by running real trees through {@link JsonlTraceWriter} with a
 * clock that steps forward on every reading, so every file has its own id and start time and
 * realistic content (logs, retries, failures with stack traces, token and cost attributes). The
 * files are freshly written, so the index reads them from the page cache.
 */
final class ServerFigures {

  private static final ObjectMapper JSON = TraceJson.newMapper();

  private static final String INDEX_GOAL = "≤ 1 s at start";
  private static final String WHILE_INDEXING_GOAL = "p99 ≤ 20 ms";
  private static final String HEAP_GOAL = "≤ 256 MB";
  private static final String PAGE_GOAL = "p50 ≤ 20 ms, p99 ≤ 100 ms";
  private static final String OPEN_GOAL = "≤ 1 s";
  private static final int BIG_ITEMS = 49_997; // + root, Sequence, Gather ... = about 50,000 spans

  private ServerFigures() {}

  static void run(Report report, boolean quick) throws Exception {
    Path root = Files.createTempDirectory("tasktree-bench-server");
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    try {
      listFigures(report, quick, root.resolve("many"), http);
      openFigure(report, quick, root.resolve("big"), http);
    } finally {
      http.close();
      BenchFiles.deleteTree(root);
    }
  }

  // ---- index 100,000 files; list pages ----

  private static void listFigures(Report report, boolean quick, Path dir, HttpClient http)
      throws Exception {
    int count = quick ? 10_000 : 100_000;
    int requests = quick ? 200 : 500;
    long generated = System.nanoTime();
    writeMany(dir, count);
    System.err.printf(
        "  wrote %,d trace files (%,d MB) in %.1f s%n",
        count, BenchFiles.size(dir) >> 20, (System.nanoTime() - generated) / 1e9);
    long heapBefore = usedHeapAfterGc();
    long started = System.nanoTime();
    try (TraceServer server = serve(dir)) {
      String base = "http://127.0.0.1:" + server.port();
      JsonNode health = awaitIndexed(http, base, count, started, quick);
      double seconds = (System.nanoTime() - started) / 1e9;
      long heap = usedHeapAfterGc() - heapBefore;
      int indexed = health.path("traces").asInt();
      String name =
          f(
              "trace server: index %,d trace files at start%s",
              count, quick ? " (quick: not 100,000)" : "");
      report.add(
          indexed >= count
              ? new Figure(
                  name,
                  f("%.2f s (%,d traces/s)", seconds, Math.round(count / seconds)),
                  "—",
                  "—",
                  INDEX_GOAL,
                  Figure.yesNo(seconds <= 1))
              : new Figure(
                  name,
                  f("only %,d of %,d after %.0f s", indexed, count, seconds),
                  "—",
                  "—",
                  INDEX_GOAL,
                  "NO"));
      report.add(
          new Figure(
              f("trace server: heap held by the index of %,d traces (after GC)", count),
              f("%,d MB", heap >> 20),
              "—",
              "—",
              HEAP_GOAL,
              Figure.yesNo(heap <= 256L << 20)));

      String list = base + "/api/traces?limit=50";
      JsonNode deep = getJson(http, base + "/api/traces?limit=1000");
      String cursor = URLEncoder.encode(deep.path("nextCursor").asText(), StandardCharsets.UTF_8);
      listPage(report, http, "first page, newest first", list, requests, count);
      listPage(
          report, http, "page after 1,000 (cursor)", list + "&cursor=" + cursor, requests, count);
      listPage(report, http, "text filter q=triage", list + "&q=triage", requests, count);
    }
    // The server wrote its persisted index when it closed: a start without it reads every file.
    Path persisted = dir.resolve(".tasktree-index");
    Path kept = dir.resolveSibling("kept-index");
    Files.move(persisted, kept);
    indexAlone(report, quick, dir, http, count, "first start, no persisted index");
    Files.delete(persisted);
    whileIndexing(report, quick, dir, http, count, "first start, no persisted index");
    Files.move(kept, persisted, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    indexAlone(report, quick, dir, http, count, "restart, persisted index");
    whileIndexing(report, quick, dir, http, count, "restart, persisted index");
  }

  /** A start of the server in this JVM (its code warm), nothing else asking it meanwhile. */
  private static void indexAlone(
      Report report, boolean quick, Path dir, HttpClient http, int count, String what)
      throws Exception {
    long started = System.nanoTime();
    try (TraceServer server = serve(dir)) {
      JsonNode health =
          awaitIndexed(http, "http://127.0.0.1:" + server.port(), count, started, quick);
      double seconds = (System.nanoTime() - started) / 1e9;
      int indexed = health.path("traces").asInt();
      report.add(
          new Figure(
              f("trace server: index %,d trace files, %s", count, what),
              indexTime(indexed, count, seconds),
              "—",
              "—",
              INDEX_GOAL,
              Figure.yesNo(seconds <= 1 && indexed >= count)));
    }
  }

  /** A trace server over the directory, in this JVM, on an ephemeral loopback port. */
  private static TraceServer serve(Path dir) throws java.io.IOException {
    return TraceServer.start(ServerOptions.defaults().withTraceDir(dir).withPort(0));
  }

  /** How long indexing took, or how far it got. */
  private static String indexTime(int indexed, int count, double seconds) {
    return indexed >= count
        ? f("%.2f s (%,d traces/s)", seconds, Math.round(count / seconds))
        : f("only %,d after %.0f s", indexed, seconds);
  }

  /**
   * A start of the server, with a client listing pages back to back until it is done: the list
   * latency while indexing, and the index time while the client takes a core of the two.
   */
  private static void whileIndexing(
      Report report, boolean quick, Path dir, HttpClient http, int count, String what)
      throws Exception {
    long started = System.nanoTime();
    try (TraceServer server = serve(dir)) {
      String base = "http://127.0.0.1:" + server.port();
      java.util.concurrent.atomic.AtomicBoolean done =
          new java.util.concurrent.atomic.AtomicBoolean();
      java.util.List<Long> nanos = java.util.Collections.synchronizedList(new ArrayList<>());
      Thread lister =
          Thread.ofPlatform()
              .start(
                  () -> {
                    while (!done.get()) {
                      long t0 = System.nanoTime();
                      try {
                        get(http, base + "/api/traces?limit=50");
                      } catch (Exception e) {
                        throw new IllegalStateException(e);
                      }
                      nanos.add(System.nanoTime() - t0);
                    }
                  });
      JsonNode health = awaitIndexed(http, base, count, started, quick);
      double seconds = (System.nanoTime() - started) / 1e9;
      done.set(true);
      lister.join();
      Samples s = Samples.of(nanos.stream().mapToLong(Long::longValue).toArray());
      report.add(
          new Figure(
              f(
                  "trace server: index %,d trace files, %s, a client listing back to back",
                  count, what),
              indexTime(health.path("traces").asInt(), count, seconds),
              "—",
              "—",
              "— (the client takes a core of two)",
              "—"));
      report.add(
          new Figure(
              f(
                  "trace server: list page of 50 while indexing %,d traces, %s (%,d requests back"
                      + " to back)",
                  count, what, nanos.size()),
              f("p50 %.2f ms, p99 %.2f ms", s.medianMillis(), s.percentileMillis(99)),
              "—",
              "—",
              WHILE_INDEXING_GOAL,
              Figure.yesNo(s.percentileMillis(99) <= 20)));
    }
  }

  private static JsonNode awaitIndexed(
      HttpClient http, String base, int count, long started, boolean quick) throws Exception {
    long deadline = started + Duration.ofMinutes(quick ? 1 : 2).toNanos();
    while (true) {
      JsonNode health = getJson(http, base + "/api/health");
      if (health.path("traces").asInt() >= count
          && health.path("pending").asInt() == 0
          && !health.path("indexing").asBoolean()) {
        return health;
      }
      if (System.nanoTime() > deadline) {
        return health;
      }
      Thread.sleep(5); // polling the server's own report of its progress
    }
  }

  private static long usedHeapAfterGc() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }

  private static void listPage(
      Report report, HttpClient http, String what, String url, int requests, int count)
      throws Exception {
    for (int i = 0; i < 20; i++) {
      get(http, url); // warm-up
    }
    long[] nanos = new long[requests];
    for (int i = 0; i < requests; i++) {
      long t0 = System.nanoTime();
      get(http, url);
      nanos[i] = System.nanoTime() - t0;
    }
    Samples s = Samples.of(nanos);
    report.add(
        new Figure(
            f(
                "trace server: list page of 50 over %,d traces, %s (%d requests)",
                count, what, requests),
            f("p50 %.2f ms, p99 %.2f ms", s.medianMillis(), s.percentileMillis(99)),
            "—",
            "—",
            PAGE_GOAL,
            Figure.yesNo(s.medianMillis() <= 20 && s.percentileMillis(99) <= 100)));
  }

  /** The blackboard of one pipeline run: the item number and the flaky step's tries. */
  private static final class Item {
    final int n;
    int tries; // one run, one thread at a time

    Item(int n) {
      this.n = n;
    }
  }

  /** A small traced pipeline: a logged load, a retried flaky step, a priced step, some failures. */
  private static Tree<Item> pipeline(String name) {
    return Tree.<Item>named(name)
        .sequence()
        .name("load input")
        .call(
            (b, ctx) -> {
              ctx.log(LogLevel.INFO, "loading item " + b.n);
              return Map.of("number", b.n, "items", List.of(1, 2, 3));
            })
        .retry(3)
        .name("flaky step")
        .call(
            b -> {
              if (++b.tries < 2 && b.n % 3 == 0) {
                throw new IllegalStateException("transient failure on item " + b.n);
              }
              return "ok after " + b.tries;
            })
        .name("priced step")
        .call(
            (b, ctx) -> {
              ctx.attribute(Attributes.REQUEST_MODEL, "gpt-bench-mini");
              ctx.attribute(Attributes.INPUT_TOKENS, 100 + b.n % 900);
              ctx.attribute(Attributes.OUTPUT_TOKENS, 20 + b.n % 180);
              ctx.attribute(Attributes.COST_USD, (b.n % 1000) * 0.00001);
              if (b.n % 10 == 9) {
                throw new IllegalArgumentException("bad input " + b.n);
              }
              return Map.of("answer", "item " + b.n + " done", "score", b.n % 7);
            })
        .end()
        .build();
  }

  /** Writes {@code count} trace files: real runs, each with its own simulated start time. */
  static void writeMany(Path dir, int count) throws Exception {
    List<Tree<Item>> trees =
        List.of(
            pipeline("support triage"), pipeline("summarise ticket"), pipeline("answer question"));
    SteppingClock clock =
        new SteppingClock(Instant.parse("2026-01-01T00:00:00Z"), Duration.ofNanos(1_237_000));
    int threads = 2;
    try (JsonlTraceWriter writer =
            JsonlTraceWriter.open(dir, Duration.ofMillis(25), Duration.ofSeconds(30));
        ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      RunOptions options = RunOptions.defaults().withTraceSink(writer).withClock(clock);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int first = t;
        done.add(
            pool.submit(
                () -> {
                  for (int i = first; i < count; i += threads) {
                    trees.get(i % trees.size()).run(new Item(i), options);
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      writer.flush(Duration.ofMinutes(5));
    }
  }

  // ---- open a 50,000-span trace ----

  private static void openFigure(Report report, boolean quick, Path dir, HttpClient http)
      throws Exception {
    int opens = quick ? 2 : 7;
    Tree<Integer> perItem = Tree.<Integer>named("item").call(i -> i * 2).build();
    List<Integer> items = IntStream.range(0, BIG_ITEMS).boxed().toList();
    Tree<List<Integer>> big =
        Tree.<List<Integer>>named("fifty thousand spans")
            .sequence()
            .name("fan out")
            .gather(b -> b, perItem, 64)
            .name("summarise")
            .call(b -> "done")
            .end()
            .build();
    // One trace per open, plus one to warm up: a trace opened once is cached by the server, so
    // every measured open reads and assembles a trace it has not seen.
    long generated = System.nanoTime();
    try (JsonlTraceWriter writer =
        JsonlTraceWriter.open(dir, Duration.ofMillis(25), Duration.ofSeconds(30))) {
      RunOptions options = RunOptions.defaults().withTraceSink(writer);
      for (int i = 0; i <= opens; i++) {
        big.run(items, options);
      }
      writer.flush(Duration.ofMinutes(2));
    }
    System.err.printf(
        "  wrote %d traces of %,d items (%,d MB) in %.1f s%n",
        opens + 1, BIG_ITEMS, BenchFiles.size(dir) >> 20, (System.nanoTime() - generated) / 1e9);
    try (TraceServer server = serve(dir)) {
      String base = "http://127.0.0.1:" + server.port();
      JsonNode page;
      long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
      do {
        Thread.sleep(20);
        page = getJson(http, base + "/api/traces?limit=50");
      } while (page.path("items").size() < opens + 1 && System.nanoTime() < deadline);
      JsonNode items0 = page.path("items");
      if (items0.size() < opens + 1) {
        throw new IllegalStateException("the big traces were not indexed within a minute");
      }
      long spans = items0.get(0).path("spanCount").asLong();
      long bytes = 0;
      long[] nanos = new long[opens];
      for (int i = 0; i <= opens; i++) {
        String id = items0.get(i).path("id").asText();
        long t0 = System.nanoTime();
        bytes = get(http, base + "/api/traces/" + id);
        if (i > 0) {
          nanos[i - 1] = System.nanoTime() - t0;
        }
      }
      String firstId = items0.get(1).path("id").asText();
      long[] cached = new long[opens];
      for (int i = 0; i < opens; i++) {
        long t0 = System.nanoTime();
        get(http, base + "/api/traces/" + firstId);
        cached[i] = System.nanoTime() - t0;
      }
      Samples s = Samples.of(nanos);
      Samples c = Samples.of(cached);
      report.add(
          new Figure(
              f(
                  "trace server: open a %,d-span trace (/api/traces/{id}), not cached (median of %d)",
                  spans, opens),
              f("%.0f ms (%,d KB JSON)", s.medianMillis(), bytes >> 10),
              "—",
              "—",
              OPEN_GOAL,
              Figure.yesNo(s.medianMillis() <= 1_000)));
      report.add(
          new Figure(
              f("trace server: open the same trace again, cached (median of %d)", opens),
              f("%.0f ms", c.medianMillis()),
              "—",
              "—",
              OPEN_GOAL,
              Figure.yesNo(c.medianMillis() <= 1_000)));
    }
  }

  // ---- HTTP ----

  /** GETs {@code url}, reads the whole body and returns its size; any status but 200 throws. */
  private static long get(HttpClient http, String url) throws IOException, InterruptedException {
    HttpResponse<InputStream> response =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).GET().build(),
            HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream body = response.body()) {
      long size = body.transferTo(OutputStream.nullOutputStream());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("GET " + url + " answered " + response.statusCode());
      }
      return size;
    }
  }

  private static JsonNode getJson(HttpClient http, String url)
      throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "GET " + url + " answered " + response.statusCode() + ": " + response.body());
    }
    return JSON.readTree(response.body());
  }

  /** A clock that moves forward by a fixed step every time it is read: distinct, ordered times. */
  private static final class SteppingClock extends Clock {
    private final Instant base;
    private final long stepNanos;
    private final AtomicLong readings = new AtomicLong();

    SteppingClock(Instant base, Duration step) {
      this.base = base;
      this.stepNanos = step.toNanos();
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("a bench clock is UTC only");
    }

    @Override
    public Instant instant() {
      return base.plusNanos(readings.incrementAndGet() * stepNanos);
    }
  }
}
