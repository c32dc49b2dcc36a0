package dev.tasktree.otel;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

/**
 * A real OTLP/HTTP receiver on loopback for tests: accepts protobuf exports on {@code /v1/traces}
 * and {@code /v1/metrics}, decodes them with the official opentelemetry-proto classes, and keeps
 * the spans, metrics and raw bodies (to prove a secret never crossed the wire).
 */
public final class OtlpReceiver implements AutoCloseable {

  private final HttpServer server;
  private final List<Span> spans = new CopyOnWriteArrayList<>();
  private final List<Metric> metrics = new CopyOnWriteArrayList<>();
  private final List<byte[]> bodies = new CopyOnWriteArrayList<>();
  private final List<String> serviceNames = new CopyOnWriteArrayList<>();

  private OtlpReceiver(HttpServer server) {
    this.server = server;
  }

  /** Starts on an ephemeral loopback port. */
  public static OtlpReceiver start() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      OtlpReceiver receiver = new OtlpReceiver(server);
      server.createContext("/v1/traces", receiver::traces);
      server.createContext("/v1/metrics", receiver::metrics);
      server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
      server.start();
      return receiver;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The base URL to export to, e.g. {@code http://127.0.0.1:41234}. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void traces(HttpExchange exchange) throws IOException {
    byte[] body = read(exchange);
    ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body);
    request
        .getResourceSpansList()
        .forEach(
            resource -> {
              resource.getResource().getAttributesList().stream()
                  .filter(kv -> kv.getKey().equals("service.name"))
                  .forEach(kv -> serviceNames.add(kv.getValue().getStringValue()));
              resource.getScopeSpansList().forEach(scope -> spans.addAll(scope.getSpansList()));
            });
    respond(exchange, ExportTraceServiceResponse.getDefaultInstance().toByteArray());
  }

  private void metrics(HttpExchange exchange) throws IOException {
    byte[] body = read(exchange);
    ExportMetricsServiceRequest request = ExportMetricsServiceRequest.parseFrom(body);
    request
        .getResourceMetricsList()
        .forEach(r -> r.getScopeMetricsList().forEach(s -> metrics.addAll(s.getMetricsList())));
    respond(exchange, ExportMetricsServiceResponse.getDefaultInstance().toByteArray());
  }

  private byte[] read(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readAllBytes();
      bodies.add(body);
      return body;
    }
  }

  private static void respond(HttpExchange exchange, byte[] response) throws IOException {
    exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
    exchange.sendResponseHeaders(200, response.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(response);
    }
  }

  /** Every span received so far. */
  public List<Span> spans() {
    return List.copyOf(spans);
  }

  /** The spans of one trace (W3C trace id, hex). */
  public List<Span> trace(String traceIdHex) {
    return spans.stream()
        .filter(s -> hex(s.getTraceId().toByteArray()).equals(traceIdHex))
        .toList();
  }

  /** The distinct W3C trace ids received, hex. */
  public List<String> traceIds() {
    return spans.stream().map(s -> hex(s.getTraceId().toByteArray())).distinct().toList();
  }

  /** Every metric data set received so far (one entry per export). */
  public List<Metric> metrics() {
    return List.copyOf(metrics);
  }

  /** Service names seen on resources. */
  public List<String> serviceNames() {
    return List.copyOf(serviceNames);
  }

  /** Whether any received body contains {@code text} (UTF-8), anywhere. */
  public boolean anyBodyContains(String text) {
    byte[] needle = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    for (byte[] body : bodies) {
      if (indexOf(body, needle) >= 0) {
        return true;
      }
    }
    return false;
  }

  /** Forgets everything received. */
  public void clear() {
    spans.clear();
    metrics.clear();
    bodies.clear();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  // ---- decoding helpers for assertions ----

  /** A span's id, hex. */
  public static String id(Span span) {
    return hex(span.getSpanId().toByteArray());
  }

  /** A span's parent id, hex ("" for a root). */
  public static String parentId(Span span) {
    return hex(span.getParentSpanId().toByteArray());
  }

  /** A span's attributes as plain Java values (String, Long, Double, Boolean, List). */
  public static Map<String, Object> attributes(Span span) {
    return attributes(span.getAttributesList());
  }

  /** Key-values as plain Java values. */
  public static Map<String, Object> attributes(List<KeyValue> list) {
    return list.stream()
        .collect(Collectors.toMap(KeyValue::getKey, kv -> value(kv.getValue()), (a, b) -> b));
  }

  /** One attribute, if present. */
  public static Optional<Object> attribute(Span span, String key) {
    return Optional.ofNullable(attributes(span).get(key));
  }

  static Object value(AnyValue value) {
    return switch (value.getValueCase()) {
      case STRING_VALUE -> value.getStringValue();
      case BOOL_VALUE -> value.getBoolValue();
      case INT_VALUE -> value.getIntValue();
      case DOUBLE_VALUE -> value.getDoubleValue();
      case ARRAY_VALUE -> {
        List<Object> items = new ArrayList<>();
        value.getArrayValue().getValuesList().forEach(v -> items.add(value(v)));
        yield items;
      }
      default -> value.toString();
    };
  }

  static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
