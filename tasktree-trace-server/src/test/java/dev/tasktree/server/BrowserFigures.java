package dev.tasktree.server;

import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.core.ConditionTimeoutException;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The UI's figures in headless Chromium (run by hand, not a test; docs/performance.md has the
 * results): the time to open a 20,000- and a 100,000-span trace until rows show, split by the UI's
 * performance marks; frame times while scrolling the expanded 100,000-span tree; frame times while
 * scrolling 10,000 loaded runs. {@code BrowserFigures <dir> [loads]}.
 *
 * <p>Frame times are the gaps between animation frames while the page scrolls by a fixed step every
 * frame: 16.7 ms is a frame at 60 Hz; anything longer is a dropped frame.
 */
final class BrowserFigures {

  private BrowserFigures() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args.length > 0 ? args[0] : "target/browser-figures");
    int loads = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    Path big = root.resolve("big");
    Path many = root.resolve("many");
    if (!Files.isDirectory(big)) {
      Fixtures.runGather(big, "twenty thousand", 19_997);
      Fixtures.runGather(big, "hundred thousand", 99_997);
    }
    if (!Files.isDirectory(many)) {
      for (int i = 0; i < 10_000; i++) {
        String name = "job-" + (i % 5);
        long ms = 5 + (i * 7919L) % 5000;
        TraceFiles.trace(name, Instant.parse("2026-01-01T00:00:00Z").plusSeconds(i))
            .start(0, "r", null, name, "Tree", name)
            .start(1, "c", "r", "step", "Call", name + " > step")
            .end(ms - 1, "c", "OK")
            .end(ms, "r", "OK")
            .traceEnd(ms, "OK")
            .write(many, true);
      }
    }
    ChromeDriver driver = Browser.start();
    try {
      try (TraceServer server =
          TraceServer.start(ServerOptions.defaults().withTraceDir(big).withPort(0))) {
        Http http = new Http(server);
        await()
            .atMost(Duration.ofMinutes(5))
            .pollInterval(Duration.ofMillis(100))
            .until(() -> http.json("/api/health").path("traces").asInt() >= 2);
        for (String name : List.of("twenty thousand", "hundred thousand")) {
          var item = http.json("/api/traces?q=" + name.replace(' ', '+')).path("items").get(0);
          open(driver, server, item.path("id").asText(), item.path("spanCount").asInt(), loads);
        }
        String hundred =
            http.json("/api/traces?q=hundred").path("items").get(0).path("id").asText();
        driver.get("http://127.0.0.1:" + server.port() + "/traces/" + hundred);
        waitFor(driver, ".row");
        driver.findElement(By.id("expand-all")).click();
        waitFor(driver, ".row:nth-child(20)");
        frames(driver, "scroll the expanded 100,000-span tree", "document.getElementById('tree')");
      }
      try (TraceServer server =
          TraceServer.start(ServerOptions.defaults().withTraceDir(many).withPort(0))) {
        Http http = new Http(server);
        await()
            .atMost(Duration.ofMinutes(5))
            .pollInterval(Duration.ofMillis(200))
            .until(
                () -> {
                  var health = http.json("/api/health");
                  return health.path("traces").asInt() >= 10_000
                      && health.path("pending").asInt() == 0;
                });
        driver.get("http://127.0.0.1:" + server.port() + "/");
        String scroller =
            "(document.getElementById('runs-scroll') || document.querySelector('.list-view'))";
        // scroll to the bottom until all runs are loaded, for at most 90 s; the figure below
        // then reports how many were
        AtomicLong loaded = new AtomicLong();
        try {
          await()
              .atMost(Duration.ofSeconds(90))
              .pollInSameThread()
              .pollDelay(Duration.ZERO)
              .pollInterval(Duration.ofMillis(100))
              .until(
                  () -> {
                    loaded.set(
                        ((Number)
                                driver.executeScript(
                                    "const s = "
                                        + scroller
                                        + "; s.scrollTop = s.scrollHeight;"
                                        + " return document.querySelectorAll('.run-row,"
                                        + " table.runs tbody tr').length &&"
                                        + " (document.querySelector('.runs-body') ?"
                                        + " document.querySelector('.runs-body').offsetHeight / 52"
                                        + " : document.querySelectorAll('table.runs tbody"
                                        + " tr').length);"))
                            .longValue());
                    return loaded.get() >= 10_000;
                  });
        } catch (ConditionTimeoutException partial) {
          System.out.printf("runs list: not all loaded after 90 s%n");
        }
        long nodes =
            ((Number) driver.executeScript("return document.querySelectorAll('*').length"))
                .longValue();
        System.out.printf("runs list: %,d runs loaded, %,d DOM elements%n", loaded.get(), nodes);
        driver.executeScript(scroller + ".scrollTop = 0");
        frames(driver, "scroll " + loaded.get() + " loaded runs", scroller);
      }
    } finally {
      driver.quit();
    }
  }

  /** Waits (checking every 5 ms, on this thread: the driver is not thread-safe) for {@code css}. */
  private static void waitFor(ChromeDriver driver, String css) {
    await("an element " + css)
        .atMost(Duration.ofSeconds(60))
        .pollInSameThread()
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(5))
        .until(() -> !driver.findElements(By.cssSelector(css)).isEmpty());
  }

  /** Loads a trace {@code loads} times; the first read is the server's first read of the file. */
  @SuppressWarnings("unchecked")
  private static void open(ChromeDriver driver, TraceServer server, String id, int spans, int loads)
      throws Exception {
    double[] total = new double[loads];
    List<Map<String, Object>> marks = new ArrayList<>();
    for (int i = 0; i < loads; i++) {
      driver.get("about:blank");
      long t = System.nanoTime();
      driver.get("http://127.0.0.1:" + server.port() + "/traces/" + id);
      waitFor(driver, ".row");
      total[i] = (System.nanoTime() - t) / 1e6;
      marks.add(
          (Map<String, Object>)
              driver.executeScript(
                  "const m = {}; for (const e of performance.getEntriesByType('mark'))"
                      + " m[e.name] = e.startTime; return m;"));
    }
    System.out.printf(
        "open a %,d-span trace until rows show: first %.0f ms, then median %.0f ms (%d loads)%n",
        spans, total[0], median(Arrays.copyOfRange(total, 1, loads)), loads - 1);
    String[] names = {"tt:fetch", "tt:response", "tt:parsed", "tt:model", "tt:rendered"};
    StringBuilder line = new StringBuilder("  median marks since navigation start:");
    for (String name : names) {
      double[] at = new double[loads - 1];
      for (int i = 1; i < loads; i++) {
        Object v = marks.get(i).get(name);
        at[i - 1] = v == null ? Double.NaN : ((Number) v).doubleValue();
      }
      line.append(String.format(" %s %.0f ms", name, median(at)));
    }
    System.out.println(line);
  }

  /** Scrolls by a fixed step every animation frame for two seconds; prints frame-time p50/p95. */
  @SuppressWarnings("unchecked")
  private static void frames(ChromeDriver driver, String what, String scroller) {
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    List<Number> gaps =
        (List<Number>)
            driver.executeAsyncScript(
                "const done = arguments[arguments.length - 1]; const s = "
                    + scroller
                    + "; const gaps = []; let last = performance.now(); const end = last + 2000;"
                    + " function step(now) { gaps.push(now - last); last = now;"
                    + "   s.scrollTop += 240;"
                    + "   if (now < end) requestAnimationFrame(step); else done(gaps.slice(2)); }"
                    + " requestAnimationFrame(step);");
    double[] ms = gaps.stream().mapToDouble(Number::doubleValue).sorted().toArray();
    System.out.printf(
        "%s: %d frames, frame time p50 %.1f ms, p95 %.1f ms, max %.1f ms%n",
        what, ms.length, ms[ms.length / 2], ms[(int) (ms.length * 0.95)], ms[ms.length - 1]);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
