package dev.tasktree.server;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every error the server answers, in one shape: {@code {"error": "<message>", "status": <code>}}
 * with {@code Content-Type: application/json} — refusals, bad requests, unknown routes (under
 * {@code /api} and elsewhere), and unexpected failures (a 500 whose message names the failure's
 * class, never its details or a stack trace: those go to the server log).
 */
final class ApiErrors {

  private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

  private ApiErrors() {}

  /** Routes every exception and every error status of an app to this shape. */
  static void register(JavalinConfig config) {
    config.routes.exception(ApiException.class, ApiErrors::api);
    config.routes.exception(HttpResponseException.class, ApiErrors::javalin);
    config.routes.exception(Exception.class, ApiErrors::unexpected);
    for (int status = 400; status < 600; status++) {
      config.routes.error(status, ApiErrors::fill);
    }
  }

  static void api(ApiException e, Context ctx) {
    write(ctx, e.status(), e.getMessage());
  }

  static void javalin(HttpResponseException e, Context ctx) {
    write(ctx, e.getStatus(), e.getMessage());
  }

  static void unexpected(Exception e, Context ctx) {
    LOG.warn("request {} failed", ctx.path(), e);
    write(ctx, 500, "internal error (" + e.getClass().getSimpleName() + "); see the server log");
  }

  /** Any error status left without a JSON body (no route matched, a method not allowed, ...). */
  static void fill(Context ctx) {
    String type = ctx.res().getContentType();
    if (type != null && type.startsWith("application/json")) {
      return; // already one of ours
    }
    int status = ctx.statusCode();
    write(
        ctx,
        status,
        switch (status) {
          case 404 -> "not found: " + ctx.method() + " " + ctx.path();
          case 405 -> "method not allowed: " + ctx.method() + " " + ctx.path();
          default -> "request failed with status " + status;
        });
  }

  static void write(Context ctx, int status, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", message);
    body.put("status", status);
    try {
      ctx.status(status)
          .contentType("application/json")
          .result(JsonViews.JSON.writeValueAsBytes(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The body of an error, for responses written outside Javalin (Jetty's own errors). */
  static String body(int status, String message) {
    try {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("error", message);
      body.put("status", status);
      return JsonViews.JSON.writeValueAsString(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
