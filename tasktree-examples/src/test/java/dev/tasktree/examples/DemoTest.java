package dev.tasktree.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.tasktree.trace.Status;
import dev.tasktree.trace.TraceReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's command line, in process: its lines, its traces, and one clear line per problem. */
class DemoTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int demo(Map<String, String> env, String... args) throws InterruptedException {
    return Demo.run(
        args,
        env,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String printed() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String errors() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void runsEveryExampleOfflineOneLineEachAndWritesTheirTraces(@TempDir Path dir) throws Exception {
    int code = demo(Map.of(), "--no-serve", "--trace-dir", dir.toString());

    assertThat(code).as(errors()).isZero();
    assertThat(errors()).isEmpty();
    List<String> lines = printed().lines().toList();
    assertThat(lines.getFirst()).startsWith("LLM: no OPENAI_BASE_URL or OPENAI_API_KEY set");
    assertThat(lines.get(1)).startsWith("Store: in memory");
    int n = Examples.ALL.size();
    List<String> results = lines.stream().filter(l -> l.matches("\\[\\d+/" + n + "] .*")).toList();
    assertThat(results).hasSize(n);
    for (int i = 0; i < n; i++) {
      Example example = Examples.ALL.get(i);
      assertThat(results.get(i))
          .matches(
              "\\["
                  + (i + 1)
                  + "/"
                  + n
                  + "] "
                  + example.name()
                  + " +OK +.+ +\\d+\\.\\d\\d s +\\d+ tok +\\$\\d\\.\\d{6} +\\d{8}T\\S+");
    }
    assertThat(results.get(5)).contains("run 1 miss, run 2 hit");
    assertThat(results.get(6)).contains("stopped: kept 2 of 8 chapters");
    assertThat(results.get(9)).contains("crashed after 3 calls; resumed: 3 replayed, 3 cal…");
    assertThat(results.get(10)).contains("waited, approved via UI POST, resumed: 1 replayed…");
    assertThat(lines.getLast()).startsWith(n + " of " + n + " examples OK. Traces in ");
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
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
    // its journal is in the trace dir, and nothing is left to resume
    assertThat(dir.resolve("journal")).isDirectory();
    for (String line : results) {
      String traceId = line.substring(line.lastIndexOf(' ') + 1);
      assertThat(dir.resolve(traceId + ".jsonl")).exists();
    }
  }

  @Test
  void helpListsEveryExample() throws Exception {
    assertThat(demo(Map.of(), "--help")).isZero();
    for (Example example : Examples.ALL) {
      assertThat(printed()).contains("  " + example.name() + " ");
    }
    assertThat(printed()).contains("--no-serve", "--port", "OPENAI_BASE_URL", "TASKTREE_REDIS_URL");
  }

  @Test
  void runsOneExampleByName(@TempDir Path dir) throws Exception {
    assertThat(
            demo(Map.of(), "--no-serve", "--example", "tool-agent", "--trace-dir", dir.toString()))
        .isZero();
    assertThat(printed()).contains("[1/1] tool-agent ").doesNotContain("fan-out");
  }

  @Test
  void badArgumentsGetOneLine() throws Exception {
    assertThat(demo(Map.of(), "--example", "nope")).isEqualTo(2);
    assertThat(errors()).startsWith("No example named 'nope'. Examples: fallback-chain, ");
    err.reset();
    assertThat(demo(Map.of(), "--port", "http")).isEqualTo(2);
    assertThat(errors()).isEqualTo("--port must be a number from 0 to 65535, was 'http'.\n");
    err.reset();
    assertThat(demo(Map.of(), "--frobnicate")).isEqualTo(2);
    assertThat(errors()).isEqualTo("Unknown option '--frobnicate'; try --help.\n");
  }

  @Test
  void anUnwritableTraceDirSaysWhatToDo(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    assertThat(demo(Map.of(), "--no-serve", "--trace-dir", file.resolve("traces").toString()))
        .isEqualTo(1);
    assertThat(errors().lines().toList())
        .singleElement()
        .asString()
        .startsWith("Cannot write traces to ")
        .endsWith("Run from a writable directory or pass --trace-dir DIR.");
  }

  @Test
  void anUnreachableRedisSaysWhatToDo(@TempDir Path dir) throws Exception {
    int closedPort = freePort();
    int code =
        demo(
            Map.of("TASKTREE_REDIS_URL", "redis://127.0.0.1:" + closedPort),
            "--no-serve",
            "--trace-dir",
            dir.toString());
    assertThat(code).isEqualTo(1);
    assertThat(errors())
        .isEqualTo(
            "Cannot reach Redis (connection refused). Start Redis, fix TASKTREE_REDIS_URL, or"
                + " unset it to use the in-memory store.\n");
    assertThat(printed()).doesNotContain("[1/");
  }

  @Test
  void anUnreachableEndpointSaysWhatToDo(@TempDir Path dir) throws Exception {
    String url = "http://127.0.0.1:" + freePort() + "/v1";
    int code = demo(Map.of("OPENAI_BASE_URL", url), "--no-serve", "--trace-dir", dir.toString());
    assertThat(code).isEqualTo(1);
    assertThat(printed()).contains("LLM: " + url + " with model gpt-4o-mini");
    assertThat(errors())
        .isEqualTo(
            "Cannot reach the LLM endpoint "
                + url
                + " (connection refused). Check OPENAI_BASE_URL, or unset OPENAI_BASE_URL and"
                + " OPENAI_API_KEY to run offline.\n");
  }

  @Test
  void aWrongApiKeySaysWhatToDo(@TempDir Path dir) throws Exception {
    HttpServer endpoint =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    endpoint.createContext(
        "/v1/models",
        exchange -> {
          byte[] body =
              "{\"error\":{\"code\":\"invalid_api_key\"}}".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(401, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    endpoint.start();
    try {
      String url = "http://127.0.0.1:" + endpoint.getAddress().getPort() + "/v1";
      int code =
          demo(
              Map.of("OPENAI_BASE_URL", url, "OPENAI_API_KEY", "sk-wrong"),
              "--no-serve",
              "--trace-dir",
              dir.toString());
      assertThat(code).isEqualTo(1);
      assertThat(errors())
          .isEqualTo(
              "The LLM endpoint "
                  + url
                  + " rejected the API key (HTTP 401). Check OPENAI_API_KEY, or unset"
                  + " OPENAI_BASE_URL and OPENAI_API_KEY to run offline.\n");
      assertThat(errors()).doesNotContain("sk-wrong");
    } finally {
      endpoint.stop(0);
    }
  }

  @Test
  void aPortInUseSaysWhatToDoBeforeRunningAnything(@TempDir Path dir) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      int code = demo(Map.of(), "--port", String.valueOf(port), "--trace-dir", dir.toString());
      assertThat(code).isEqualTo(1);
      assertThat(errors().lines().toList())
          .singleElement()
          .asString()
          .startsWith("Cannot serve the trace UI on 127.0.0.1:" + port + " (")
          .endsWith("Stop it, pass --port N, or --no-serve.");
      assertThat(printed()).doesNotContain("[1/");
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
