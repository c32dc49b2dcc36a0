package dev.tasktree.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasktree.trace.TraceJson;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Headless Chromium from the system packages, driven through chromedriver's W3C WebDriver HTTP API
 * (a few commands: navigate, run a script, quit) — no Selenium, so the bench's dependencies stay
 * those it measures. Nothing is downloaded.
 */
final class Chromium implements AutoCloseable {

  private static final ObjectMapper JSON = TraceJson.newMapper();

  private final Process driver;
  private final HttpClient http = HttpClient.newHttpClient();
  private final String session;

  private Chromium(Process driver, String base, Path binary, Path profile) throws Exception {
    this.driver = driver;
    this.base = base;
    ObjectNode caps = JSON.createObjectNode();
    ObjectNode always = caps.putObject("capabilities").putObject("alwaysMatch");
    always.put("browserName", "chrome");
    ObjectNode chrome = always.putObject("goog:chromeOptions");
    chrome.put("binary", binary.toString());
    var args = chrome.putArray("args");
    for (String a :
        List.of(
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--user-data-dir=" + profile,
            "--window-size=1400,900")) {
      args.add(a);
    }
    this.session = post("/session", caps).path("sessionId").asText();
    ObjectNode timeouts = JSON.createObjectNode();
    timeouts.put("script", 60_000).put("pageLoad", 120_000);
    post("/session/" + session + "/timeouts", timeouts);
  }

  private final String base;

  /** Starts chromedriver and a browser session. */
  static Chromium start(Path chromedriver, Path chromium, Path profile) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Process p =
        new ProcessBuilder(chromedriver.toString(), "--port=" + port)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    String base = "http://127.0.0.1:" + port;
    HttpClient probe = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        HttpResponse<String> r =
            probe.send(
                HttpRequest.newBuilder(URI.create(base + "/status")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (JSON.readTree(r.body()).path("value").path("ready").asBoolean()) {
          break;
        }
      } catch (IOException e) {
        // not listening yet
      }
      if (System.nanoTime() > deadline) {
        p.destroyForcibly();
        throw new IllegalStateException("chromedriver did not start in 30 s");
      }
      Thread.sleep(50); // polling chromedriver's own status endpoint
    }
    probe.close();
    try {
      return new Chromium(p, base, chromium, profile);
    } catch (Exception e) {
      p.destroyForcibly();
      throw e;
    }
  }

  private JsonNode post(String path, JsonNode body) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    JsonNode value = JSON.readTree(r.body()).path("value");
    if (r.statusCode() != 200) {
      throw new IllegalStateException("WebDriver " + path + ": " + value.path("message").asText());
    }
    return value;
  }

  /** Navigates and waits for the page's load event. */
  void get(String url) throws Exception {
    ObjectNode body = JSON.createObjectNode();
    body.put("url", url);
    post("/session/" + session + "/url", body);
  }

  /** Runs {@code script} (a function body; {@code return} gives the result) in the page. */
  JsonNode script(String script) throws Exception {
    ObjectNode body = JSON.createObjectNode();
    body.put("script", script);
    body.putArray("args");
    return post("/session/" + session + "/execute/sync", body);
  }

  /** Runs an asynchronous script: it ends by calling {@code arguments[arguments.length - 1]}. */
  JsonNode asyncScript(String script) throws Exception {
    ObjectNode body = JSON.createObjectNode();
    body.put("script", script);
    body.putArray("args");
    return post("/session/" + session + "/execute/async", body);
  }

  @Override
  public void close() {
    try {
      http.send(
          HttpRequest.newBuilder(URI.create(base + "/session/" + session)).DELETE().build(),
          HttpResponse.BodyHandlers.discarding());
    } catch (Exception e) {
      // the browser is going away either way
    } finally {
      http.close();
      driver.destroy();
    }
  }
}
