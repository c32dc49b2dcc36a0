package dev.tasktree.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tasktree.trace.Trace;
import dev.tasktree.trace.TraceIds;
import dev.tasktree.trace.TraceJson;
import dev.tasktree.trace.TraceReader;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
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
 * <p>Endpoints: {@code GET /api/traces} (paged, filtered, sorted summaries), {@code GET
 * /api/traces/{id}} (summary and span tree), {@code GET /api/traces/{id}/events} (Server-Sent
 * Events of a running trace), {@code GET /api/health}; the UI at {@code /} and {@code
 * /traces/{id}}. Every response carries a Content-Security-Policy that forbids inline script. See
 * {@code docs/trace-server.md}. Thread-safe; {@link #close()} stops it.
 */
public final class TraceServer implements AutoCloseable {

  private static final ObjectMapper JSON = TraceJson.newMapper();

  private static final Logger LOG = LoggerFactory.getLogger(TraceServer.class);
  private static final String COOKIE = "tasktree_token";
  private static final int DEFAULT_LIMIT = 50;
  private static final int MAX_LIMIT = 1000;
  private static final Set<String> STATUSES =
      Set.of("OK", "FAIL", "CANCELLED", "RUNNING", "INTERRUPTED", "UNREADABLE");
  static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          + "connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; "
          + "form-action 'none'; frame-ancestors 'none'";

  private final ServerOptions options;
  private final TraceIndex index;
  private final TraceQuery query;
  private final TraceReader reader;
  private final UiAssets assets = new UiAssets();
  private final TraceCache cache = new TraceCache(4);
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final Javalin app;

  private TraceServer(ServerOptions options) throws IOException {
    this.options = options;
    this.index = new TraceIndex(options.traceDir(), options.staleAfter(), options.rescanInterval());
    this.query = new TraceQuery(index);
    this.reader = new TraceReader(Clock.systemUTC(), options.staleAfter());
    this.app =
        Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.startup.showOldJavalinVersionWarning = false;
              config.concurrency.useVirtualThreads = true;
              config.routes.before(this::guard);
              config.routes.get("/api/health", this::health);
              config.routes.get("/api/traces", this::list);
              config.routes.get("/api/traces/{id}", this::trace);
              config.routes.get("/api/traces/{id}/events", this::events);
              config.routes.get(
                  "/api/traces/{id}/download",
                  ctx -> TraceDownload.send(ctx, validId(ctx), index.file(validId(ctx))));
              config.routes.get("/", this::page);
              config.routes.get("/traces/{id}", this::page);
              config.routes.get("/compare", this::page);
              config.routes.get("/ui/<path>", this::asset);
              config.routes.exception(ApiException.class, this::apiError);
              config.routes.exception(Exception.class, this::unexpected);
              config.routes.error(404, this::notFound);
            });
  }

  /**
   * Starts a server: indexes the directory (creating it when missing) and listens.
   *
   * @throws IOException when the directory cannot be created or read
   * @throws IllegalStateException when the address cannot be bound (port in use)
   */
  public static TraceServer start(ServerOptions options) throws IOException {
    TraceServer server = new TraceServer(options);
    try {
      server.app.start(options.host(), options.port());
      server.index.start();
    } catch (RuntimeException e) {
      server.index.close();
      throw new IllegalStateException(
          "cannot listen on " + options.host() + ":" + options.port() + ": " + rootMessage(e), e);
    }
    if (!options.loopback()) {
      LOG.warn(
          "listening on {}, not on loopback: anyone who can reach this address can read the"
              + " traces{}",
          options.host(),
          options.token() == null ? " (use --token to require a token)" : "");
    }
    return server;
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
    app.stop();
    index.close();
  }

  // ---- security ----

  private void guard(Context ctx) {
    ctx.header("Content-Security-Policy", CSP);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("Cache-Control", "no-store");
    if (options.loopback() && !loopbackHost(ctx.header("Host"))) {
      // A page on another site that resolves its name to 127.0.0.1 (DNS rebinding) gets nothing.
      throw new ApiException(403, "this server only answers requests addressed to localhost");
    }
    String token = options.token();
    if (token == null) {
      return;
    }
    String fromQuery = ctx.queryParam("token");
    String auth = ctx.header("Authorization");
    String presented =
        auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)
            ? auth.substring(7).trim()
            : fromQuery != null ? fromQuery : ctx.cookie(COOKIE);
    if (presented == null
        || !MessageDigest.isEqual(
            presented.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
      throw new ApiException(
          401,
          "this server requires its token: open the URL it printed at start (…/?token=…)"
              + " or send 'Authorization: Bearer <token>'");
    }
    if (fromQuery != null) {
      ctx.header(
          "Set-Cookie",
          COOKIE
              + "="
              + URLEncoder.encode(token, StandardCharsets.UTF_8)
              + "; Path=/; HttpOnly; SameSite=Strict");
    }
  }

  private static boolean loopbackHost(String hostHeader) {
    if (hostHeader == null) {
      return true; // HTTP/1.0 clients: no name to check
    }
    String host = hostHeader.trim().toLowerCase(Locale.ROOT);
    if (host.startsWith("[")) {
      host = host.substring(0, host.indexOf(']') + 1);
    } else if (host.lastIndexOf(':') > 0) {
      host = host.substring(0, host.lastIndexOf(':'));
    }
    return host.equals("localhost")
        || host.endsWith(".localhost")
        || host.startsWith("127.")
        || host.equals("[::1]");
  }

  // ---- API ----

  private void health(Context ctx) throws IOException {
    json(
        ctx,
        g -> {
          g.writeStartObject();
          g.writeStringField("status", "ok");
          g.writeStringField("version", version());
          g.writeStringField("traceDir", index.directory().toString());
          g.writeNumberField("traces", index.size());
          g.writeNumberField("pending", index.pending());
          g.writeBooleanField("indexing", index.indexing());
          g.writeNumberField("ignoredFiles", index.ignored());
          g.writeEndObject();
        });
  }

  private void list(Context ctx) throws IOException {
    int limit = intParam(ctx, "limit", DEFAULT_LIMIT);
    if (limit < 1 || limit > MAX_LIMIT) {
      throw ApiException.badRequest("limit must be between 1 and " + MAX_LIMIT);
    }
    TraceQuery.Sort sort = TraceQuery.Sort.parse(ctx.queryParam("sort"));
    String order = ctx.queryParam("order");
    boolean ascending;
    if (order == null || order.isBlank() || order.equalsIgnoreCase("desc")) {
      ascending = false;
    } else if (order.equalsIgnoreCase("asc")) {
      ascending = true;
    } else {
      throw ApiException.badRequest("order must be asc or desc");
    }
    Set<String> statuses = new LinkedHashSet<>();
    for (String value : ctx.queryParams("status")) {
      for (String s : value.split(",")) {
        String name = s.trim().toUpperCase(Locale.ROOT);
        if (name.isEmpty()) {
          continue;
        }
        if (!STATUSES.contains(name)) {
          throw ApiException.badRequest("unknown status '" + s.trim() + "'");
        }
        statuses.add(name);
      }
    }
    String cursor = ctx.queryParam("cursor");
    TraceQuery.Page page =
        query.page(
            sort,
            ascending,
            limit,
            cursor == null || cursor.isBlank() ? null : cursor,
            ctx.queryParam("q"),
            statuses);
    json(
        ctx,
        g -> {
          g.writeStartObject();
          g.writeArrayFieldStart("items");
          for (IndexEntry e : page.items()) {
            JsonViews.summary(g, e);
          }
          g.writeEndArray();
          g.writeStringField("nextCursor", page.nextCursor());
          g.writeNumberField("total", page.total());
          g.writeBooleanField("indexing", index.indexing());
          g.writeNumberField("version", index.changeVersion());
          g.writeEndObject();
        });
  }

  private void trace(Context ctx) throws IOException {
    String id = validId(ctx);
    Loaded loaded = load(id);
    var shape = TraceShape.read(index.file(id));
    boolean compact = "compact".equals(ctx.queryParam("form"));
    json(
        ctx,
        g -> {
          if (compact) {
            CompactJson.trace(g, loaded.entry, loaded.trace, loaded.offset, shape);
          } else {
            JsonViews.trace(g, loaded.entry, loaded.trace, loaded.offset, shape);
          }
        });
  }

  private void events(Context ctx) throws IOException {
    String id = validId(ctx);
    Path file = index.file(id);
    long size = attributes(id, file).size();
    String fromText = ctx.queryParam("from");
    if (fromText == null) {
      fromText = ctx.header("Last-Event-ID");
    }
    long from;
    try {
      from = fromText == null || fromText.isBlank() ? 0 : Long.parseLong(fromText.trim());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("from must be a byte offset");
    }
    if (from < 0 || from > size) {
      throw ApiException.badRequest("from must be between 0 and the file size (" + size + ")");
    }
    String accept = ctx.header("Accept");
    if (accept == null || !accept.contains("text/event-stream")) {
      throw new ApiException(406, "this endpoint serves text/event-stream");
    }
    long start = from;
    EventTail tail = new EventTail(file, id, options.staleAfter());
    new SseHandler(0, client -> stream(client, tail, start)).handle(ctx);
  }

  private void stream(SseClient client, EventTail tail, long from) {
    AtomicBoolean gone = new AtomicBoolean();
    client.onClose(() -> gone.set(true));
    try {
      tail.run(
          from,
          new EventTail.Sink() {
            @Override
            public void event(String json, long offset) {
              client.sendEvent("message", json, Long.toString(offset));
            }

            @Override
            public void comment(String text) {
              client.sendComment(text);
            }
          },
          () -> gone.get() || client.terminated() || stopping.get());
    } catch (IOException e) {
      LOG.debug("event stream ended: {}", e.toString());
    } finally {
      client.close();
    }
  }

  // ---- UI ----

  private void page(Context ctx) {
    serve(ctx, "index.html");
  }

  private void asset(Context ctx) {
    serve(ctx, ctx.pathParam("path"));
  }

  private void serve(Context ctx, String path) {
    UiAssets.Asset asset =
        assets.get(path).orElseThrow(() -> ApiException.notFound("no such file: " + path));
    ctx.contentType(asset.contentType()).result(asset.bytes());
  }

  // ---- errors ----

  private void apiError(ApiException e, Context ctx) {
    error(ctx, e.status(), e.getMessage());
  }

  private void unexpected(Exception e, Context ctx) {
    LOG.warn("request {} failed", ctx.path(), e);
    error(ctx, 500, "internal error: " + e);
  }

  private void notFound(Context ctx) {
    if (ctx.resultInputStream() == null) {
      error(ctx, 404, "not found: " + ctx.path());
    }
  }

  private static void error(Context ctx, int status, String message) {
    try {
      byte[] body = JSON.writeValueAsBytes(Map.of("error", message, "status", status));
      ctx.status(status).contentType("application/json").result(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---- helpers ----

  private interface JsonWriter {
    void write(JsonGenerator g) throws IOException;
  }

  private static void json(Context ctx, JsonWriter writer) throws IOException {
    ctx.contentType("application/json");
    OutputStream out = ctx.outputStream();
    try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
      writer.write(g);
    }
  }

  private static int intParam(Context ctx, String name, int fallback) {
    String value = ctx.queryParam(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(name + " must be a number");
    }
  }

  private static String validId(Context ctx) {
    String id = ctx.pathParam("id");
    if (!TraceIds.isValid(id)) {
      throw ApiException.badRequest("invalid trace id");
    }
    return id;
  }

  private static BasicFileAttributes attributes(String id, Path file) throws IOException {
    try {
      BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
      if (!attrs.isRegularFile()) {
        throw ApiException.notFound("no trace " + id);
      }
      return attrs;
    } catch (NoSuchFileException e) {
      throw ApiException.notFound("no trace " + id);
    }
  }

  private record Loaded(IndexEntry entry, Trace trace, long offset) {}

  /** Reads a trace up to its last complete line (the offset live events continue from). */
  private Loaded load(String id) throws IOException {
    Path file = index.file(id);
    BasicFileAttributes attrs = attributes(id, file);
    long size = attrs.size();
    Instant modified = attrs.lastModifiedTime().toInstant();
    boolean quiet = modified.plus(options.staleAfter()).isBefore(Instant.now());
    long offset = quiet ? size : completeLines(file, size);
    IndexEntry entry = new IndexEntry(id, offset, modified, null, null);
    Trace cached = cache.get(id, offset, modified);
    if (cached != null) {
      return new Loaded(entry, cached, offset);
    }
    if (size == 0) {
      throw new ApiException(422, "unreadable trace: empty file");
    }
    String reason = TraceIndex.probe(file, size);
    if (reason != null) {
      throw new ApiException(422, "unreadable trace: " + reason);
    }
    Trace trace;
    try (InputStream in = new Bounded(Files.newInputStream(file), offset)) {
      trace = reader.read(in, file.getFileName().toString());
    } catch (TraceReader.UnreadableTraceException e) {
      throw new ApiException(422, "unreadable trace: " + e.getMessage());
    }
    if (trace.summary().finished()) {
      cache.put(id, offset, modified, trace);
    }
    return new Loaded(entry, trace, offset);
  }

  /** The length of the file up to and including its last newline. */
  static long completeLines(Path file, long size) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
      long end = size;
      while (end > 0) {
        long start = Math.max(0, end - buffer.capacity());
        buffer.clear().limit((int) (end - start));
        int read = 0;
        while (buffer.hasRemaining()) {
          int n = channel.read(buffer, start + read);
          if (n < 0) {
            break;
          }
          read += n;
        }
        for (int i = read - 1; i >= 0; i--) {
          if (buffer.get(i) == '\n') {
            return start + i + 1;
          }
        }
        end = start;
      }
      return 0;
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }

  /** An input stream cut after {@code limit} bytes. */
  private static final class Bounded extends FilterInputStream {
    private long left;

    Bounded(InputStream in, long limit) {
      super(in);
      this.left = limit;
    }

    @Override
    public int read() throws IOException {
      if (left <= 0) {
        return -1;
      }
      int b = super.read();
      if (b >= 0) {
        left--;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) {
        return -1;
      }
      int n = super.read(b, off, (int) Math.min(len, left));
      if (n > 0) {
        left -= n;
      }
      return n;
    }
  }

  /** The last few finished traces read, so reopening one is instant. */
  private static final class TraceCache {
    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final LinkedHashMap<String, Object[]> map = new LinkedHashMap<>(16, 0.75f, true);

    TraceCache(int capacity) {
      this.capacity = capacity;
    }

    Trace get(String id, long size, Instant modified) {
      lock.lock();
      try {
        Object[] hit = map.get(id);
        return hit != null && (Long) hit[0] == size && hit[1].equals(modified)
            ? (Trace) hit[2]
            : null;
      } finally {
        lock.unlock();
      }
    }

    void put(String id, long size, Instant modified, Trace trace) {
      lock.lock();
      try {
        map.put(id, new Object[] {size, modified, trace});
        while (map.size() > capacity) {
          map.remove(map.keySet().iterator().next());
        }
      } finally {
        lock.unlock();
      }
    }
  }
}
