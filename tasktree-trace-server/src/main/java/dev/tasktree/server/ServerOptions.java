package dev.tasktree.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How a {@link TraceServer} runs: which trace directory it serves, where it listens, whether it
 * requires a token, which extra host names it answers, and what it prunes while it runs. Immutable;
 * start from {@link #defaults()} and use the {@code with...} methods.
 *
 * @param traceDir the directory of {@code <traceId>.jsonl} files (created when missing)
 * @param host the address to bind; loopback ({@code 127.0.0.1}) by default
 * @param port the port; 0 picks a free one
 * @param token when not null, every API and UI request must carry it
 * @param rescanInterval how often the whole directory is rescanned as a safety net for missed
 *     file-system events
 * @param staleAfter how long an unfinished trace may stay silent before it reads as interrupted
 * @param allowedHosts host names accepted in the {@code Host} header besides the loopback literals
 *     and {@code localhost} (for a non-loopback bind: the names clients use to reach it)
 * @param insecureNoToken allow a non-loopback bind without a token (everyone who can reach the
 *     address reads every trace)
 * @param retention what to delete while serving, or null to keep everything
 * @param redisUrl when not null, approval decisions posted to the server are raised in this Redis
 *     (where runs using a {@code RedisStore} see them) instead of in {@code <traceDir>/signals}
 * @param redisPrefix the key prefix of that Redis store, or null for {@code RedisStore}'s default
 */
public record ServerOptions(
    Path traceDir,
    String host,
    int port,
    String token,
    Duration rescanInterval,
    Duration staleAfter,
    List<String> allowedHosts,
    boolean insecureNoToken,
    Retention retention,
    String redisUrl,
    String redisPrefix) {

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
    if (redisUrl != null && !redisUrl.startsWith("redis://") && !redisUrl.startsWith("rediss://")) {
      throw new IllegalArgumentException("the Redis URL must start with redis:// or rediss://");
    }
    allowedHosts = List.copyOf(allowedHosts);
    for (String h : allowedHosts) {
      if (h.isBlank() || h.contains(":") && !h.startsWith("[") || h.contains("/")) {
        throw new IllegalArgumentException(
            "allowed host must be a bare name or address (no port, no scheme), was '" + h + "'");
      }
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
        Duration.ofSeconds(10),
        List.of(),
        false,
        null,
        null,
        null);
  }

  /** These options serving another trace directory. */
  public ServerOptions withTraceDir(Path dir) {
    return with(o -> o.traceDir = dir);
  }

  /** These options bound to another host. */
  public ServerOptions withHost(String newHost) {
    return with(o -> o.host = newHost);
  }

  /** These options on another port (0 = any free port). */
  public ServerOptions withPort(int newPort) {
    return with(o -> o.port = newPort);
  }

  /** These options requiring a token (null = none). */
  public ServerOptions withToken(String newToken) {
    return with(o -> o.token = newToken);
  }

  /** These options with another rescan interval. */
  public ServerOptions withRescanInterval(Duration interval) {
    return with(o -> o.rescanInterval = interval);
  }

  /** These options with another staleness threshold for unfinished traces. */
  public ServerOptions withStaleAfter(Duration stale) {
    return with(o -> o.staleAfter = stale);
  }

  /** These options also answering requests addressed to these host names. */
  public ServerOptions withAllowedHosts(List<String> hosts) {
    return with(o -> o.allowedHosts = hosts);
  }

  /** These options allowing (or not) a non-loopback bind without a token. */
  public ServerOptions withInsecureNoToken(boolean allow) {
    return with(o -> o.insecureNoToken = allow);
  }

  /** These options pruning the directory while serving (null = keep everything). */
  public ServerOptions withRetention(Retention newRetention) {
    return with(o -> o.retention = newRetention);
  }

  /**
   * These options delivering approval decisions to the Redis at {@code url} under {@code prefix}
   * (null = {@code RedisStore}'s default prefix), or to {@code <traceDir>/signals} when {@code url}
   * is null.
   */
  public ServerOptions withRedis(String url, String prefix) {
    return with(
        o -> {
          o.redisUrl = url;
          o.redisPrefix = prefix;
        });
  }

  /** A copy of these options with one change, checked by the canonical constructor. */
  private ServerOptions with(Consumer<Draft> change) {
    Draft draft = new Draft(this);
    change.accept(draft);
    return draft.build();
  }

  /** The options' fields while one of them changes: the one place that lists them all twice. */
  private static final class Draft {
    Path traceDir;
    String host;
    int port;
    String token;
    Duration rescanInterval;
    Duration staleAfter;
    List<String> allowedHosts;
    boolean insecureNoToken;
    Retention retention;
    String redisUrl;
    String redisPrefix;

    Draft(ServerOptions o) {
      traceDir = o.traceDir;
      host = o.host;
      port = o.port;
      token = o.token;
      rescanInterval = o.rescanInterval;
      staleAfter = o.staleAfter;
      allowedHosts = o.allowedHosts;
      insecureNoToken = o.insecureNoToken;
      retention = o.retention;
      redisUrl = o.redisUrl;
      redisPrefix = o.redisPrefix;
    }

    ServerOptions build() {
      return new ServerOptions(
          traceDir,
          host,
          port,
          token,
          rescanInterval,
          staleAfter,
          allowedHosts,
          insecureNoToken,
          retention,
          redisUrl,
          redisPrefix);
    }
  }

  /** Whether the host is a loopback address (only this machine can connect). */
  public boolean loopback() {
    String h = host.trim().toLowerCase(java.util.Locale.ROOT);
    return h.equals("::1") || HostPolicy.loopbackName(h);
  }
}
