package dev.tasktree.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/** The runs list in headless Chromium over 10,000 traces. */
class RunsListTest {

  static final int RUNS = 10_000;
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir static Path dir;
  static TraceServer server;
  static ChromeDriver driver;
  static String base;
  static String oldest;

  @BeforeAll
  static void start() throws Exception {
    Browser.assumeAvailable();
    for (int i = 0; i < RUNS; i++) {
      String name = "job-" + (i % 5);
      long ms = 5 + (i * 7919L) % 5000;
      TraceFiles f =
          TraceFiles.trace(name, T0.plusSeconds(i))
              .start(0, "r", null, name, "Tree", name)
              .start(1, "c", "r", "step", "Call", name + " > step");
      String id;
      if (i % 11 == 3) {
        id = f.write(dir, true); // the writer died: INTERRUPTED
      } else {
        String status = i % 7 == 2 ? "FAIL" : "OK";
        id = f.end(ms - 1, "c", status).end(ms, "r", status).traceEnd(ms, status).write(dir, true);
      }
      if (i == 0) {
        oldest = id;
      }
    }
    server = TraceServer.start(ServerOptions.defaults().withTraceDir(dir).withPort(0));
    base = "http://127.0.0.1:" + server.port();
    Http http = new Http(server);
    await()
        .atMost(Duration.ofSeconds(120))
        .until(
            () ->
                http.json("/api/health").path("traces").asInt() == RUNS
                    && http.json("/api/health").path("pending").asInt() == 0);
    driver = Browser.start();
  }

  @AfterAll
  static void stop() {
    if (driver != null) {
      driver.quit();
    }
    if (server != null) {
      server.close();
    }
  }

  static List<WebElement> all(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  static WebElement one(String css) {
    await().atMost(Duration.ofSeconds(20)).until(() -> !all(css).isEmpty());
    return driver.findElement(By.cssSelector(css));
  }

  /** The shown rows in screen order: id, status and duration text. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> shown() {
    return (List<Map<String, Object>>)
        driver.executeScript(
            """
            return [...document.querySelectorAll('.run-row')]
              .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)
              .map(r => ({ id: r.dataset.id, status: r.querySelector('.badge.status').textContent,
                durationUs: JSON.parse(r.dataset.signature).durationUs }))""");
  }

  static void waitForRows() {
    await().atMost(Duration.ofSeconds(20)).until(() -> shown().size() > 5);
  }

  // ---- defect 3: the controls show what the URL asks for ----

  @Test
  void theControlsShowTheSortAndStatusesOfTheUrl() {
    driver.get(base + "/?sort=duration&order=asc");
    waitForRows();
    assertThat(one("#sort").getAttribute("value")).isEqualTo("duration:asc");
    assertThat(one("#sort option:checked").getText()).isEqualTo("Shortest first");
    List<Long> durations =
        shown().stream().map(r -> ((Number) r.get("durationUs")).longValue()).toList();
    assertThat(durations).isSorted();
    assertThat(one("[data-sort=duration]").findElement(By.xpath("..")).getAttribute("aria-sort"))
        .isEqualTo("ascending");

    driver.get(base + "/?status=FAIL,INTERRUPTED");
    waitForRows();
    List<String> checked =
        all("#status-filter input:checked").stream().map(e -> e.getAttribute("value")).toList();
    assertThat(checked).containsExactlyInAnyOrder("FAIL", "INTERRUPTED");
    assertThat(shown()).allMatch(r -> List.of("FAIL", "INTERRUPTED").contains(r.get("status")));
    assertThat(shown().stream().map(r -> r.get("status")).distinct()).hasSize(2);
  }

  @Test
  void severalStatusesAreChosenByClickingAndKeptInTheUrl() {
    driver.get(base + "/");
    waitForRows();
    one("#status-filter input[value=FAIL]").click();
    await().until(() -> driver.getCurrentUrl().contains("status=FAIL"));
    one("#status-filter input[value=INTERRUPTED]").click();
    await().until(() -> driver.getCurrentUrl().contains("status=FAIL%2CINTERRUPTED"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> shown().stream().allMatch(r -> !r.get("status").equals("OK")));
    assertThat(one("#list-summary").getText())
        .isEqualTo(
            String.format(
                "%,d runs",
                new Http(server)
                    .json("/api/traces?limit=1&status=FAIL,INTERRUPTED")
                    .path("total")
                    .asInt()));
  }

  // ---- defect 7: virtualised ----

  @Test
  void tenThousandLoadedRunsKeepTheDomSmallAndScrollToTheOldest() {
    driver.get(base + "/");
    waitForRows();
    // scroll to the end until every run is loaded
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              Object loaded =
                  driver.executeScript(
                      "const s = document.getElementById('runs-scroll');"
                          + " s.scrollTop = s.scrollHeight;"
                          + " return document.querySelector('.runs-body').offsetHeight;");
              return ((Number) loaded).longValue() >= RUNS * 52L;
            });
    await().until(() -> shown().stream().anyMatch(r -> r.get("id").equals(oldest)));
    assertThat(shown().getLast().get("id")).isEqualTo(oldest);
    long nodes = (Long) driver.executeScript("return (document.querySelectorAll('*').length)");
    assertThat(nodes).isLessThan(1500);
    assertThat(all(".run-row").size()).isLessThan(60);
    assertThat(one("#runs").getAttribute("aria-rowcount")).isEqualTo(String.valueOf(RUNS + 1));
  }

  // ---- sortable headers, whole-row click ----

  @Test
  void columnHeadersSortAndAClickAnywhereOnARowOpensIt() throws Exception {
    driver.get(base + "/");
    waitForRows();
    one("button[data-sort=duration]").click();
    await().until(() -> driver.getCurrentUrl().contains("sort=duration"));
    assertThat(driver.getCurrentUrl()).doesNotContain("order=");
    await()
        .until(
            () -> {
              List<Long> d =
                  shown().stream().map(r -> ((Number) r.get("durationUs")).longValue()).toList();
              return d.size() > 5 && d.reversed().equals(d.stream().sorted().toList());
            });
    assertThat(one("#sort").getAttribute("value")).isEqualTo("duration:desc");
    one("button[data-sort=duration]").click();
    await().until(() -> driver.getCurrentUrl().contains("order=asc"));
    assertThat(one("#sort").getAttribute("value")).isEqualTo("duration:asc");
    // a click on the status cell (not the link) opens the run
    String id = (String) shown().getFirst().get("id");
    driver.findElement(By.cssSelector(".run-row[data-id='" + id + "'] .c-status")).click();
    await().until(() -> driver.getCurrentUrl().endsWith("/traces/" + id));
    one(".row");
    driver.navigate().back();
    waitForRows();
    Browser.screenshot(driver, "list-10k");
  }
}
