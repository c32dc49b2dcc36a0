package dev.tasktree.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tasktree.trace.Attributes;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The runs list's filters in headless Chromium: model, tag, time range, duration and cost, typed
 * into the controls or given in the URL, shown back in the controls, sent to the server, and the
 * rows are exactly the runs that match; a bad value shows the server's reason.
 */
class RunsListFiltersTest {

  static final int RUNS = 12;
  static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
  @TempDir static Path dir;
  static TraceServer server;
  static ChromeDriver driver;
  static String base;
  static final List<String> ids = new ArrayList<>();

  /**
   * Run i: model claude-b when odd (gpt-a when even), cost i cents, i × 100 + 50 ms, env prod when
   * i % 3 == 0.
   */
  @BeforeAll
  static void start() throws Exception {
    Browser.assumeAvailable();
    for (int i = 0; i < RUNS; i++) {
      long ms = i * 100L + 50;
      String model = i % 2 == 1 ? "claude-b" : "gpt-a";
      ids.add(
          TraceFiles.trace("filtered-" + i, T0.plus(Duration.ofHours(i)))
              .tags(Map.of("env", i % 3 == 0 ? "prod" : "dev"))
              .start(0, "r", null, "filtered-" + i, "Tree", "filtered-" + i)
              .start(1, "c", "r", "ask", "LLM", "filtered-" + i + " > ask")
              .end(
                  ms - 1,
                  "c",
                  "OK",
                  "answer",
                  Map.of(Attributes.REQUEST_MODEL, model, Attributes.COST_USD, i * 0.01))
              .end(ms, "r", "OK")
              .traceEnd(ms, "OK")
              .write(dir, true));
    }
    server = TraceServer.start(ServerOptions.defaults().withTraceDir(dir).withPort(0));
    base = "http://127.0.0.1:" + server.port();
    Http http = new Http(server);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                http.json("/api/health").path("traces").asInt() == RUNS
                    && !http.json("/api/health").path("indexing").asBoolean());
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

  static WebElement one(String css) {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> !driver.findElements(By.cssSelector(css)).isEmpty());
    return driver.findElement(By.cssSelector(css));
  }

  @SuppressWarnings("unchecked")
  static Set<String> shownIds() {
    return new TreeSet<>(
        (List<String>)
            driver.executeScript(
                "return [...document.querySelectorAll('#runs:not([hidden]) .run-row')]"
                    + ".map(r => r.dataset.id)"));
  }

  static Set<String> runs(int... which) {
    Set<String> out = new TreeSet<>();
    for (int i : which) {
      out.add(ids.get(i));
    }
    return out;
  }

  static void awaitRows(Set<String> expected) {
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(shownIds()).isEqualTo(expected));
  }

  static void type(String id, String value) {
    WebElement input = one("#" + id);
    input.clear();
    input.sendKeys(value, Keys.ENTER);
  }

  @Test
  void typedFiltersKeepTheMatchingRunsAndGoIntoTheUrl() throws Exception {
    driver.get(base + "/");
    awaitRows(new TreeSet<>(ids));
    type("filter-model", "claude-b");
    awaitRows(runs(1, 3, 5, 7, 9, 11));
    assertThat(driver.getCurrentUrl()).contains("model=claude-b");
    type("filter-minCost", "0.05");
    awaitRows(runs(5, 7, 9, 11));
    assertThat(driver.getCurrentUrl()).contains("minCost=0.05");
    assertThat(one("#list-summary").getText()).isEqualTo("4 runs");
    Browser.screenshot(driver, "list-filters");
    // The model input suggests the models of the runs it has seen.
    assertThat(driver.findElements(By.cssSelector("#filter-model-options option")))
        .extracting(o -> o.getAttribute("value"))
        .contains("claude-b");
  }

  @Test
  void filtersFromTheUrlShowInTheControlsAndClearAllAtOnce() {
    String from = T0.plus(Duration.ofHours(2)).toString();
    driver.get(base + "/?tag=env:prod&from=" + from + "&maxDuration=0.7s");
    awaitRows(runs(3, 6));
    assertThat(one("#filter-tag").getAttribute("value")).isEqualTo("env:prod");
    assertThat(one("#filter-from").getAttribute("value")).isEqualTo(from);
    assertThat(one("#filter-maxDuration").getAttribute("value")).isEqualTo("0.7s");
    type("filter-to", T0.plus(Duration.ofHours(5)).toString());
    awaitRows(runs(3));
    one("#filter-clear").click();
    awaitRows(new TreeSet<>(ids));
    assertThat(driver.getCurrentUrl()).isEqualTo(base + "/");
    assertThat(one("#filter-tag").getAttribute("value")).isEmpty();
  }

  @Test
  void aBadValueShowsTheServersReasonAndNoStaleRows() {
    driver.get(base + "/");
    awaitRows(new TreeSet<>(ids));
    type("filter-minDuration", "fast");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> one(".banner").getText().contains("minDuration: 'fast' is not a duration"));
    assertThat(shownIds()).isEmpty();
    type("filter-minDuration", "1s");
    awaitRows(runs(10, 11));
    assertThat(one(".banner").isDisplayed()).isFalse();
  }
}
