package dev.tasktree.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tasktree.Result;
import dev.tasktree.RunHandle;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import dev.tasktree.store.FileSignalStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Approvals from the UI in headless Chromium: a run in this JVM waits in an Approval (trace and
 * signals in the served directory); the list shows it WAITING; clicking Approve (or Reject, with a
 * comment) on the waiting span delivers the decision and the run finishes — and the view shows it.
 */
class ApprovalBrowserTest {

  @TempDir Path dir;
  private TraceServer server;
  private ChromeDriver driver;
  private FileSignalStore signals;
  private String base;

  @BeforeEach
  void start() throws Exception {
    Browser.assumeAvailable();
    server =
        TraceServer.start(
            ServerOptions.defaults()
                .withTraceDir(dir)
                .withPort(0)
                .withRescanInterval(Duration.ofMillis(200)));
    base = "http://127.0.0.1:" + server.port();
    signals = FileSignalStore.inTraceDir(dir);
    driver = Browser.start();
  }

  @AfterEach
  void stop() {
    if (driver != null) {
      driver.quit();
    }
    if (server != null) {
      server.close();
    }
    if (signals != null) {
      signals.close();
    }
  }

  private List<WebElement> all(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  private WebElement one(String css) {
    await().atMost(Duration.ofSeconds(20)).until(() -> !all(css).isEmpty());
    return driver.findElement(By.cssSelector(css));
  }

  private String text(String css) {
    return (String)
        driver.executeScript(
            "const e = document.querySelector(arguments[0]); return e ? e.textContent : null", css);
  }

  private RunHandle waitingRun() {
    Tree<Object> tree =
        Tree.named("publish post")
            .sequence()
            .approval(b -> "post:7", b -> java.util.Map.of("title", "Hello"), Duration.ofMinutes(5))
            .call(b -> "published")
            .end()
            .build();
    return tree.start(
        new Object(), RunOptions.defaults().withTraceDir(dir).withSignalStore(signals));
  }

  private void openWaitingApproval(RunHandle run) {
    Http http = new Http(server);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> http.json("/api/traces?status=WAITING").path("total").asInt() == 1);
    driver.get(base + "/");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> text("body") != null && text("body").contains("WAITING"));
    driver.get(base + "/traces/" + run.traceId());
    await().atMost(Duration.ofSeconds(20)).until(() -> !all(".row").isEmpty());
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                all(".row").stream()
                    .anyMatch(
                        r -> r.findElement(By.cssSelector(".name")).getText().equals("Approval")));
    all(".row").stream()
        .filter(r -> r.findElement(By.cssSelector(".name")).getText().equals("Approval"))
        .findFirst()
        .orElseThrow()
        .click();
    one("#approval-panel #approve");
    assertThat(text("#approval-proposal")).contains("Hello");
  }

  @Test
  void clickingApproveOnTheWaitingSpanFinishesTheRun() throws Exception {
    RunHandle run = waitingRun();
    openWaitingApproval(run);
    Browser.screenshot(driver, "approval-waiting");
    one("#approval-comment").sendKeys("looks good");
    one("#approve").click();
    // The control says it was delivered — unless the run took it so fast that the span has
    // already ended and the panel shows the decision instead (checked below).
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                String.valueOf(text("#approval-outcome")).contains("Approved: delivered")
                    || "approved".equals(text("#approval-result")));
    assertThat(run.result().get(30, TimeUnit.SECONDS)).isEqualTo(Result.ok("published"));
    // The view follows the run to its end and shows the decision on the span.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> "OK".equals(text(".run-title .badge.status")));
    await().atMost(Duration.ofSeconds(20)).until(() -> "approved".equals(text("#approval-result")));
    assertThat(text("#approval-panel")).contains("looks good").contains("trace-ui");
    Browser.screenshot(driver, "approval-approved");
  }

  @Test
  void clickingRejectWithACommentFailsTheRunWithIt() throws Exception {
    RunHandle run = waitingRun();
    openWaitingApproval(run);
    one("#approval-comment").sendKeys("wrong title");
    one("#reject").click();
    Result result = run.result().get(30, TimeUnit.SECONDS);
    assertThat(result.isOk()).isFalse();
    assertThat(((Exception) result.data()).getMessage()).contains("wrong title");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> "FAIL".equals(text(".run-title .badge.status")));
  }

  @Test
  void anEditedValueIsApprovedAndBadJsonIsRefusedBeforeSending() throws Exception {
    RunHandle run = waitingRun();
    openWaitingApproval(run);
    one("#approval-edit").click();
    WebElement value = one("#approval-value");
    value.clear();
    value.sendKeys("{not json");
    one("#approve").click();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> String.valueOf(text("#approval-outcome")).contains("not valid JSON"));
    assertThat(run.isDone()).isFalse();
    value = one("#approval-value");
    value.clear();
    value.sendKeys("{\"title\": \"Hello, edited\"}");
    one("#approve").click();
    Result result = run.result().get(30, TimeUnit.SECONDS);
    assertThat(result).isEqualTo(Result.ok("published"));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              for (var span : new Http(server).json("/api/traces/" + run.traceId()).path("spans")) {
                if (span.path("kind").asText().equals("Approval")) {
                  return span.path("data").path("title").asText().equals("Hello, edited");
                }
              }
              return false;
            });
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> "OK".equals(text(".run-title .badge.status")));
  }
}
