package dev.tasktree.server;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.eclipse.jetty.server.ConnectionLimit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trace server: a JSON API and the bundled web UI over one trace directory.
 *
 * <pre>{@code
 * try (TraceServer server = TraceServer.start(ServerOptions.defaults().withPort(0))) {
 *   System.out.println("open " + server.url());
 * }
 * }</pre>
 *
 * <p>Routes come from one object per group ({@link TraceApi}, {@link UiRoutes}); every request
 * passes the {@link RequestGuard} first, and every error is JSON of one shape ({@link ApiErrors}).
 * Connections that take too long to send a request are closed ({@link ConnectionReaper}). See
 * {@code docs/trace-server.md}. Thread-safe; {@link #close()} stops it.
 */
public final class TraceServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TraceServer.class);

  /** How long a connection may take to deliver a complete request. */
  static final long REQUEST_MILLIS = 10_000;

  /** Connections open at once; more wait in the accept queue. */
  static final int MAX_CONNECTIONS = 512;

  static final String CSP = RequestGuard.CSP;

  private final ServerOptions options;
  private final TraceIndex index;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final ScheduledExecutorService retention;
  private final Javalin app;
  private final DecisionApi decisions;

  private TraceServer(ServerOptions options) throws IOException {
    this.options = options;
    LoadBudget budget = LoadBudget.forHeap();
    this.index =
        new TraceIndex(options.traceDir(), options.staleAfter(), options.rescanInterval(), budget);
    // The index reads in the background from now on, while the web server is set up and starts.
    index.start();
    try {
      this.decisions = new DecisionApi(index, options);
      this.app = web(options, index, decisions);
    } catch (RuntimeException e) {
      index.close();
      throw e;
    }
    this.retention =
        options.retention() == null
            ? null
            : Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("tasktree-retention").factory());
  }

  private Javalin web(ServerOptions options, TraceIndex index, DecisionApi decisions) {
    RequestGuard guard = new RequestGuard(options);
    TraceApi api = new TraceApi(index, options, stopping::get);
    UiRoutes ui = new UiRoutes();
    List<Consumer<JavalinConfig>> groups = List.of(api::routes, decisions::routes, ui::routes);
    return Javalin.create(
        config -> {
          config.startup.showJavalinBanner = false;
          config.startup.showOldJavalinVersionWarning = false;
          config.concurrency.useVirtualThreads = true;
          config.jetty.modifyServer(
              server -> {
                server.setErrorHandler(new JsonErrorHandler());
                server.addBean(new ConnectionLimit(MAX_CONNECTIONS, server));
                server.addBean(new ConnectionReaper(server, REQUEST_MILLIS));
              });
          config.routes.before(guard::check);
          groups.forEach(group -> group.accept(config));
          ApiErrors.register(config);
        });
  }

  /**
   * Starts a server: indexes the directory (creating it when missing) and listens.
   *
   * @throws IOException when the directory cannot be created or read
   * @throws IllegalArgumentException when the host is not loopback and neither a token nor {@link
   *     ServerOptions#insecureNoToken()} is set
   * @throws IllegalStateException when the address cannot be bound (port in use)
   */
  public static TraceServer start(ServerOptions options) throws IOException {
    if (!options.loopback() && options.token() == null && !options.insecureNoToken()) {
      throw new IllegalArgumentException(
          "listening on "
              + options.host()
              + " lets other machines connect: give a --token (or --insecure-no-token to serve"
              + " every trace to anyone who can reach the address)");
    }
    if (options.redisPrefix() != null && options.redisUrl() == null) {
      throw new IllegalArgumentException("--redis-prefix needs a --redis-url");
    }
    TraceServer server = new TraceServer(options);
    try {
      server.app.start(options.host(), options.port());
    } catch (RuntimeException e) {
      server.index.close();
      server.decisions.close();
      throw new IllegalStateException(
          "cannot listen on " + options.host() + ":" + options.port() + ": " + rootMessage(e), e);
    }
    if (server.retention != null) {
      long every = Math.max(1, options.rescanInterval().toMillis());
      server.retention.scheduleWithFixedDelay(
          server::pruneQuietly, every, every, TimeUnit.MILLISECONDS);
    }
    if (!options.loopback()) {
      LOG.warn(
          "listening on {}, not on loopback: anyone who can reach this address {}",
          options.host(),
          options.token() == null ? "can read every trace (no token)" : "can try the token");
    }
    return server;
  }

  private void pruneQuietly() {
    try {
      if (index.indexing()) {
        return; // decide on a complete index
      }
      List<IndexEntry> victims =
          Pruner.victims(
              index.entries(),
              options.retention(),
              Clock.systemUTC().instant(),
              options.staleAfter());
      List<IndexEntry> deleted = Pruner.delete(index.files(), victims);
      if (!deleted.isEmpty()) {
        LOG.info("retention: deleted {} trace file(s)", deleted.size());
        index.rescan();
      }
    } catch (RuntimeException e) {
      LOG.warn("retention failed: {}", e.toString());
    }
  }

  /** The port the server listens on. */
  public int port() {
    return app.port();
  }

  /** The URL to open, with the token when one is required. */
  public String url() {
    String host = options.host();
    if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
      host = "localhost";
    } else if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    String url = "http://" + host + ":" + port() + "/";
    return options.token() == null
        ? url
        : url + "?token=" + URLEncoder.encode(options.token(), StandardCharsets.UTF_8);
  }

  /** The options the server runs with. */
  public ServerOptions options() {
    return options;
  }

  /** The version of this server (from the build). */
  public static String version() {
    try (InputStream in = TraceServer.class.getResourceAsStream("version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  TraceIndex index() {
    return index;
  }

  /** Stops listening, ends live event streams and stops watching the directory. */
  @Override
  public void close() {
    stopping.set(true);
    if (retention != null) {
      retention.shutdownNow();
    }
    app.stop();
    index.close();
    decisions.close();
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }
}
