package dev.tasktree.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tasktree.RunHandle;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The run view in headless Chromium on traces in states a healthy run does not leave: spans that
 * never ended, a writer that died, a clock ahead of the browser's, a tree shape with nodes that
 * never ran; plus roll-ups, the per-model table, the detail panel and accessibility.
 */
class RunViewTest {

  static final Instant PAST = Instant.parse("2026-01-01T10:00:00Z");

  @TempDir static Path dir;
  static TraceServer server;
  static ChromeDriver driver;
  static String base;
  static String abandoned;
  static String interrupted;
  static String future;
  static String shaped;
  static String models;
  static String modelsAgain;

  @BeforeAll
  static void start() throws Exception {
    Browser.assumeAvailable();
    String root = "abandoned run";
    abandoned =
        TraceFiles.trace(root, PAST)
            .start(0, "r", null, root, "Tree", root)
            .start(1, "s", "r", "Sequence", "Sequence", root + " > Sequence")
            .start(2, "t", "s", "deadline", "Timeout", root + " > Sequence > deadline")
            .start(
                10, "c", "t", "stubborn call", "Call", root + " > Sequence > deadline > stubborn")
            .end(
                1000,
                "t",
                "CANCELLED",
                null,
                Map.of("tasktree.cancel_reason", "timed out after 1s"))
            .end(1100, "s", "FAIL")
            .end(1200, "r", "FAIL")
            .traceEnd(1200, "FAIL")
            .write(dir, true);
    interrupted =
        TraceFiles.trace("interrupted run", PAST)
            .start(0, "r", null, "interrupted run", "Tree", "interrupted run")
            .start(500, "w", "r", "working", "Call", "interrupted run > working")
            .log(2000, "w", "still working")
            .write(dir, true);
    // A writer whose clock is an hour ahead of the browser's: its running spans start "later".
    future =
        TraceFiles.trace("future run", Instant.now().plus(Duration.ofHours(1)))
            .start(0, "r", null, "future run", "Tree", "future run")
            .start(10, "w", "r", "waiting", "Call", "future run > waiting")
            .write(dir, false);
    shaped = shapedRun();
    models = modelsRun(PAST, "OK");
    modelsAgain = modelsRun(PAST.plus(Duration.ofHours(1)), "FAIL");
    server = TraceServer.start(ServerOptions.defaults().withTraceDir(dir).withPort(0));
    base = "http://127.0.0.1:" + server.port();
    Http http = new Http(server);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> http.json("/api/health").path("traces").asInt() == 6);
    driver = Browser.start();
  }

  static String shapedRun() throws Exception {
    String t = "shaped run";
    String sel = t + " > Selector";
    var shape =
        TraceFiles.node(
            "Tree",
            t,
            t,
            TraceFiles.node(
                "Selector",
                "Selector",
                sel,
                TraceFiles.node("Call", "primary", sel + " > primary"),
                TraceFiles.node("Call", "fallback", sel + " > fallback"),
                TraceFiles.node("Call", "last resort", sel + " > last resort")),
            TraceFiles.node(
                "Sequence",
                "cleanup",
                t + " > cleanup",
                TraceFiles.node("Call", "flush", t + " > cleanup > flush")));
    ((com.fasterxml.jackson.databind.node.ObjectNode) shape.path("children").get(0))
        .putObject("details")
        .put("policy", "first success");
    return TraceFiles.trace(t, PAST, shape)
        .start(0, "r", null, t, "Tree", t)
        .start(1, "sel", "r", "Selector", "Selector", sel)
        .start(2, "p", "sel", "primary", "Call", sel + " > primary")
        .end(50, "p", "FAIL")
        .start(51, "f", "sel", "fallback", "Call", sel + " > fallback")
        .end(90, "f", "OK", "fine", null)
        .end(91, "sel", "OK", "fine", null)
        .end(92, "r", "OK", "fine", null)
        .traceEnd(92, "OK")
        .write(dir, true);
  }

  static String modelsRun(Instant t0, String reviewStatus) throws Exception {
    String t = "two models";
    String seq = t + " > Sequence";
    TraceFiles f =
        TraceFiles.trace(t, t0)
            .start(0, "r", null, t, "Tree", t)
            .start(1, "s", "r", "Sequence", "Sequence", seq)
            .start(2, "d", "s", "draft", "LLM", seq + " > draft")
            .start(1000, "v", "s", "review", "LLM", seq + " > review");
    for (int i = 0; i < 150; i++) {
      f.log(3 + i, "d", "draft token batch " + i);
      f.log(1001 + i, "v", "review token batch " + i);
    }
    f.end(
            999,
            "d",
            "OK",
            Map.of("text", "a draft", "sections", List.of("intro", "body", "end")),
            llm("gpt-a", 100, 20, 0.01))
        .end(4000, "v", reviewStatus, Map.of("text", "a review"), llm("gpt-a", 50, 10, 0.005))
        .start(4001, "q", "s", "quickest", "Race", seq + " > quickest")
        .start(4002, "fast", "q", "fast", "LLM", seq + " > quickest > fast")
        .start(4002, "slow", "q", "slow", "Call", seq + " > quickest > slow")
        .end(4100, "fast", "OK", "quick answer", llm("gpt-b", 30, 5, 0.001))
        .end(
            4101,
            "slow",
            "CANCELLED",
            null,
            Map.of("tasktree.cancel_reason", "lost the race to fast"))
        .end(4102, "q", "OK", "quick answer", Map.of("winner", "fast"))
        .end(4103, "s", "OK")
        .end(4104, "r", "OK")
        .traceEnd(4104, "OK");
    return f.write(dir, true);
  }

  static Map<String, Object> llm(String model, int in, int out, double cost) {
    return Map.of(
        "gen_ai.request.model", model,
        "gen_ai.usage.input_tokens", in,
        "gen_ai.usage.output_tokens", out,
        "tasktree.cost_usd", cost,
        "custom.flag", true);
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

  @BeforeEach
  void lightTheme() {
    driver.get(base + "/ui/favicon.svg");
    driver.executeScript("localStorage.setItem('tasktree.theme', 'light')");
  }

  // ---- helpers ----

  static List<WebElement> all(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  static WebElement one(String css) {
    await().atMost(Duration.ofSeconds(20)).until(() -> !all(css).isEmpty());
    return driver.findElement(By.cssSelector(css));
  }

  static void open(String id) {
    driver.get(base + "/traces/" + id);
    await().atMost(Duration.ofSeconds(20)).until(() -> !all(".row").isEmpty());
  }

  /** Per rendered row: name, duration text, status class, bar left and right edge in % of axis. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> rows() {
    return (List<Map<String, Object>>)
        driver.executeScript(
            """
            return [...document.querySelectorAll('.row')].map(r => {
              const wf = r.querySelector('.cell-wf').getBoundingClientRect();
              const bar = r.querySelector('.bar');
              const b = bar ? bar.getBoundingClientRect() : null;
              return { name: r.querySelector('.name').textContent,
                dur: r.querySelector('.cell-dur').textContent, text: r.textContent,
                cls: r.className,
                left: b ? (b.left - wf.left) / wf.width * 100 : null,
                right: b ? (b.right - wf.left) / wf.width * 100 : null };
            })""");
  }

  static Map<String, Object> row(String name) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> rows().stream().anyMatch(r -> r.get("name").equals(name)));
    return rows().stream().filter(r -> r.get("name").equals(name)).findFirst().orElseThrow();
  }

  /** Clicks the row; a row redrawn meanwhile (a live run reloads when it ends) is found again. */
  static void click(String name) {
    row(name);
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreException(org.openqa.selenium.StaleElementReferenceException.class)
        .until(
            () -> {
              all(".row").stream()
                  .filter(r -> r.findElement(By.cssSelector(".name")).getText().equals(name))
                  .findFirst()
                  .orElseThrow()
                  .click();
              return one(".row.selected .name").getText().equals(name);
            });
  }

  static String detail() {
    return one("#detail").getText();
  }

  static void assertBarInsideAxis(Map<String, Object> r) {
    assertThat(((Number) r.get("left")).doubleValue()).isBetween(-0.5, 100.5);
    assertThat(((Number) r.get("right")).doubleValue()).isBetween(-0.5, 100.5);
  }

  // ---- defect 1: spans that never ended ----

  @Test
  void aSpanAbandonedInAFinishedRunStopsAtTheRunsEndAndSaysSo() throws Exception {
    open(abandoned);
    Map<String, Object> r = row("stubborn call");
    assertThat((String) r.get("dur")).isEqualTo("1.19 s+").doesNotContain("…");
    assertThat((String) r.get("text")).contains("abandoned");
    assertThat((String) r.get("cls")).contains("st-abandoned");
    assertBarInsideAxis(r);
    click("stubborn call");
    assertThat(detail())
        .doesNotContain("still running")
        .doesNotContain("so far")
        .contains("never: abandoned")
        .contains("at least 1.19 s (never ended)");
    assertThat(one("#detail .detail-title").getText()).contains("ABANDONED").contains("abandoned");
    click("deadline");
    assertThat(one("#detail .detail-title").getText()).contains("cancelled: timed out after 1s");
    Browser.screenshot(driver, "run-abandoned");
  }

  @Test
  void theOpenSpansOfAnInterruptedRunStopAtItsLastEvent() {
    open(interrupted);
    assertThat(one(".run-title .badge.status").getText()).isEqualTo("INTERRUPTED");
    Map<String, Object> r = row("working");
    assertThat((String) r.get("dur")).isEqualTo("1.50 s+");
    assertThat((String) r.get("text")).contains("interrupted");
    assertBarInsideAxis(r);
    assertBarInsideAxis(row("interrupted run"));
    click("working");
    assertThat(detail()).contains("never: the run was interrupted").doesNotContain("so far");
  }

  @Test
  void aWriterClockAheadOfTheBrowsersShowsNoNegativeDurations() {
    open(future);
    one("#live-badge");
    for (Map<String, Object> r : rows()) {
      assertThat((String) r.get("dur")).doesNotContain("-").endsWith("…");
      assertBarInsideAxis(r);
    }
    click("waiting");
    assertThat(detail()).contains("so far").doesNotContain("-3");
    // Read in one script: the live header is redrawn as its clock moves, so an element found
    // first may be replaced before its text is asked for.
    assertThat(
            (String)
                driver.executeScript("return document.querySelector('#run-duration').textContent"))
        .isNotBlank()
        .doesNotContain("-");
  }

  // ---- defect 2: the detail panel ----

  @Test
  void selectingAnotherSpanShowsItsTitleNotThePreviousScrollPosition() {
    open(models);
    click("draft");
    WebElement panel = one("#detail");
    driver.executeScript("arguments[0].scrollTop = arguments[0].scrollHeight", panel);
    await()
        .until(
            () ->
                ((Number) driver.executeScript("return arguments[0].scrollTop", panel)).intValue()
                    > 500);
    click("review");
    assertThat(((Number) driver.executeScript("return arguments[0].scrollTop", panel)).intValue())
        .isZero();
    assertThat(one("#detail .detail-name").getText()).isEqualTo("review");
  }

  @Test
  void aRunningSpansDurationInTheDetailPanelKeepsGrowing() throws Exception {
    Fixtures.Board board = new Fixtures.Board(0, false);
    RunHandle run = Fixtures.startGated(dir, board, 2);
    try {
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> new Http(server).get("/api/traces/" + run.traceId()).status() == 200);
      open(run.traceId());
      click("step-1");
      String first = one("#detail-duration").getText();
      assertThat(first).endsWith("so far");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> !one("#detail-duration").getText().equals(first));
      // live updates are announced to screen readers (defect 6)
      board.gate.release();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> one("#announcer").getText().matches("\\d+ new spans?|Run finished: OK"));
      assertThat(one("#announcer").getAttribute("aria-live")).isEqualTo("polite");
    } finally {
      board.gate.release(2);
      run.await();
    }
  }

  // ---- defect 4: a filter that matches nothing ----

  @Test
  void errorsOnlyOnARunWithoutErrorsSaysSo() {
    open(models);
    one("#errors-only").click();
    await().until(() -> one("#no-match").isDisplayed());
    assertThat(one("#no-match").getText()).contains("No matching spans");
    assertThat(all(".row")).isEmpty();
    one("#errors-only").click();
    await().until(() -> !all(".row").isEmpty());
    assertThat(one("#no-match").isDisplayed()).isFalse();
  }

  // ---- defect 5: contrast of the status badges ----

  @Test
  void statusBadgesMeetWcagAaContrastInBothThemes() throws Exception {
    for (String theme : List.of("light", "dark")) {
      driver.executeScript("localStorage.setItem('tasktree.theme', arguments[0])", theme);
      open(models);
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> ratios =
          (List<Map<String, Object>>)
              driver.executeAsyncScript(
                  """
                  const done = arguments[arguments.length - 1];
                  import('/ui/status.js').then(m => {
                    const box = document.createElement('div');
                    for (const [s] of m.STATES.concat([['UNREADABLE']])) box.appendChild(m.statusBadge(s));
                    const live = document.createElement('span'); live.className = 'badge live'; live.textContent = 'LIVE';
                    const dot = document.createElement('span'); dot.className = 'err-dot'; dot.textContent = '!';
                    box.append(live, dot);
                    document.getElementById('app').appendChild(box);
                    const lum = (c) => {
                      const [r, g, b] = c.match(/[\\d.]+/g).slice(0, 3).map(Number).map(v => {
                        v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
                      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
                    };
                    done([...box.children].map(el => {
                      const st = getComputedStyle(el);
                      const a = lum(st.color), b = lum(st.backgroundColor);
                      return { text: el.textContent, ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) };
                    }));
                  });""");
      assertThat(ratios).hasSizeGreaterThan(8);
      for (Map<String, Object> r : ratios) {
        assertThat(((Number) r.get("ratio")).doubleValue())
            .as(theme + " " + r.get("text"))
            .isGreaterThanOrEqualTo(4.5);
      }
      if (theme.equals("dark")) {
        Browser.screenshot(driver, "run-dark");
      }
    }
  }

  // ---- defect 6: accessibility ----

  @Test
  void theTreeIsAFocusableTreeWithAnActiveDescendantButtonsAndALegend() {
    open(models);
    WebElement tree = one("[role=tree]");
    assertThat(tree.getAttribute("tabindex")).isEqualTo("0");
    assertThat(all("[role=treeitem] button.toggle")).isNotEmpty();
    assertThat(all("[role=treeitem] span.toggle:not(.leaf)")).isEmpty();
    tree.click();
    tree.sendKeys(org.openqa.selenium.Keys.HOME);
    await().until(() -> tree.getAttribute("aria-activedescendant") != null);
    String active = tree.getAttribute("aria-activedescendant");
    WebElement item = driver.findElement(By.id(active));
    assertThat(item.getAttribute("role")).isEqualTo("treeitem");
    assertThat(item.getAttribute("aria-selected")).isEqualTo("true");
    assertThat((Object) driver.executeScript("return document.activeElement.getAttribute('role')"))
        .isEqualTo("tree");
    tree.sendKeys(org.openqa.selenium.Keys.ARROW_DOWN);
    await().until(() -> !active.equals(tree.getAttribute("aria-activedescendant")));
    assertThat(driver.findElement(By.id(tree.getAttribute("aria-activedescendant"))).getText())
        .contains("Sequence");
    // status is told by a symbol with a name, not by colour alone; a legend explains the symbols
    for (WebElement icon : all(".row .st-icon")) {
      assertThat(icon.getAttribute("aria-label")).isNotBlank();
      assertThat(icon.getText()).isNotBlank();
    }
    assertThat(one("#legend").getText())
        .contains("ok")
        .contains("fail")
        .contains("abandoned")
        .contains("never");
    assertThat(one("#announcer").getAttribute("aria-live")).isEqualTo("polite");
  }

  // ---- the whole tree from its shape ----

  @Test
  void nodesThatNeverRanAreShownGreyedInPlace() throws Exception {
    open(shaped);
    await().until(() -> rows().size() == 7);
    List<String> names = rows().stream().map(r -> (String) r.get("name")).toList();
    assertThat(names)
        .containsExactly(
            "shaped run", "Selector", "primary", "fallback", "last resort", "cleanup", "flush");
    for (String never : List.of("last resort", "cleanup", "flush")) {
      Map<String, Object> r = row(never);
      assertThat((String) r.get("cls")).contains("ghost");
      assertThat((String) r.get("text")).contains("never ran");
      assertThat(r.get("left")).isNull(); // no bar
      assertThat((String) r.get("dur")).isEmpty();
    }
    assertThat((String) row("fallback").get("cls")).doesNotContain("ghost");
    click("last resort");
    assertThat(detail()).contains("did not run").contains("shaped run > Selector > last resort");
    click("Selector");
    Browser.screenshot(driver, "run-shape");
    // the API passes the shape through
    var json = new Http(server).json("/api/traces/" + shaped);
    assertThat(json.path("shape").path("children").get(0).path("details").path("policy").asText())
        .isEqualTo("first success");
    assertThat(new Http(server).json("/api/traces/" + models).path("shape").isNull()).isTrue();
  }

  // ---- roll-ups, per-model breakdown, badges, JSON tree, copy and download ----

  @Test
  void parentsRollUpTheirSubtreeAndTheHeaderBreaksCostDownByModel() {
    open(models);
    assertThat((String) row("Sequence").get("text")).contains("Σ 3 LLM · 215 tok · $0.0160");
    assertThat((String) row("quickest").get("text")).contains("Σ 1 LLM · 35 tok · $0.00100");
    one("#collapse-all").click();
    await().until(() -> rows().size() == 1);
    assertThat((String) row("two models").get("text")).contains("Σ 3 LLM");
    List<String> lines = all("#models tbody tr").stream().map(WebElement::getText).toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0))
        .contains("gpt-a")
        .contains("2")
        .contains("150 / 30")
        .contains("$0.0150")
        .contains("997 ms");
    assertThat(lines.get(1)).contains("gpt-b").contains("1").contains("30 / 5");
  }

  @Test
  void theDetailPanelShowsBadgesGroupedAttributesAndAJsonTree() throws Exception {
    open(models);
    click("fast");
    assertThat(one("#detail .detail-title").getText()).contains("race winner");
    click("slow");
    assertThat(one("#detail .detail-title").getText())
        .contains("cancelled: lost the race to fast")
        .doesNotContain("race winner");
    click("draft");
    List<String> groups =
        all("#detail .attr-group").stream().map(g -> g.getAttribute("data-group")).toList();
    assertThat(groups).containsExactly("gen_ai.*", "tasktree.*", "node");
    List<String> genAi =
        one("#detail .attr-group[data-group='gen_ai.*']")
            .findElements(By.cssSelector("dt"))
            .stream()
            .map(WebElement::getText)
            .toList();
    assertThat(genAi).isSorted();
    WebElement sections =
        all("#detail .json-tree details").stream()
            .filter(d -> d.findElement(By.tagName("summary")).getText().startsWith("sections"))
            .findFirst()
            .orElseThrow();
    assertThat(sections.getAttribute("open")).isNull();
    sections.findElement(By.tagName("summary")).click();
    await().until(() -> sections.getText().contains("\"body\""));
    // copy: the span id reaches the clipboard
    driver.executeCdpCommand(
        "Browser.grantPermissions",
        Map.of(
            "origin",
            base,
            "permissions",
            List.of("clipboardReadWrite", "clipboardSanitizedWrite")));
    one("#copy-span-id").click();
    await().until(() -> one("#copy-span-id").getText().equals("Copied"));
    Object clip =
        driver.executeAsyncScript(
            "const done = arguments[arguments.length - 1];"
                + "navigator.clipboard.readText().then(done, e => done('error ' + e));");
    assertThat(clip).isEqualTo("d");
    // download a span: its JSON; download the run: the file as written
    Object downloaded =
        driver.executeAsyncScript(
            "const done = arguments[arguments.length - 1];"
                + "const a = document.getElementById('download-span');"
                + "const make = URL.createObjectURL; let blob = null;"
                + "URL.createObjectURL = (b) => { blob = b; return make(b); };"
                + "a.addEventListener('click', e => e.preventDefault());"
                + "a.click(); URL.createObjectURL = make;"
                + "blob.text().then(done);");
    var span = dev.tasktree.trace.TraceJson.newMapper().readTree((String) downloaded);
    assertThat(span.path("id").asText()).isEqualTo("d");
    assertThat(span.path("attributes").path("gen_ai.request.model").asText()).isEqualTo("gpt-a");
    assertThat(one("#download-run").getAttribute("href"))
        .endsWith("/api/traces/" + models + "/download");
    Browser.screenshot(driver, "run-detail");
  }

  @Test
  void theCriticalPathFollowsTheChildThatEndedLast() {
    open(models);
    one("#critical-path").click();
    await().until(() -> !all(".row.critical").isEmpty());
    List<String> critical = new ArrayList<>();
    for (Map<String, Object> r : rows()) {
      if (((String) r.get("cls")).contains("critical")) {
        critical.add((String) r.get("name"));
      }
    }
    assertThat(critical).containsExactly("two models", "Sequence", "quickest", "slow");
  }

  // ---- timeline zoom and pan ----

  @Test
  void brushingTheAxisZoomsTheWaterfallAndTheKeysPanAndReset() throws Exception {
    open(models);
    assertThat(row("quickest").get("left")).isNotNull();
    WebElement axis = one("#axis");
    int width = axis.getSize().getWidth();
    new org.openqa.selenium.interactions.Actions(driver)
        .moveToElement(axis, -width / 2 + 1, 0)
        .clickAndHold()
        .moveByOffset(width / 4, 0)
        .release()
        .perform();
    await().until(() -> !one("#zoom-label").getText().isEmpty());
    assertThat(row("quickest").get("left")).isNull(); // after the window: no bar
    Map<String, Object> draft = row("draft");
    assertThat(
            ((Number) draft.get("right")).doubleValue()
                - ((Number) draft.get("left")).doubleValue())
        .isGreaterThan(90);
    // the window starts where the drag started (a pixel in: a few ms) and spans a quarter
    assertThat(all("#axis .tick").getFirst().getText()).matches("\\d+(\\.\\d+)? (µs|ms)");
    assertThat(all("#axis .tick").get(1).getText()).matches("2\\d\\d ms");
    Browser.screenshot(driver, "run-zoomed");
    WebElement tree = one("#tree");
    tree.click();
    tree.sendKeys("]]]]]]"); // half a window each
    await().until(() -> row("quickest").get("left") != null);
    assertThat(row("draft").get("left")).isNull();
    tree.sendKeys("0");
    await().until(() -> one("#zoom-label").getText().isEmpty());
    assertThat(row("draft").get("left")).isNotNull();
    assertThat(row("quickest").get("left")).isNotNull();
  }

  // ---- compare two runs; p50 / p95 per node ----

  @Test
  void twoRunsOfATreeCompareNodeByNodeWithTheirRecentPercentiles() throws Exception {
    open(models);
    one("#compare-run").click();
    await().until(() -> !all("#stats-table tbody tr").isEmpty());
    assertThat(one("#stats-caption").getText()).contains("last 2 runs");
    WebElement review = one("#stats-table tr[data-key='two models > Sequence > review']");
    assertThat(review.getText()).contains("2").contains("3.00 s");
    driver.get(base + "/compare?a=" + models + "&b=" + modelsAgain);
    await().until(() -> !all("#compare-table tbody tr").isEmpty());
    WebElement differs = one("#compare-table tr[data-key='two models > Sequence > review']");
    assertThat(differs.getAttribute("class")).contains("differs");
    assertThat(differs.getText()).contains("OK").contains("FAIL").contains("status");
    WebElement same = one("#compare-table tr[data-key='two models > Sequence > draft']");
    assertThat(same.getAttribute("class")).doesNotContain("differs");
    assertThat(same.getText()).contains("+0 µs").contains("997 ms");
    Browser.screenshot(driver, "compare");
  }
}
