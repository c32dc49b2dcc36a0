package dev.tasktree.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasktree.Decision;
import dev.tasktree.redis.RedisStore;
import dev.tasktree.store.FileSignalStore;
import dev.tasktree.store.SignalStore;
import dev.tasktree.store.StoreException;
import dev.tasktree.trace.Attributes;
import dev.tasktree.trace.Span;
import dev.tasktree.trace.Status;
import dev.tasktree.trace.TraceIds;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one write of the API: {@code POST /api/traces/{id}/spans/{span}/decision} delivers a person's
 * decision (approve or reject, a comment, an optional edited JSON value) to the Approval that span
 * is waiting in. Body: {@code {"approved": true|false, "comment": "...", "value": <any JSON>}}. The
 * decision is raised under the span's approval key where the run can see it: in {@code
 * <traceDir>/signals} (a {@link FileSignalStore}) by default, or in Redis with {@code --redis-url}.
 * The {@link RequestGuard} has already checked the token or the same-origin rule for writes.
 */
final class DecisionApi implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DecisionApi.class);

  /** The largest request body read (a decision with an edited value). */
  static final int MAX_BODY = 1 << 20;

  private final TraceLoader loader;
  private final SignalStore store;
  private final AutoCloseable owned;
  private final String where;

  DecisionApi(TraceIndex index, ServerOptions options) {
    this.loader = new TraceLoader(index.files(), options.staleAfter());
    if (options.redisUrl() != null) {
      RedisStore.Builder builder = RedisStore.builder(options.redisUrl());
      if (options.redisPrefix() != null) {
        builder.keyPrefix(options.redisPrefix());
      }
      RedisStore redis = builder.build();
      this.store = redis;
      this.owned = redis;
      this.where = "redis";
    } else {
      FileSignalStore files = FileSignalStore.inTraceDir(options.traceDir());
      this.store = files;
      this.owned = files;
      this.where = "file";
    }
  }

  void routes(JavalinConfig config) {
    config.routes.post("/api/traces/{id}/spans/{span}/decision", this::decide);
  }

  private void decide(Context ctx) throws IOException {
    String id = ctx.pathParam("id");
    if (!TraceIds.isValid(id)) {
      throw ApiException.badRequest("invalid trace id");
    }
    String spanId = ctx.pathParam("span");
    String type = ctx.header("Content-Type");
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      throw new ApiException(415, "a decision is sent as application/json");
    }
    JsonNode body = body(ctx);
    if (!body.path("approved").isBoolean()) {
      throw ApiException.badRequest("'approved' must be true or false");
    }
    JsonNode comment = body.get("comment");
    if (comment != null && !comment.isNull() && !comment.isTextual()) {
      throw ApiException.badRequest("'comment' must be a string");
    }
    String key;
    try (TraceLoader.Loaded loaded = loader.load(id)) {
      Span span =
          loaded
              .trace()
              .span(spanId)
              .orElseThrow(() -> ApiException.notFound("no span '" + spanId + "' in this trace"));
      JsonNode keyNode = span.attribute(Attributes.APPROVAL_KEY);
      if (!"Approval".equals(span.kind()) || keyNode == null || !keyNode.isTextual()) {
        throw new ApiException(409, "this span is not an Approval: there is nothing to decide");
      }
      if (span.status() != Status.WAITING) {
        throw new ApiException(
            409, "this Approval is not waiting (it is " + span.status() + "): nothing to decide");
      }
      key = keyNode.textValue();
    }
    boolean approved = body.get("approved").booleanValue();
    JsonNode value = body.get("value");
    Decision decision =
        new Decision(
            approved,
            comment == null || comment.isNull() ? null : comment.textValue(),
            !approved || value == null || value.isNull() ? null : value,
            "trace-ui",
            Instant.now());
    try {
      decision.deliver(store, key);
    } catch (StoreException | IllegalStateException e) {
      LOG.warn("cannot deliver a decision on approval {}: {}", key, e.toString());
      throw new ApiException(
          503, "cannot deliver the decision: the " + where + " signal store failed; try again");
    }
    LOG.info(
        "decision on approval {} of trace {}: {}", key, id, approved ? "approved" : "rejected");
    ctx.contentType("application/json");
    ctx.status(202);
    ctx.result(
        JsonViews.JSON
            .createObjectNode()
            .put("delivered", true)
            .put("traceId", id)
            .put("span", spanId)
            .put("key", key)
            .put("approved", approved)
            .put("store", where)
            .toString());
  }

  private static JsonNode body(Context ctx) throws IOException {
    long length = ctx.contentLength();
    if (length > MAX_BODY) {
      throw new ApiException(413, "a decision is at most 1 MiB");
    }
    byte[] bytes;
    try (InputStream in = ctx.req().getInputStream()) {
      bytes = in.readNBytes(MAX_BODY + 1);
    }
    if (bytes.length > MAX_BODY) {
      throw new ApiException(413, "a decision is at most 1 MiB");
    }
    try {
      JsonNode node = JsonViews.JSON.readTree(bytes);
      if (node == null || !node.isObject()) {
        throw ApiException.badRequest("the body must be a JSON object");
      }
      return node;
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw ApiException.badRequest("the body is not valid JSON");
    }
  }

  @Override
  public void close() {
    try {
      owned.close();
    } catch (Exception e) {
      LOG.debug("closing the decision store: {}", e.toString());
    }
  }
}
