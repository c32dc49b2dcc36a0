package dev.tasktree.server;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.tasktree.trace.TraceIds;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read-only JSON API over the index: {@code GET /api/health}, {@code GET /api/traces} (paged,
 * filtered, sorted summaries), {@code GET /api/traces/{id}} (summary and span tree) and {@code GET
 * /api/traces/{id}/events} (Server-Sent Events of a running trace).
 */
final class TraceApi {

  private static final Logger LOG = LoggerFactory.getLogger(TraceApi.class);
  private static final int DEFAULT_LIMIT = 50;
  private static final int MAX_LIMIT = 1000;

  private final TraceIndex index;
  private final TraceQuery query;
  private final TraceLoader loader;
  private final ServerOptions options;
  private final BooleanSupplier stopping;

  TraceApi(TraceIndex index, ServerOptions options, BooleanSupplier stopping) {
    this.index = index;
    this.query = new TraceQuery(index);
    this.loader = new TraceLoader(index.files(), options.staleAfter());
    this.options = options;
    this.stopping = stopping;
  }

  void routes(JavalinConfig config) {
    config.routes.get("/api/health", this::health);
    config.routes.get("/api/traces", this::list);
    config.routes.get("/api/traces/{id}", this::trace);
    config.routes.get("/api/traces/{id}/events", this::events);
    config.routes.get("/api/traces/{id}/download", this::download);
  }

  private void health(Context ctx) throws IOException {
    json(
        ctx,
        g -> {
          g.writeStartObject();
          g.writeStringField("status", "ok");
          g.writeStringField("version", TraceServer.version());
          g.writeStringField("traceDir", index.directory().toString());
          g.writeNumberField("traces", index.size());
          g.writeNumberField("pending", index.pending());
          g.writeBooleanField("indexing", index.indexing());
          g.writeNumberField("ignoredFiles", index.ignored());
          g.writeStringField("decisions", options.redisUrl() == null ? "file" : "redis");
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
    ListFilter filter = ListFilter.parse(ctx::queryParams, java.time.Clock.systemUTC());
    String cursor = ctx.queryParam("cursor");
    TraceQuery.Page page =
        query.page(
            sort, ascending, limit, cursor == null || cursor.isBlank() ? null : cursor, filter);
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
    try (TraceLoader.Loaded loaded = loader.load(id)) {
      var head = TraceShape.head(index.file(id));
      boolean compact = "compact".equals(ctx.queryParam("form"));
      if (compact && loader.mayKeep(loaded)) {
        byte[] bytes = loader.compact(loaded);
        if (bytes == null) {
          ByteArrayOutputStream buffer = new ByteArrayOutputStream(1 << 16);
          try (JsonGenerator g = JsonViews.JSON.getFactory().createGenerator(buffer)) {
            CompactJson.trace(g, loaded.entry(), loaded.trace(), loaded.offset(), head);
          }
          bytes = buffer.toByteArray();
          loader.keepCompact(loaded, bytes);
        }
        // Not gzipped, like the streamed form: on loopback compressing megabytes costs more time
        // than it saves.
        ctx.disableCompression();
        ctx.contentType("application/json");
        ctx.header("Content-Length", Integer.toString(bytes.length));
        ctx.outputStream().write(bytes);
        return;
      }
      json(
          ctx,
          g -> {
            if (compact) {
              CompactJson.trace(g, loaded.entry(), loaded.trace(), loaded.offset(), head);
            } else {
              JsonViews.trace(g, loaded.entry(), loaded.trace(), loaded.offset(), head);
            }
          });
    }
  }

  private void download(Context ctx) throws IOException {
    String id = validId(ctx);
    loader.attributes(id); // 404 when missing, 422 for a link or a special file
    TraceDownload.send(ctx, id, index.file(id));
  }

  private void events(Context ctx) throws IOException {
    String id = validId(ctx);
    long size = loader.attributes(id).size();
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
    EventTail tail = new EventTail(index.file(id), id, options.staleAfter());
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
          () -> gone.get() || client.terminated() || stopping.getAsBoolean());
    } catch (IOException e) {
      LOG.debug("event stream ended: {}", e.toString());
    } finally {
      client.close();
    }
  }

  private interface JsonWriter {
    void write(JsonGenerator g) throws IOException;
  }

  private static void json(Context ctx, JsonWriter writer) throws IOException {
    ctx.contentType("application/json");
    OutputStream out = ctx.outputStream();
    try (JsonGenerator g = JsonViews.JSON.getFactory().createGenerator(out)) {
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
}
