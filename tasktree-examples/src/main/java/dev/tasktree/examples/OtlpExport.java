package dev.tasktree.examples;

import dev.tasktree.RunOptions;
import dev.tasktree.otel.TaskTreeOtel;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The demo's {@code --otlp URL}: every run's spans and metrics also go to an OTLP/HTTP endpoint,
 * with the headers of {@code OTEL_EXPORTER_OTLP_HEADERS} (e.g. Langfuse's Authorization). Without
 * the option it does nothing.
 */
final class OtlpExport implements AutoCloseable {

  private final TaskTreeOtel otel;
  private final String endpoint;

  private OtlpExport(TaskTreeOtel otel, String endpoint) {
    this.otel = otel;
    this.endpoint = endpoint;
  }

  /** The endpoint, when it is an http(s) URL with a host. */
  static String checkEndpoint(String url) throws Problem {
    try {
      URI uri = URI.create(url.strip());
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null) {
        return uri.toString();
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new Problem(
        "--otlp needs an http(s) URL such as http://127.0.0.1:4318, was '" + url + "'.");
  }

  static OtlpExport open(String endpoint, Map<String, String> env, PrintStream out) {
    if (endpoint == null) {
      return new OtlpExport(null, null);
    }
    TaskTreeOtel otel =
        TaskTreeOtel.builder(endpoint, headers(env.get("OTEL_EXPORTER_OTLP_HEADERS")))
            .traceUrlTemplate(env.get("TASKTREE_OTEL_TRACE_URL"))
            .build();
    out.println("OpenTelemetry: exporting spans and metrics to " + endpoint + " (OTLP/HTTP)");
    return new OtlpExport(otel, endpoint);
  }

  /** {@code k1=v1,k2=v2} as the OTel spec writes headers (values URL-encoded). */
  static Map<String, String> headers(String spec) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (spec == null || spec.isBlank()) {
      return headers;
    }
    for (String pair : spec.split(",")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        headers.put(
            pair.substring(0, eq).strip(),
            java.net.URLDecoder.decode(
                pair.substring(eq + 1).strip(), java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    return headers;
  }

  RunOptions applyTo(RunOptions options) {
    return otel == null ? options : otel.applyTo(options);
  }

  void flush(PrintStream out) {
    if (otel != null && !otel.flush(Duration.ofSeconds(10))) {
      out.println("OpenTelemetry: not every span reached " + endpoint + " in time.");
    }
  }

  @Override
  public void close() {
    if (otel != null) {
      otel.close();
    }
  }
}
