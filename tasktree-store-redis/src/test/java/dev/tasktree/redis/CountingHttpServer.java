package dev.tasktree.redis;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;

/**
 * A provider stand-in on loopback for the cross-process resilience tests: it answers every request
 * with the current status (200 or a failure) and records each one — when it arrived and which
 * process sent it ({@code X-Child} header) — so the tests count every request the fleet made.
 */
final class CountingHttpServer implements AutoCloseable {

  /** One request as the server saw it. */
  record Hit(long nanos, String child) {}

  private final HttpServer server;
  private final ConcurrentLinkedQueue<Hit> hits = new ConcurrentLinkedQueue<>();
  private volatile int status = 200;

  CountingHttpServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext(
        "/",
        exchange -> {
          hits.add(new Hit(System.nanoTime(), exchange.getRequestHeaders().getFirst("X-Child")));
          int now = status;
          byte[] body = (now == 200 ? "ok" : "failing").getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(now, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  /** From now on every request is answered with {@code status}. */
  void answerWith(int status) {
    this.status = status;
  }

  /** Every request so far, in arrival order. */
  List<Hit> hits() {
    List<Hit> all = new ArrayList<>(hits);
    all.sort((a, b) -> Long.compare(a.nanos(), b.nanos()));
    return all;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
