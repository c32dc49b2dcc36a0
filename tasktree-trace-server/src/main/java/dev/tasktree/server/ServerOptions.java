package dev.tasktree.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link TraceServer} runs: which trace directory it serves, where it listens, and whether it
 * requires a token. Immutable; start from {@link #defaults()} and use the {@code with...} methods.
 *
 * @param traceDir the directory of {@code <traceId>.jsonl} files (created when missing)
 * @param host the address to bind; loopback ({@code 127.0.0.1}) by default
 * @param port the port; 0 picks a free one
 * @param token when not null, every API and UI request must carry it
 * @param rescanInterval how often the whole directory is rescanned as a safety net for missed
 *     file-system events
 * @param staleAfter how long an unfinished trace may stay silent before it reads as interrupted
 */
public record ServerOptions(
    Path traceDir,
    String host,
    int port,
    String token,
    Duration rescanInterval,
    Duration staleAfter) {

  /** The default port of the command line. */
  public static final int DEFAULT_PORT = 8000;

  /** Validates the options. */
  public ServerOptions {
    Objects.requireNonNull(traceDir, "traceDir");
    Objects.requireNonNull(host, "host");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
    }
    if (token != null && token.isBlank()) {
      throw new IllegalArgumentException("token must not be blank");
    }
    if (rescanInterval.isNegative() || rescanInterval.isZero()) {
      throw new IllegalArgumentException("rescanInterval must be positive");
    }
    if (staleAfter.isNegative() || staleAfter.isZero()) {
      throw new IllegalArgumentException("staleAfter must be positive");
    }
  }

  /** {@code .traces} on 127.0.0.1:8000, no token, a rescan every 30 s, stale after 10 s. */
  public static ServerOptions defaults() {
    return new ServerOptions(
        Path.of(".traces"),
        "127.0.0.1",
        DEFAULT_PORT,
        null,
        Duration.ofSeconds(30),
        Duration.ofSeconds(10));
  }

  /** These options serving another trace directory. */
  public ServerOptions withTraceDir(Path dir) {
    return new ServerOptions(dir, host, port, token, rescanInterval, staleAfter);
  }

  /** These options bound to another host. */
  public ServerOptions withHost(String newHost) {
    return new ServerOptions(traceDir, newHost, port, token, rescanInterval, staleAfter);
  }

  /** These options on another port (0 = any free port). */
  public ServerOptions withPort(int newPort) {
    return new ServerOptions(traceDir, host, newPort, token, rescanInterval, staleAfter);
  }

  /** These options requiring a token (null = none). */
  public ServerOptions withToken(String newToken) {
    return new ServerOptions(traceDir, host, port, newToken, rescanInterval, staleAfter);
  }

  /** These options with another rescan interval. */
  public ServerOptions withRescanInterval(Duration interval) {
    return new ServerOptions(traceDir, host, port, token, interval, staleAfter);
  }

  /** These options with another staleness threshold for unfinished traces. */
  public ServerOptions withStaleAfter(Duration stale) {
    return new ServerOptions(traceDir, host, port, token, rescanInterval, stale);
  }

  /** Whether the host is a loopback address (only this machine can connect). */
  public boolean loopback() {
    String h = host.trim();
    return h.equals("localhost") || h.startsWith("127.") || h.equals("::1") || h.equals("[::1]");
  }
}
