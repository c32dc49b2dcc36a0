package dev.tasktree.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 300 clients that trickle a request header a byte at a time (issue 12, item 6): the server closes
 * them once their request has taken longer than the limit, and answers others meanwhile.
 */
class SlowClientTest {

  @TempDir Path dir;

  @Test
  void tricklingClientsAreClosedAfterTheRequestLimitAndOthersAreServed() throws Exception {
    int count = 300;
    try (TraceServer server =
        TraceServer.start(ServerOptions.defaults().withTraceDir(dir).withPort(0))) {
      List<Socket> sockets = new ArrayList<>();
      AtomicInteger closedByServer = new AtomicInteger();
      try {
        for (int i = 0; i < count; i++) {
          Socket s = new Socket("127.0.0.1", server.port());
          s.getOutputStream()
              .write(
                  "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
                      .getBytes(StandardCharsets.ISO_8859_1));
          sockets.add(s);
        }
        long started = System.nanoTime();
        Thread trickler =
            Thread.ofPlatform()
                .daemon()
                .start(
                    () -> {
                      // one byte per socket every 500 ms: far below the 30 s idle timeout
                      while (!Thread.currentThread().isInterrupted()) {
                        for (Socket s : sockets) {
                          try {
                            s.getOutputStream().write('a');
                            s.getOutputStream().flush();
                          } catch (Exception e) {
                            // closed by the server
                          }
                        }
                        try {
                          Thread.sleep(500); // the trickle itself, not a wait for an effect
                        } catch (InterruptedException e) {
                          return;
                        }
                      }
                    });
        assertThat(new Http(server).get("/api/health").status()).isEqualTo(200);
        await()
            .atMost(Duration.ofMillis(TraceServer.REQUEST_MILLIS + 15_000))
            .pollInterval(Duration.ofMillis(250))
            .until(
                () -> {
                  int closed = 0;
                  for (Socket s : sockets) {
                    if (closedByPeer(s)) {
                      closed++;
                    }
                  }
                  closedByServer.set(closed);
                  return closed == count;
                });
        trickler.interrupt();
        double seconds = (System.nanoTime() - started) / 1e9;
        assertThat(seconds).isGreaterThan(TraceServer.REQUEST_MILLIS / 1000.0 * 0.5);
        assertThat(new Http(server).get("/api/health").status()).isEqualTo(200);
      } finally {
        for (Socket s : sockets) {
          s.close();
        }
      }
      assertThat(closedByServer.get()).isEqualTo(count);
    }
  }

  @Test
  void anEventStreamOutlivesTheRequestLimit() throws Exception {
    dev.tasktree.Tree<Fixtures.Board> waiting =
        dev.tasktree.Tree.<Fixtures.Board>named("waiting")
            .call(
                b -> {
                  b.gate.acquire();
                  return "done";
                })
            .build();
    Fixtures.Board board = new Fixtures.Board(1, false);
    dev.tasktree.RunHandle run = waiting.start(board, Fixtures.options(dir));
    try (TraceServer server =
        TraceServer.start(ServerOptions.defaults().withTraceDir(dir).withPort(0))) {
      await().until(() -> java.nio.file.Files.exists(dir.resolve(run.traceId() + ".jsonl")));
      java.util.List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
      java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
      var request =
          java.net.http.HttpRequest.newBuilder(
                  java.net.URI.create(
                      "http://127.0.0.1:"
                          + server.port()
                          + "/api/traces/"
                          + run.traceId()
                          + "/events"))
              .header("Accept", "text/event-stream")
              .build();
      var response =
          client
              .sendAsync(request, java.net.http.HttpResponse.BodyHandlers.ofLines())
              .thenAccept(r -> r.body().forEach(lines::add));
      // open for longer than the request limit: heartbeats arrive, the stream is not cut
      await()
          .during(Duration.ofMillis(TraceServer.REQUEST_MILLIS + 2_000))
          .atMost(Duration.ofMillis(TraceServer.REQUEST_MILLIS + 10_000))
          .until(() -> !response.isDone());
      board.gate.release();
      response.get(30, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(lines).anyMatch(l -> l.contains("\"type\":\"trace_end\""));
      assertThat(lines).anyMatch(l -> l.startsWith(":")); // heartbeats as comments
    } finally {
      board.gate.release();
      run.await();
    }
  }

  /** Whether the server closed this socket (EOF or reset), without blocking long. */
  private static boolean closedByPeer(Socket s) {
    try {
      s.setSoTimeout(1);
      InputStream in = s.getInputStream();
      int b = in.read();
      return b < 0 || drainsToEof(in);
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (Exception e) {
      return true;
    }
  }

  private static boolean drainsToEof(InputStream in) throws Exception {
    // the server may answer 408 or 400 before closing: read on to the end
    while (true) {
      try {
        if (in.read() < 0) {
          return true;
        }
      } catch (java.net.SocketTimeoutException e) {
        return false;
      }
    }
  }

  @SuppressWarnings("unused")
  private static void write(OutputStream out, String s) throws Exception {
    out.write(s.getBytes(StandardCharsets.ISO_8859_1));
  }
}
