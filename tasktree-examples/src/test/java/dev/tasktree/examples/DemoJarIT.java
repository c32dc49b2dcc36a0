package dev.tasktree.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tasktree.redis.RedisStore;
import dev.tasktree.store.StoreException;
import dev.tasktree.testsupport.MissingService;
import dev.tasktree.trace.Status;
import dev.tasktree.trace.TraceReader;
import io.lettuce.core.RedisURI;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's command for real: the shaded {@code target/tasktree-examples.jar}, started as a
 * process after {@code package} (maven-failsafe-plugin), offline.
 */
class DemoJarIT {

  private static final Path JAR = Path.of("target", "tasktree-examples.jar").toAbsolutePath();

  /** The Redis to test against, like the Redis module's tests: no default address. */
  private static final String REDIS_URL = System.getenv("TASKTREE_REDIS_URL");

  private static ProcessBuilder demo(Path workDir, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(JAR.toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
    builder.environment().remove("OPENAI_BASE_URL");
    builder.environment().remove("OPENAI_API_KEY");
    builder.environment().remove("TASKTREE_REDIS_URL");
    return builder;
  }

  private static List<String> runToEnd(ProcessBuilder builder) throws Exception {
    assertThat(JAR).exists();
    Process process = builder.redirectErrorStream(true).start();
    List<String> lines =
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
            .lines()
            .toList();
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(process.exitValue()).as(String.join("\n", lines)).isZero();
    return lines;
  }

  @Test
  void theJarRunsEveryExampleOfflineAndWritesTheirTraces(@TempDir Path workDir) throws Exception {
    List<String> lines = runToEnd(demo(workDir, "--no-serve"));

    assertThat(lines.get(0))
        .startsWith(
            "LLM: no OPENAI_BASE_URL or OPENAI_API_KEY set, so the examples call the"
                + " scripted OpenAI-compatible server started on http://127.0.0.1:");
    assertThat(lines.get(1)).startsWith("Store: in memory");
    List<String> results = lines.stream().filter(l -> l.startsWith("[")).toList();
    int n = Examples.ALL.size();
    assertThat(results).hasSize(n);
    for (int i = 0; i < n; i++) {
      assertThat(results.get(i))
          .startsWith("[" + (i + 1) + "/" + n + "] " + Examples.ALL.get(i).name() + " ")
          .contains(" OK ");
    }
    assertThat(lines.getLast())
        .isEqualTo(
            n + " of " + n + " examples OK. Traces in " + workDir.resolve(".traces").toRealPath());
    assertThat(String.join("\n", lines)).doesNotContain("Exception", "WARN", "ERROR");
    List<Path> files;
    try (Stream<Path> list = Files.list(workDir.resolve(".traces"))) {
      files = list.filter(p -> p.toString().endsWith(".jsonl")).toList();
    }
    // the cached call runs twice, the resilient calls three times, the crashed run and the
    // approved run twice (first attempt, resume)
    assertThat(files).hasSize(16);
    List<Status> statuses = new java.util.ArrayList<>();
    for (Path file : files) {
      statuses.add(new TraceReader().read(file).summary().status());
    }
    // every run is OK but the crashed run's first attempt, cut off mid-way, and the approved
    // run's first attempt, suspended while it waited for the approval
    assertThat(statuses)
        .filteredOn(s -> s != Status.OK)
        .containsExactlyInAnyOrder(Status.CANCELLED, Status.WAITING);
  }

  @Test
  void theJarServesTheTraceUiAfterTheRuns(@TempDir Path workDir) throws Exception {
    Process process =
        demo(workDir, "--example", "plain-workflow", "--port", "0")
            .redirectErrorStream(true)
            .start();
    try {
      BufferedReader reader =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String url = null;
      String traceId = null;
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (line.startsWith("[1/1] plain-workflow")) {
          traceId = line.substring(line.lastIndexOf(' ') + 1);
        }
        if (line.startsWith("Trace UI: ")) {
          url = line.substring("Trace UI: ".length()).split(" ")[0];
          break;
        }
      }
      assertThat(url).matches("http://127\\.0\\.0\\.1:\\d+/");
      assertThat(traceId).isNotNull();
      try (HttpClient client = HttpClient.newHttpClient()) {
        String id = traceId;
        String base = url;
        // the server may still be indexing, or see the file before the writer's last line
        await()
            .atMost(Duration.ofSeconds(20))
            .untilAsserted(
                () -> {
                  HttpResponse<String> traces =
                      client.send(
                          HttpRequest.newBuilder(URI.create(base + "api/traces"))
                              .timeout(Duration.ofSeconds(10))
                              .build(),
                          HttpResponse.BodyHandlers.ofString());
                  assertThat(traces.statusCode()).isEqualTo(200);
                  assertThat(traces.body()).contains("\"id\":\"" + id + "\"", "\"status\":\"OK\"");
                });
        HttpResponse<String> page =
            client.send(
                HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).containsIgnoringCase("<html");
      }
      assertThat(process.isAlive()).isTrue();
    } finally {
      process.destroy(); // SIGTERM, like Ctrl-C: the shutdown hook stops the server
      assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void withRedisTheCachedAnswerIsAHitInTheNextProcess(@TempDir Path workDir) throws Exception {
    if (REDIS_URL == null || REDIS_URL.isBlank()) {
      MissingService.skipOrFail(
          "no Redis for this test: set TASKTREE_REDIS_URL (e.g. redis://127.0.0.1:6379)");
    }
    try (RedisStore redis =
        RedisStore.builder(REDIS_URL).connectTimeout(Duration.ofSeconds(2)).build()) {
      try {
        redis.ping();
      } catch (StoreException e) {
        RedisURI uri = RedisURI.create(REDIS_URL);
        MissingService.skipOrFail(
            "no Redis answers at "
                + uri.getHost()
                + ":"
                + uri.getPort()
                + " (TASKTREE_REDIS_URL): "
                + e.getMessage());
      }
      redis.delete("cached:" + CachedCall.QUESTION);
      ProcessBuilder first = demo(workDir, "--no-serve", "--example", "cached-call");
      first.environment().put("TASKTREE_REDIS_URL", REDIS_URL);
      ProcessBuilder second = demo(workDir, "--no-serve", "--example", "cached-call");
      second.environment().put("TASKTREE_REDIS_URL", REDIS_URL);

      assertThat(runToEnd(first))
          .contains("Store: Redis at " + REDIS_URL)
          .anySatisfy(l -> assertThat(l).contains("cached-call", "run 1 miss, run 2 hit"));
      assertThat(runToEnd(second))
          .anySatisfy(l -> assertThat(l).contains("cached-call", "run 1 hit, run 2 hit"));
    }
  }
}
