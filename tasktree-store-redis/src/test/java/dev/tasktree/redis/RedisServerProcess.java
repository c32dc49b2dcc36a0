package dev.tasktree.redis;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
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

  /** Starts a server; skips the test (fails under CI) when the redis-server binary is missing. */
  static RedisServerProcess start(String... extraArgs) {
    return startOn(freePort(), extraArgs);
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
    await("redis-server on port " + port)
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20))
        .ignoreExceptions()
        .until(this::answers);
  }

  private boolean answers() throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.getOutputStream().write("PING\r\n".getBytes());
      byte[] reply = new byte[7];
      int n = socket.getInputStream().read(reply);
      // +PONG, or -NOAUTH when a password is required: either way the server is up
      return n > 0 && (reply[0] == '+' || new String(reply, 0, n).startsWith("-NOAUTH"));
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
