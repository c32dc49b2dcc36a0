package dev.tasktree.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The web UI's static files, read from the {@code tasktree-ui} jar's {@code dev/tasktree/ui/}
 * resources and kept in memory. Only plain names with a known extension are served, so a request
 * can never reach any other resource.
 */
final class UiAssets {

  static final String ROOT = "dev/tasktree/ui/";
  private static final Pattern SAFE = Pattern.compile("[a-z0-9_-]+(/[a-z0-9_-]+)*\\.[a-z]+");
  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "svg", "image/svg+xml",
          "png", "image/png",
          "ico", "image/x-icon");

  /** A file and its content type. */
  record Asset(byte[] bytes, String contentType) {}

  private final Map<String, Optional<Asset>> cache = new ConcurrentHashMap<>();

  /** The asset at this path below the UI root, if there is one. */
  Optional<Asset> get(String path) {
    if (path == null || !SAFE.matcher(path).matches()) {
      return Optional.empty();
    }
    String ext = path.substring(path.lastIndexOf('.') + 1);
    String type = TYPES.get(ext);
    if (type == null) {
      return Optional.empty();
    }
    return cache.computeIfAbsent(path, p -> load(p, type));
  }

  private static Optional<Asset> load(String path, String type) {
    try (InputStream in = UiAssets.class.getClassLoader().getResourceAsStream(ROOT + path)) {
      return in == null ? Optional.empty() : Optional.of(new Asset(in.readAllBytes(), type));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
