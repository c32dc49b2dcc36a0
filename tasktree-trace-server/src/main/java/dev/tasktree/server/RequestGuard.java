package dev.tasktree.server;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Runs before every request: security headers, then the Host and Origin checks ({@link
 * HostPolicy}), then the rule for writes (any method but GET and HEAD, e.g. an approval decision),
 * then the token when one is required.
 *
 * <p>A write must be same-origin, token or not: its {@code Origin} must be exactly this server as
 * the request addressed it ({@code http://} or {@code https://} + its {@code Host}); a write
 * without {@code Origin} is accepted only from a client that is not a browser — one that sends no
 * {@code Sec-Fetch-Site} or sends {@code same-origin} / {@code none} — so a page on another site
 * cannot forge one (no CSRF; the token cookie is {@code SameSite=Strict} as well). On a
 * non-loopback bind a write also needs the token. Refusals are {@link ApiException}s, so they are
 * JSON errors.
 */
final class RequestGuard {

  static final String COOKIE = "tasktree_token";
  static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          + "connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; "
          + "form-action 'none'; frame-ancestors 'none'";

  private final ServerOptions options;
  private final HostPolicy hosts;

  RequestGuard(ServerOptions options) {
    this.options = options;
    this.hosts = new HostPolicy(options.allowedHosts());
  }

  /** Refuses a write that a browser sent from another origin, or without saying where from. */
  private static void checkSameOrigin(Context ctx) {
    String origin = ctx.header("Origin");
    String fetchSite = ctx.header("Sec-Fetch-Site");
    if (origin != null) {
      String host = ctx.header("Host");
      if (host == null
          || !origin.equalsIgnoreCase("http://" + host)
              && !origin.equalsIgnoreCase("https://" + host)) {
        throw new ApiException(403, "cross-origin writes are refused");
      }
      if (fetchSite != null
          && !fetchSite.equalsIgnoreCase("same-origin")
          && !fetchSite.equalsIgnoreCase("none")) {
        throw new ApiException(403, "cross-origin writes are refused");
      }
      return;
    }
    if (fetchSite != null
        && !fetchSite.equalsIgnoreCase("same-origin")
        && !fetchSite.equalsIgnoreCase("none")) {
      throw new ApiException(403, "a write from a browser must come from this server's own page");
    }
    if (fetchSite != null || ctx.header("Sec-Fetch-Mode") != null) {
      // A browser that hides the origin of a write: refused, it could come from anywhere.
      throw new ApiException(403, "a write from a browser must carry its Origin");
    }
  }

  void check(Context ctx) {
    ctx.header("Content-Security-Policy", CSP);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("Cache-Control", "no-store");
    if (!hosts.acceptsHost(ctx.header("Host"))) {
      // A page on another site that resolves its name to this machine (DNS rebinding) gets nothing.
      throw new ApiException(
          403,
          "this server only answers requests addressed to localhost, a loopback address"
              + (options.allowedHosts().isEmpty() ? "" : " or an --allowed-host"));
    }
    if (!hosts.acceptsOrigin(ctx.header("Origin"))) {
      throw new ApiException(403, "cross-origin requests are refused");
    }
    boolean write = ctx.method() != HandlerType.GET && ctx.method() != HandlerType.HEAD;
    if (write) {
      checkSameOrigin(ctx);
    }
    String token = options.token();
    if (token == null) {
      if (write && !options.loopback()) {
        throw new ApiException(403, "changes need a token on a server reachable from other hosts");
      }
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
}
