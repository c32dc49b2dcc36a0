package dev.tasktree.server;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;

/** The bundled web UI: the page at {@code /} and {@code /traces/{id}}, its files under /ui. */
final class UiRoutes {

  private final UiAssets assets = new UiAssets();

  void routes(JavalinConfig config) {
    config.routes.get("/", this::page);
    config.routes.get("/traces/{id}", this::page);
    config.routes.get("/compare", this::page);
    config.routes.get("/ui/<path>", this::asset);
  }

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
}
