package dev.tasktree.bench;

import static dev.tasktree.bench.BenchMain.f;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import dev.tasktree.server.ServerOptions;
import dev.tasktree.server.TraceServer;
import dev.tasktree.trace.JsonlTraceWriter;
import dev.tasktree.trace.TraceJson;
import dev.tasktree.trace.TraceSink;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The web UI's figures in a real browser: headless Chromium from the system packages ({@code
 * chromium}, {@code chromium-driver}; skipped without them, never downloaded) driven by {@link
 * Chromium}, against a {@link TraceServer} on loopback.
 *
 * <ul>
 *   <li>Opening a 20,000-span run until its rows show: the median of several page loads (the first,
 *       when the server reads the file, reported apart), split by the UI's performance marks; the
 *       baseline is a 3-span run opened the same way in the same browser (the page and its modules
 *       alone).
 *   <li>Scrolling 10,000+ rows — the 20,000-span run expanded, and 10,000 loaded runs in the runs
 *       list — by 240 px every animation frame for four seconds: p50/p95/max of the frame times
 *       (the scroll handler renders in the next frame, so a slow one shows as a long frame); the
 *       baseline is the frame time of the same page while idle.
 * </ul>
 */
final class UiFigures {

  private static final ObjectMapper JSON = TraceJson.newMapper();
  private static final Path CHROMIUM = Path.of(env("TASKTREE_CHROMIUM", "/usr/bin/chromium"));
  private static final Path DRIVER = Path.of(env("TASKTREE_CHROMEDRIVER", "/usr/bin/chromedriver"));
  private static final String OPEN_GOAL = "≤ 500 ms";
  private static final String FRAME_GOAL = "p95 ≤ 20 ms";

  private UiFigures() {}

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }

  /** The blackboard of the fan-out run: its items. */
  private static final class Board {
    final List<Integer> items = new ArrayList<>();
  }

  static void run(Report report, boolean quick) throws Exception {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(DRIVER)) {
      String why = "no Chromium/chromedriver at " + CHROMIUM + " / " + DRIVER;
      report.add(Figure.skipped("UI: open a 20,000-span run", OPEN_GOAL, why));
      report.add(Figure.skipped("UI: scroll 10,000+ rows", FRAME_GOAL, why));
      return;
    }
    int loads = quick ? 4 : 8;
    Path root = Files.createTempDirectory("tasktree-bench-ui");
    Chromium driver = Chromium.start(DRIVER, CHROMIUM, root.resolve("profile"));
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    try {
      Path big = root.resolve("big");
      // Root, Sequence, Gather, summarise + 9,998 items of two spans (Subtree, Call) = 20,000.
      fanOut(big, "twenty thousand", 9_998);
      fanOut(big, "three", 0);
      try (TraceServer server =
          TraceServer.start(ServerOptions.defaults().withTraceDir(big).withPort(0))) {
        String base = "http://127.0.0.1:" + server.port();
        awaitTraces(http, base, 2);
        JsonNode bigItem = first(http, base, "twenty");
        String small = first(http, base, "three").path("id").asText();
        Open baseline = open(driver, base, small, loads);
        Open opened = open(driver, base, bigItem.path("id").asText(), loads);
        report.add(
            new Figure(
                f("UI: open a %,d-span run until its rows show", bigItem.path("spanCount").asInt()),
                f(
                    "median %.0f ms of %d loads (first %.0f ms); marks %s",
                    opened.median, loads - 1, opened.first, opened.marks),
                f("3-span run %.0f ms", baseline.median),
                f("%.2f×", opened.median / baseline.median),
                OPEN_GOAL,
                Figure.yesNo(opened.median <= 500)));
        driver.script("document.getElementById('expand-all').click()");
        waitFor(driver, ".row:nth-child(20)");
        long rows =
            driver.script("return document.getElementById('tree').scrollHeight / 28").asLong();
        scrollFigure(
            report,
            driver,
            f("UI: scroll the expanded run (%,d rows)", rows),
            "document.getElementById('tree')");
      }
      Path many = root.resolve("many");
      int runs = 10_000;
      ServerFigures.writeMany(many, runs);
      try (TraceServer server =
          TraceServer.start(ServerOptions.defaults().withTraceDir(many).withPort(0))) {
        String base = "http://127.0.0.1:" + server.port();
        awaitTraces(http, base, runs);
        driver.get(base + "/");
        waitFor(driver, ".run-row");
        String scroller = "document.getElementById('runs-scroll')";
        long loaded = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (loaded < runs && System.nanoTime() < deadline) {
          loaded =
              driver
                  .script(
                      "const s = "
                          + scroller
                          + "; s.scrollTop = s.scrollHeight; return"
                          + " Math.round(document.querySelector('.runs-body').offsetHeight / 52);")
                  .asLong();
          Thread.sleep(50); // the list pages in as it is scrolled to its end
        }
        driver.script(scroller + ".scrollTop = 0");
        scrollFigure(
            report, driver, f("UI: scroll the runs list (%,d runs loaded)", loaded), scroller);
      }
    } finally {
      driver.close();
      http.close();
      BenchFiles.deleteTree(root);
    }
  }

  private static void fanOut(Path dir, String name, int items) {
    Tree<Integer> perItem = Tree.<Integer>named("item").call(i -> i * 2).build();
    Board board = new Board();
    for (int i = 0; i < items; i++) {
      board.items.add(i);
    }
    Tree.<Board>named(name)
        .sequence()
        .name("fan out")
        .gather(b -> b.items, perItem, 64)
        .name("summarise")
        .call(b -> "done")
        .end()
        .build()
        .run(board, RunOptions.defaults().withTraceDir(dir));
    ((JsonlTraceWriter) TraceSink.jsonl(dir)).flush(Duration.ofSeconds(60));
  }

  private static JsonNode get(HttpClient http, String url) throws Exception {
    HttpResponse<String> res =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(res.body());
  }

  private static void awaitTraces(HttpClient http, String base, int count) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode h = get(http, base + "/api/health");
      if (h.path("traces").asInt() >= count
          && h.path("pending").asInt() == 0
          && !h.path("indexing").asBoolean()) {
        return;
      }
      Thread.sleep(20); // polling the server's own report of its progress
    }
    throw new IllegalStateException("the server did not index " + count + " traces in 2 minutes");
  }

  private static JsonNode first(HttpClient http, String base, String q) throws Exception {
    return get(http, base + "/api/traces?q=" + q).path("items").get(0);
  }

  private static void waitFor(Chromium driver, String css) throws Exception {
    long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!driver.script("return document.querySelector('" + css + "') !== null").asBoolean()) {
      if (System.nanoTime() > until) {
        throw new IllegalStateException("no " + css + " after 60 s");
      }
      Thread.sleep(2); // polling the page
    }
  }

  /** Median and first open time, and the median performance marks since navigation start. */
  private record Open(double first, double median, String marks) {}

  private static Open open(Chromium driver, String base, String id, int loads) throws Exception {
    double[] total = new double[loads];
    List<JsonNode> marks = new ArrayList<>();
    for (int i = 0; i < loads; i++) {
      driver.get("about:blank");
      long t = System.nanoTime();
      driver.get(base + "/traces/" + id);
      waitFor(driver, ".row");
      total[i] = (System.nanoTime() - t) / 1e6;
      marks.add(
          driver.script(
              "const m = {}; for (const e of performance.getEntriesByType('mark'))"
                  + " m[e.name] = e.startTime; return m;"));
    }
    StringBuilder line = new StringBuilder();
    for (String name : new String[] {"fetch", "response", "parsed", "model", "rendered"}) {
      double[] at = new double[loads - 1];
      for (int i = 1; i < loads; i++) {
        JsonNode v = marks.get(i).get("tt:" + name);
        at[i - 1] = v == null ? Double.NaN : v.asDouble();
      }
      line.append(f("%s%s %.0f", line.isEmpty() ? "" : ", ", name, median(at)));
    }
    return new Open(total[0], median(Arrays.copyOfRange(total, 1, loads)), line.toString());
  }

  /**
   * Scrolls {@code scroller} by 240 px every animation frame for four seconds; reports the frame
   * times against the idle frame time of the same page.
   */
  private static void scrollFigure(Report report, Chromium driver, String what, String scroller)
      throws Exception {
    JsonNode r =
        driver.asyncScript(
            "const done = arguments[arguments.length - 1]; const s = "
                + scroller
                + ";"
                + " const idle = []; const gaps = []; let last = performance.now();"
                + " function measureIdle(now) { idle.push(now - last); last = now;"
                + "   if (idle.length < 40) requestAnimationFrame(measureIdle);"
                + "   else { last = performance.now(); end = last + 4000; requestAnimationFrame(step); } }"
                + " let end = 0;"
                + " function step(now) { gaps.push(now - last); last = now;"
                + "   s.scrollTop += 240;"
                + "   if (now < end) requestAnimationFrame(step);"
                + "   else done({ idle: idle.slice(2), gaps: gaps.slice(2),"
                + "     rows: s.querySelectorAll('.row, .run-row').length }); }"
                + " requestAnimationFrame(measureIdle);");
    double[] gaps = sorted(r.path("gaps"));
    double[] idle = sorted(r.path("idle"));
    double p95 = p(gaps, 0.95);
    report.add(
        new Figure(
            what,
            f(
                "frame p50 %.1f / p95 %.1f / max %.1f ms (%d frames; %s rows in the DOM)",
                p(gaps, 0.5),
                p95,
                gaps.length == 0 ? Double.NaN : gaps[gaps.length - 1],
                gaps.length,
                r.path("rows").asText()),
            f("idle frame p95 %.1f ms", p(idle, 0.95)),
            f("%.2f×", p95 / p(idle, 0.95)),
            FRAME_GOAL,
            Figure.yesNo(p95 <= 20)));
  }

  private static double[] sorted(JsonNode values) {
    double[] out = new double[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i).asDouble();
    }
    Arrays.sort(out);
    return out;
  }

  private static double p(double[] sorted, double q) {
    return sorted.length == 0
        ? Double.NaN
        : sorted[Math.min(sorted.length - 1, (int) (sorted.length * q))];
  }

  private static double median(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
