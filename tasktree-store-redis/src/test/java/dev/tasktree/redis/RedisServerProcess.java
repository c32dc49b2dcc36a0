package dev.tasktree.redis;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A private {@code redis-server} on a free loopback port, without persistence, that a test can stop
 * and start again on the same port to simulate Redis going away and coming back.
 */
final class RedisServerProcess implements AutoCloseable {

  private final int port;
  private final List<String> extraArgs;
  private Process process;

  private RedisServerProcess(int port, List<String> extraArgs) {
    this.port = port;
    this.extraArgs = extraArgs;
  }

  /**
   * Starts a server on a free port; skips the test (fails under CI) when the redis-server binary is
   * missing. A port that another process takes between being found free and the server binding it
   * is given up for a fresh one.
   */
  static RedisServerProcess start(String... extraArgs) {
    PortTaken taken = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      try {
        return startOn(freePort(), extraArgs);
      } catch (PortTaken e) {
        taken = e;
      }
    }
    throw taken;
  }

  /** Starts a server on {@code port}; skips (fails under CI) without the redis-server binary. */
  static RedisServerProcess startOn(int port, String... extraArgs) {
    if (TestRedis.pretendedMissing() != null) {
      TestRedis.missing(TestRedis.pretendedMissing());
    }
    String binary = binary();
    if (binary == null) {
      TestRedis.missing(
          "no redis-server binary on PATH for the stop/restart tests (apt-get install"
              + " redis-server)");
    }
    RedisServerProcess server = new RedisServerProcess(port, List.of(extraArgs));
    server.startAgain();
    return server;
  }

  private static String binary() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path candidate = Path.of(dir, "redis-server");
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return null;
  }

  /** A loopback port that nothing listens on (just released). */
  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int port() {
    return port;
  }

  String url() {
    return "redis://127.0.0.1:" + port;
  }

  /** Starts the server (again) on its port and waits until it accepts connections. */
  void startAgain() {
    try {
      List<String> command =
          new ArrayList<>(
              List.of(
                  binary(),
                  "--port",
                  String.valueOf(port),
                  "--bind",
                  "127.0.0.1",
                  "--save",
                  "",
                  "--appendonly",
                  "no"));
      command.addAll(extraArgs);
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Process started = process;
    await("redis-server on port " + port)
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20))
        .ignoreExceptionsMatching(e -> e instanceof IOException)
        .until(() -> answeringPid(started) == started.pid());
  }

  /**
   * The process id of the redis-server answering on the port — which must be the one started here:
   * when another process holds the port, ours exits at once and the one answering is a stranger,
   * whose later stop would look like our server dropping connections.
   */
  private long answeringPid(Process started) throws IOException {
    if (!started.isAlive()) {
      throw new PortTaken(port);
    }
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(2_000);
      String password = password();
      String auth = password == null ? "" : "AUTH " + password + "\r\n";
      socket.getOutputStream().write((auth + "INFO server\r\n").getBytes(StandardCharsets.UTF_8));
      BufferedReader reader =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (line.startsWith("process_id:")) {
          return Long.parseLong(line.substring("process_id:".length()).trim());
        }
        if (line.startsWith("-") && !line.startsWith("-LOADING")) {
          throw new IOException("redis-server on port " + port + " answered " + line);
        }
      }
      return -1;
    }
  }

  private String password() {
    int at = extraArgs.indexOf("--requirepass");
    return at < 0 ? null : extraArgs.get(at + 1);
  }

  /** The port was taken by another process before the server could bind it. */
  static final class PortTaken extends IllegalStateException {
    PortTaken(int port) {
      super("redis-server could not bind port " + port + ": another process holds it");
    }
  }

  /** Kills the server and waits until it is gone. */
  void stop() {
    if (process != null) {
      process.destroyForcibly();
      try {
        process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process = null;
    }
  }

  @Override
  public void close() {
    stop();
  }

  @Override
  public String toString() {
    return "redis-server:" + port;
  }
}
