package dev.tasktree.server;

import dev.tasktree.trace.TraceIds;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Measures the server on big inputs (run by hand, not a test): list-page latency over 100,000
 * traces and the open time of a 50,000-span trace. {@code Measure <dir>}.
 */
final class Measure {

  private Measure() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args.length > 0 ? args[0] : "target/measure");
    Path many = root.resolve("many");
    Path big = root.resolve("big");
    int count = 100_000;
    if (!Files.isDirectory(many)) {
      // Real runs as templates; copies get fresh ids (the first line carries the id).
      Path staging = root.resolve("staging");
      Fixtures.runMany(staging, 20);
      List<List<String>> templates = new ArrayList<>();
      try (var files = Files.list(staging)) {
        for (Path f : files.toList()) {
          templates.add(Files.readAllLines(f));
        }
      }
      Files.createDirectories(many);
      Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
      for (int i = 0; i < count; i++) {
        List<String> lines = templates.get(i % templates.size());
        String oldId = lines.getFirst().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
        String id = TraceIds.create(i % 2 == 0 ? "alpha" : "beta", t0.plusMillis(i * 10L));
        String text = String.join("\n", lines).replace(oldId, id) + "\n";
        Files.writeString(many.resolve(id + ".jsonl"), text, StandardCharsets.UTF_8);
      }
    }
    if (!Files.isDirectory(big)) {
      Fixtures.runGather(big, "fifty thousand", 49_997);
    }
    long started = System.nanoTime();
    try (TraceServer server =
        TraceServer.start(ServerOptions.defaults().withTraceDir(many).withPort(0))) {
      Http http = new Http(server);
      while (server.index().size() < count || server.index().pending() > 0) {
        Thread.sleep(200);
      }
      System.out.printf(
          "indexed %d traces in %.1f s (%d reads)%n",
          server.index().size(), (System.nanoTime() - started) / 1e9, server.index().reads());
      report("first page (limit 50, newest first)", http, "/api/traces?limit=50", 300);
      String cursor = http.json("/api/traces?limit=1000").path("nextCursor").asText();
      report("page after 1,000 (cursor)", http, "/api/traces?limit=50&cursor=" + cursor, 300);
      report("text filter q=beta", http, "/api/traces?limit=50&q=beta", 300);
      report("status filter FAIL", http, "/api/traces?limit=50&status=FAIL", 300);
      report("sort by cost", http, "/api/traces?limit=50&sort=cost", 300);
    }
    try (TraceServer server =
        TraceServer.start(ServerOptions.defaults().withTraceDir(big).withPort(0))) {
      Http http = new Http(server);
      while (server.index().size() < 1 || server.index().pending() > 0) {
        Thread.sleep(100);
      }
      String id = http.json("/api/traces").path("items").get(0).path("id").asText();
      long spans = http.json("/api/traces").path("items").get(0).path("spanCount").asLong();
      long t = System.nanoTime();
      long bytes = http.count("/api/traces/" + id);
      System.out.printf(
          "open %d-span trace, first time: %.0f ms (%d KB JSON)%n",
          spans, (System.nanoTime() - t) / 1e6, bytes / 1024);
      report("open " + spans + "-span trace again (cached)", http, "/api/traces/" + id, 15);
      Path file = big.resolve(id + ".jsonl");
      double[] reread = new double[7];
      for (int i = 0; i < reread.length; i++) {
        Files.setLastModifiedTime(
            file, java.nio.file.attribute.FileTime.from(Instant.now().minusSeconds(60 + i)));
        long r = System.nanoTime();
        http.count("/api/traces/" + id);
        reread[i] = (System.nanoTime() - r) / 1e6;
      }
      Arrays.sort(reread);
      System.out.printf(
          "open %d-span trace, re-read from disk: median %.0f ms (7 requests)%n", spans, reread[3]);
      if (java.nio.file.Files.isExecutable(Browser.CHROMIUM)) {
        var driver = Browser.start();
        try {
          double[] open = new double[5];
          for (int i = 0; i < open.length; i++) {
            driver.get("about:blank");
            long b = System.nanoTime();
            driver.get("http://127.0.0.1:" + server.port() + "/traces/" + id);
            while (driver.findElements(org.openqa.selenium.By.cssSelector(".row")).isEmpty()) {
              Thread.onSpinWait();
            }
            open[i] = (System.nanoTime() - b) / 1e6;
          }
          Arrays.sort(open);
          System.out.printf(
              "open %d-span trace in Chromium until rows show: median %.0f ms (5 loads)%n",
              spans, open[2]);
        } finally {
          driver.quit();
        }
      }
    }
  }

  private static void report(String what, Http http, String path, int times) {
    for (int i = 0; i < 5; i++) {
      http.count(path); // warm up
    }
    double[] ms = new double[times];
    for (int i = 0; i < times; i++) {
      long t = System.nanoTime();
      http.count(path);
      ms[i] = (System.nanoTime() - t) / 1e6;
    }
    Arrays.sort(ms);
    System.out.printf(
        "%-45s median %.2f ms, p95 %.2f ms (%d requests)%n",
        what, ms[times / 2], ms[(int) (times * 0.95)], times);
  }
}
