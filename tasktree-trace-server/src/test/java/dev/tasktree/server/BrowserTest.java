package dev.tasktree.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tasktree.RunHandle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/** The UI in headless Chromium against a real server and traces of real runs. */
class BrowserTest {

  static final String XSS_NAME = "<img src=x onerror=\"window.__xss='name'\">";
  static final String XSS_OUTPUT =
      "<script>window.__xss='output'</script><img src=x onerror=\"window.__xss='img'\"> done";

  @TempDir static Path dir;
  static TraceServer server;
  static ChromeDriver driver;
  static String base;

  @BeforeAll
  static void start() throws Exception {
    Browser.assumeAvailable();
    Fixtures.runMany(dir, 6);
    Fixtures.pipeline("retry pipeline").run(new Fixtures.Board(7, true), Fixtures.options(dir));
    Fixtures.llmTree("weather chat", "ask model", "It is 21 °C and sunny in Paris.")
        .run(new Fixtures.Board(1, false), Fixtures.options(dir));
    Fixtures.llmTree("xss <b>run</b>", XSS_NAME, XSS_OUTPUT)
        .run(new Fixtures.Board(2, false), Fixtures.options(dir));
    Fixtures.runGather(dir, "big fan out", 20_000);
    Fixtures.flush(dir);
    server = TraceServer.start(ServerOptions.defaults().withTraceDir(dir).withPort(0));
    base = "http://127.0.0.1:" + server.port();
    Http http = new Http(server);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> http.json("/api/health").path("traces").asInt() == 10);
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

  // ---- helpers ----

  private static List<WebElement> all(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  private static WebElement one(String css) {
    await().atMost(Duration.ofSeconds(20)).until(() -> !all(css).isEmpty());
    return driver.findElement(By.cssSelector(css));
  }

  /** The names of the rendered rows, read in one script call (rows re-render while live). */
  @SuppressWarnings("unchecked")
  private static List<String> rowNames() {
    return (List<String>)
        driver.executeScript(
            "return [...document.querySelectorAll('.row .name')].map(e => e.textContent)");
  }

  /** Rows of spans that ran (not the shape's never-run rows). */
  @SuppressWarnings("unchecked")
  private static List<String> ranRowNames() {
    return (List<String>)
        driver.executeScript(
            "return [...document.querySelectorAll('.row:not(.ghost) .name')]"
                + ".map(e => e.textContent)");
  }

  private static int rowCount() {
    return ((Number) driver.executeScript("return document.querySelectorAll('.row').length"))
        .intValue();
  }

  private static String idOf(String name) {
    return new Http(server)
        .json(
            "/api/traces?limit=1&q="
                + java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8))
        .path("items")
        .get(0)
        .path("id")
        .asText();
  }

  private static void openRun(String name) {
    driver.get(base + "/traces/" + idOf(name));
    await().atMost(Duration.ofSeconds(20)).until(() -> !all(".row").isEmpty());
  }

  private static void clickRow(String name) {
    await().atMost(Duration.ofSeconds(10)).until(() -> rowNames().contains(name));
    all(".row").stream()
        .filter(r -> r.findElement(By.cssSelector(".name")).getText().equals(name))
        .findFirst()
        .orElseThrow()
        .click();
  }

  // ---- tests ----

  @Test
  void theListShowsRunsAndFiltersThem() throws Exception {
    driver.get(base + "/");
    await().atMost(Duration.ofSeconds(20)).until(() -> all(".run-row").size() >= 10);
    assertThat(one("#list-summary").getText()).matches("\\d+ runs");
    assertThat(all(".run-name").stream().map(WebElement::getText))
        .contains("big fan out", "weather chat", "alpha", "beta");
    Browser.screenshot(driver, "list");
    one("#run-search").sendKeys("weather");
    await().atMost(Duration.ofSeconds(10)).until(() -> all(".run-row").size() == 1);
    assertThat(one(".run-name").getText()).isEqualTo("weather chat");
    one("#run-search").sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE);
    await().atMost(Duration.ofSeconds(10)).until(() -> all(".run-row").size() >= 10);
    one("#status-filter input[value=FAIL]").click();
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreException(StaleElementReferenceException.class) // a running run may be redrawn
        .until(
            () ->
                !all(".run-row").isEmpty()
                    && all(".run-row .badge.status").stream()
                        .allMatch(b -> b.getText().equals("FAIL")));
    assertThat(driver.getCurrentUrl()).contains("status=FAIL");
  }

  @Test
  void opensARunAndExpandsAndCollapsesItsTree() {
    driver.get(base + "/?q=weather");
    one(".run-name").click();
    await().atMost(Duration.ofSeconds(20)).until(() -> rowCount() == 6);
    assertThat(driver.getCurrentUrl()).contains("/traces/");
    assertThat(one(".run-title h1").getText()).isEqualTo("weather chat");
    assertThat(one(".totals").getText()).contains("120 / 45").contains("$0.00123");
    one("#collapse-all").click();
    await().until(() -> rowCount() == 1);
    one(".row .toggle").click();
    await().until(() -> rowCount() == 2);
    one("#expand-all").click();
    await().until(() -> rowCount() == 6);
    assertThat(rowNames())
        .containsExactly(
            "weather chat", "Sequence", "prepare", "ask model", "get_weather", "store answer");
    // keyboard: Home selects the root, ArrowDown moves, ArrowLeft on an open node collapses it
    one("#tree").click();
    one("#tree").sendKeys(Keys.HOME);
    await().until(() -> one(".row.selected .name").getText().equals("weather chat"));
    one("#tree").sendKeys(Keys.ARROW_DOWN);
    await().until(() -> one(".row.selected .name").getText().equals("Sequence"));
    one("#tree").sendKeys(Keys.ARROW_LEFT);
    await().until(() -> rowCount() == 2);
  }

  @Test
  void anLlmSpanShowsItsTranscriptWithEachToolCallOnce() throws Exception {
    openRun("weather chat");
    clickRow("ask model");
    WebElement transcript = one("#detail .transcript");
    List<String> roles =
        transcript.findElements(By.cssSelector(".msg-role")).stream()
            .map(WebElement::getText)
            .toList();
    assertThat(roles).containsExactly("SYSTEM", "USER", "ASSISTANT", "ASSISTANT");
    assertThat(transcript.getText())
        .contains("You are a weather assistant.")
        .contains("What is the weather in Paris?")
        .contains("It is 21 °C and sunny in Paris.");
    List<WebElement> calls = all("#detail .tool-call");
    assertThat(calls).hasSize(1);
    assertThat(calls.getFirst().getText()).contains("get_weather").contains("Paris").contains("21");
    assertThat(one("#detail").getText())
        .contains("gpt-test-mini")
        .contains("120 in / 45 out")
        .contains("$0.00123")
        .contains("Time to first token");
    assertThat(driver.getCurrentUrl()).contains("?span=");
    Browser.screenshot(driver, "run");
  }

  @Test
  void searchWithinARunStepsThroughMatches() {
    openRun("retry pipeline");
    one("#span-search").sendKeys("flaky step", Keys.ENTER);
    await().until(() -> one("#match-count").getText().equals("1 / 2"));
    assertThat(one(".row.selected .name").getText()).isEqualTo("flaky step");
    assertThat(one(".row.selected").getText()).contains("#1");
    assertThat(all("#detail mark")).isNotEmpty();
    one("#search-next").click();
    await().until(() -> one("#match-count").getText().equals("2 / 2"));
    assertThat(one(".row.selected").getText()).contains("#2");
    one("#search-prev").click();
    await().until(() -> one("#match-count").getText().equals("1 / 2"));
    // data and logs are searched too, and a collapsed match is revealed
    one("#collapse-all").click();
    one("#span-search").clear();
    one("#span-search").sendKeys("loading item 7", Keys.ENTER);
    await().until(() -> one("#match-count").getText().equals("1 / 1"));
    assertThat(one(".row.selected .name").getText()).isEqualTo("load input");
    // filters
    one("#span-search").sendKeys(Keys.ESCAPE);
    one("#expand-all").click();
    one("#errors-only").click();
    await().until(() -> rowNames().contains("flaky step") && !rowNames().contains("load input"));
    one("#errors-only").click();
    one("#llm-only").click(); // spans with token usage count as LLM spans
    await().until(() -> rowNames().contains("priced step") && !rowNames().contains("load input"));
  }

  @Test
  void aRunningTraceGrowsInPlace() throws Exception {
    Fixtures.Board board = new Fixtures.Board(0, false);
    RunHandle run = Fixtures.startGated(dir, board, 3);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> new Http(server).get("/api/traces/" + run.traceId()).status() == 200);
    driver.get(base + "/traces/" + run.traceId());
    one("#live-badge");
    await().atMost(Duration.ofSeconds(20)).until(() -> ranRowNames().contains("step-1"));
    assertThat(ranRowNames()).doesNotContain("step-2"); // shown from the shape, as never run
    board.gate.release();
    await().atMost(Duration.ofSeconds(20)).until(() -> ranRowNames().contains("step-2"));
    Browser.screenshot(driver, "live");
    board.gate.release(2);
    run.await();
    await().atMost(Duration.ofSeconds(20)).until(() -> all("#live-badge").isEmpty());
    assertThat(rowNames()).contains("step-3");
    assertThat(one(".run-title .badge.status").getText()).isEqualTo("OK");
  }

  @Test
  void htmlInTraceContentIsShownAsTextAndRunsNothing() throws Exception {
    driver.get(base + "/?q=xss");
    await().atMost(Duration.ofSeconds(20)).until(() -> all(".run-name").size() == 1);
    assertThat(one(".run-name").getText()).isEqualTo("xss <b>run</b>");
    one(".run-name").click();
    clickRow(XSS_NAME);
    WebElement transcript = one("#detail .transcript");
    assertThat(transcript.getText()).contains(XSS_OUTPUT);
    assertThat(one(".row.selected .name").getText()).isEqualTo(XSS_NAME);
    assertThat(driver.executeScript("return typeof window.__xss")).isEqualTo("undefined");
    assertThat(all("img")).isEmpty();
    assertThat(all("#app script")).isEmpty();
    assertThat(all("#app b")).isEmpty();
    Browser.screenshot(driver, "xss");
  }

  @Test
  void anEmptyDirectoryExplainsHowToWriteTraces(@TempDir Path empty) throws Exception {
    try (TraceServer other =
        TraceServer.start(ServerOptions.defaults().withTraceDir(empty).withPort(0))) {
      driver.get("http://127.0.0.1:" + other.port() + "/");
      WebElement box = one(".empty");
      await().atMost(Duration.ofSeconds(10)).until(() -> box.getText().contains("No runs yet"));
      assertThat(box.getText())
          .contains("RunOptions.defaults().withTraceDir(Path.of(\".traces\"))")
          .contains(empty.toAbsolutePath().normalize().toString());
      // a run that starts now appears without a reload
      Fixtures.runMany(empty, 1);
      await().atMost(Duration.ofSeconds(20)).until(() -> all(".run-row").size() == 1);
      assertThat(one(".run-name").getText()).isEqualTo("alpha");
    }
  }

  @Test
  void aDeepLinkSelectsTheSpan() {
    String id = idOf("weather chat");
    String spanId =
        java.util.stream.StreamSupport.stream(
                new Http(server).json("/api/traces/" + id).path("spans").spliterator(), false)
            .filter(s -> s.path("name").asText().equals("store answer"))
            .findFirst()
            .orElseThrow()
            .path("id")
            .asText();
    driver.get(base + "/traces/" + id + "?span=" + spanId);
    await().atMost(Duration.ofSeconds(20)).until(() -> !all(".row.selected").isEmpty());
    assertThat(one(".row.selected .name").getText()).isEqualTo("store answer");
    assertThat(one("#detail").getText()).contains("weather chat > Sequence > store answer");
  }

  @Test
  void aRunWithTwentyThousandItemsRendersOnlyTheVisibleRows() throws Exception {
    openRun("big fan out");
    // the big Gather group starts collapsed
    assertThat(rowCount()).isLessThan(10);
    assertThat(one(".row .name").getText()).isEqualTo("big fan out");
    one("#expand-all").click();
    await().atMost(Duration.ofSeconds(20)).until(() -> rowCount() > 10);
    Number height =
        (Number) driver.executeScript("return document.querySelector('.rows').offsetHeight");
    assertThat(height.longValue()).isGreaterThanOrEqualTo(20_000L * 28);
    assertThat(rowCount()).isLessThan(200);
    driver.executeScript(
        "const t = document.getElementById('tree'); t.scrollTop = t.scrollHeight;");
    await().atMost(Duration.ofSeconds(10)).until(() -> rowNames().contains("summarise"));
    assertThat(rowCount()).isLessThan(200);
  }
}
