package dev.tasktree.llm;

import dev.tasktree.Tree;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads and initialises, once per JVM, the classes a first model call needs — openai-java's request
 * serialisation and response parsing, OkHttp's call and connection machinery, the SSE reader, the
 * JDK's TLS context, and TaskTree's own run, Timeout and LLM-node path — by running a one-node tree
 * (under a Selector and a Timeout) once plain and once streamed against a throwaway server on
 * loopback. Without it the first call after a JVM start spends a second or more loading classes,
 * which a Timeout of a few hundred milliseconds around the first model of a fallback chain charges
 * to that model: it gets no request at all. {@link LlmProvider.Builder#build()} runs it (unless
 * {@linkplain LlmProvider.Builder#warmUp(boolean) disabled}); later providers find it done.
 */
final class SdkWarmUp {

  private static final Logger LOG = LoggerFactory.getLogger(SdkWarmUp.class);
  private static final ReentrantLock LOCK = new ReentrantLock();
  private static volatile boolean done;

  private static final String COMPLETION =
      "{\"id\":\"w\",\"object\":\"chat.completion\",\"created\":0,\"model\":\"warm-up\","
          + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\","
          + "\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\",\"function\":{\"name\":\"f\","
          + "\"arguments\":\"{}\"}}]},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,"
          + "\"completion_tokens\":1,\"total_tokens\":2,\"prompt_tokens_details\":"
          + "{\"cached_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0}}}";
  private static final String CHUNK =
      "{\"id\":\"w\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"warm-up\","
          + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\",\"tool_calls\":[{\"index\":0,"
          + "\"id\":\"c\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]},"
          + "\"finish_reason\":\"stop\"}]}";

  private SdkWarmUp() {}

  /** Warms the SDK once per JVM; later calls return at once. Never throws. */
  static void ensureWarm() {
    if (done) {
      return;
    }
    LOCK.lock();
    try {
      if (!done) {
        long start = System.nanoTime();
        warm();
        done = true;
        LOG.debug("openai-java warmed up in {} ms", (System.nanoTime() - start) / 1_000_000);
      }
    } catch (Exception | LinkageError e) {
      done = true; // a warm-up is an optimisation: never retried, never fatal
      LOG.debug("openai-java warm-up skipped: {}", e.toString());
    } finally {
      LOCK.unlock();
    }
  }

  private static final int EXCHANGES = 2;

  private static void warm() throws Exception {
    SSLContext.getDefault();
    try (ServerSocket server = new ServerSocket()) {
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
      server.setSoTimeout(5_000);
      Thread responder = Thread.ofVirtual().name("tasktree-llm-warm-up").start(() -> serve(server));
      try (LlmProvider provider =
          LlmProvider.builder("warm-up")
              .baseUrl("http://127.0.0.1:" + server.getLocalPort() + "/v1")
              .timeout(Duration.ofSeconds(5))
              .warmUp(false)
              .build()) {
        LlmModel model = LlmModel.of(provider, "warm-up");
        ToolSpec<Object> tool =
            ToolSpec.of("f", "warm-up", "{\"type\":\"object\"}", (b, args) -> "r");
        // The path of a real first run: a tree, a selector, a Timeout's hand-off, the node with a
        // tool, the SDK, OkHttp, the response and SSE parsing — plain, then streamed.
        for (boolean stream : new boolean[] {false, true}) {
          LlmNode<Object> node =
              Llm.chat(model, (Object b) -> List.of(Message.system("s"), Message.user("u")))
                  .tool(tool)
                  .maxIterations(1);
          Tree.<Object>named("tasktree-llm-warm-up")
              .selector()
              .timeout(Duration.ofSeconds(5))
              .node(stream ? node.stream() : node)
              .end()
              .build()
              .run(new Object());
        }
        ErrorMapping.map(new IOException("warm-up"), "warm-up", false);
      } finally {
        responder.join(5_000);
      }
    }
  }

  /** Answers the warm-up requests: a completion, or an event stream when one is asked for. */
  private static void serve(ServerSocket server) {
    for (int i = 0; i < EXCHANGES; i++) {
      try (Socket socket = server.accept()) {
        socket.setSoTimeout(5_000);
        boolean stream = readRequest(socket.getInputStream()).contains("\"stream\":true");
        OutputStream out = socket.getOutputStream();
        String response =
            !stream
                ? "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
                    + "Content-Length: "
                    + COMPLETION.getBytes(StandardCharsets.UTF_8).length
                    + "\r\n\r\n"
                    + COMPLETION
                : "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"
                    + "data: "
                    + CHUNK
                    + "\n\ndata: [DONE]\n\n";
        out.write(response.getBytes(StandardCharsets.UTF_8));
        out.flush();
      } catch (IOException e) {
        return;
      }
    }
  }

  /** Reads the request head and its Content-Length body; returns the body. */
  private static String readRequest(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      head.append((char) c);
      if (head.length() >= 4 && head.lastIndexOf("\r\n\r\n") == head.length() - 4) {
        break;
      }
    }
    int length = 0;
    for (String line : head.toString().split("\r\n")) {
      if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    return new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }
}
