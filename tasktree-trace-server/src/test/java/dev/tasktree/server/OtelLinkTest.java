package dev.tasktree.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Issue 14: a run exported to OpenTelemetry with a URL template carries {@code
 * tasktree.otel.trace_url} on its first line; the API serves the run's attributes and the run view
 * links to that trace — only an http(s) URL, opened with {@code rel=noopener}, its text never
 * parsed as HTML.
 */
class OtelLinkTest {

  static final Instant T0 = Instant.parse("2026-02-01T10:00:00Z");
  static final String W3C = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String TEMPO = "https://tempo.example/trace/" + W3C + "?from=a&to=b";
  static final String HOSTILE = "https://x.example/\"><img src=x onerror=\"window.pwned=1\">";

  @TempDir static Path dir;
  static TraceServer server;
  static ChromeDriver driver;
  static Http http;
  static String base;
  static String linked;
  static String hostile;
  static String script;
  static String plain;

  @BeforeAll
  static void start() throws Exception {
    linked =
        run(
            "linked run",
            0,
            Map.of("tasktree.otel.trace_id", W3C, "tasktree.otel.trace_url", TEMPO));
    hostile = run("hostile run", 1, Map.of("tasktree.otel.trace_url", HOSTILE));
    script = run("script run", 2, Map.of("tasktree.otel.trace_url", "javascript:window.pwned=1"));
    plain = run("plain run", 3, Map.of());
    server = TraceServer.start(ServerOptions.defaults().withTraceDir(dir).withPort(0));
    base = "http://127.0.0.1:" + server.port();
    http = new Http(server);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> http.json("/api/health").path("traces").asInt() == 4);
  }

  static String run(String name, int minute, Map<String, ?> attrs) throws Exception {
    TraceFiles f = TraceFiles.trace(name, T0.plusSeconds(60L * minute));
    if (!attrs.isEmpty()) {
      f.tags(attrs);
    }
    return f.start(0, "r", null, name, "Tree", name)
        .end(5, "r", "OK")
        .traceEnd(5, "OK")
        .write(dir, true);
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

  @Test
  void bothFormsOfATraceCarryTheRunsAttributes() {
    for (String form : new String[] {"", "?form=compact"}) {
      assertThat(
              http.json("/api/traces/" + linked + form)
                  .path("attributes")
                  .path("tasktree.otel.trace_url")
                  .asText())
          .isEqualTo(TEMPO);
      assertThat(http.json("/api/traces/" + plain + form).path("attributes").isObject()).isTrue();
      assertThat(http.json("/api/traces/" + plain + form).path("attributes").isEmpty()).isTrue();
    }
  }

  private static ChromeDriver browser() throws Exception {
    Browser.assumeAvailable();
    if (driver == null) {
      driver = Browser.start();
    }
    return driver;
  }

  private static void open(String id) throws Exception {
    browser().get(base + "/traces/" + id);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> !driver.findElements(By.cssSelector(".row")).isEmpty());
  }

  @Test
  void aRunExportedToOpenTelemetryLinksToItsTraceInANewTabWithoutAnOpener() throws Exception {
    open(linked);
    WebElement link = driver.findElement(By.id("otel-link"));
    assertThat(link.getAttribute("href")).isEqualTo(TEMPO);
    assertThat(link.getAttribute("target")).isEqualTo("_blank");
    assertThat(link.getAttribute("rel").split(" ")).contains("noopener", "noreferrer");
    assertThat(link.getText()).contains("OpenTelemetry trace");
    assertThat(link.getAttribute("title")).contains(W3C);
    Browser.screenshot(driver, "otel-link");
  }

  @Test
  void aUrlWithMarkupIsALinkWhoseTextIsNeverParsedAsHtml() throws Exception {
    open(hostile);
    WebElement link = driver.findElement(By.id("otel-link"));
    // The URL parser percent-encodes what would break out of the attribute.
    assertThat(link.getAttribute("href"))
        .startsWith("https://x.example/")
        .doesNotContain("\"", "<", ">");
    assertThat(driver.findElements(By.cssSelector(".run-header img"))).isEmpty();
    assertThat(driver.executeScript("return window.pwned === undefined")).isEqualTo(true);
  }

  @Test
  void anythingButAnHttpUrlIsNoLink() throws Exception {
    for (String id : new String[] {script, plain}) {
      open(id);
      assertThat(driver.findElements(By.id("otel-link"))).isEmpty();
      assertThat(driver.findElements(By.cssSelector(".run-header a[href^='javascript']")))
          .isEmpty();
    }
    assertThat(driver.executeScript("return window.pwned === undefined")).isEqualTo(true);
  }
}
