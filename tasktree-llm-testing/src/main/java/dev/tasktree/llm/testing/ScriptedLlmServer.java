package dev.tasktree.llm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted OpenAI-compatible chat-completions server for tests and demos: a real HTTP/1.1 server
 * on loopback with an ephemeral port that answers {@code POST /v1/chat/completions}, in JSON or as
 * a server-sent-event stream (with usage when {@code stream_options.include_usage} is set).
 *
 * <p>Each model name has a script: a list of {@link ScriptedReply replies} handed out in order, the
 * last one repeating. Every request is recorded ({@link #requests()}) with its body, headers and
 * {@linkplain RecordedRequest#outcome() outcome} — including whether the client closed the
 * connection while the server was still delaying or streaming, so tests can prove that a cancelled
 * call really aborted its HTTP request.
 *
 * <pre>{@code
 * try (ScriptedLlmServer server = ScriptedLlmServer.start()) {
 *   server.script("fast", ScriptedReply.text("Hello!"));
 *   server.script("slow", ScriptedReply.text("Late").delay(Duration.ofSeconds(5)));
 *   LlmProvider provider = LlmProvider.builder("local").baseUrl(server.baseUrl()).build();
 *   ...
 * }
 * }</pre>
 *
 * <p>It is built on a plain {@link ServerSocket} rather than {@code com.sun.net.httpserver}: only
 * raw sockets let it drop a connection mid-stream without a clean end, and notice a client that
 * hangs up while a reply is being delayed. Each connection runs on its own virtual thread.
 * Thread-safe.
 */
public final class ScriptedLlmServer implements AutoCloseable {

  private static final String PATH = "/v1/chat/completions";
  private static final String JSON_TYPE = "application/json";
  private static final Duration HOLD_LIMIT = Duration.ofMinutes(1);
  private static final Duration HOLD_POLL = Duration.ofMillis(10);

  private final ServerSocket serverSocket;
  private final Map<String, Script> scripts = new ConcurrentHashMap<>();
  private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
  private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
  private final ReplyBodies bodies = new ReplyBodies();
  private volatile boolean closed;

  private ScriptedLlmServer(ServerSocket serverSocket) {
    this.serverSocket = serverSocket;
  }

  /** Starts a server on {@code 127.0.0.1} with an ephemeral port. */
  public static ScriptedLlmServer start() {
    try {
      ServerSocket socket = new ServerSocket();
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
      ScriptedLlmServer server = new ScriptedLlmServer(socket);
      Thread.ofVirtual().name("scripted-llm-accept").start(server::acceptLoop);
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the scripted LLM server", e);
    }
  }

  /** The port the server listens on. */
  public int port() {
    return serverSocket.getLocalPort();
  }

  /** The base URL to give an OpenAI client, e.g. {@code http://127.0.0.1:54321/v1}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port() + "/v1";
  }

  /**
   * Sets the script of {@code model}: the replies in order, the last one repeating. Replaces any
   * earlier script of that model.
   */
  public ScriptedLlmServer script(String model, ScriptedReply... replies) {
    if (replies.length == 0) {
      throw new IllegalArgumentException("a script needs at least one reply");
    }
    scripts.put(model, new Script(List.of(replies)));
    return this;
  }

  /** Every request received so far, in arrival order. */
  public List<RecordedRequest> requests() {
    return List.copyOf(requests);
  }

  /** The requests received for {@code model}, in arrival order. */
  public List<RecordedRequest> requests(String model) {
    return requests.stream().filter(r -> model.equals(r.model())).toList();
  }

  /** Forgets all scripts and recorded requests. */
  public void reset() {
    scripts.clear();
    requests.clear();
  }

  /** Stops accepting and closes every open connection. */
  @Override
  public void close() {
    closed = true;
    try {
      serverSocket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    for (Socket socket : connections) {
      HttpWire.closeQuietly(socket);
    }
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket socket = serverSocket.accept();
        connections.add(socket);
        Thread.ofVirtual().name("scripted-llm-conn").start(() -> serve(socket));
      } catch (IOException e) {
        if (!closed) {
          // transient accept failure: keep serving
          continue;
        }
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      socket.setTcpNoDelay(true);
      InputStream in = new BufferedInputStream(socket.getInputStream());
      OutputStream out = new BufferedOutputStream(socket.getOutputStream());
      boolean keepAlive = true;
      while (keepAlive && !closed) {
        HttpWire.Request request = HttpWire.read(in);
        if (request == null) {
          return;
        }
        keepAlive = handle(request, socket, in, out) && !request.wantsClose();
      }
    } catch (IOException | RuntimeException e) {
      // the connection is gone or the request was unreadable: nothing more to do
    } finally {
      connections.remove(socket);
    }
  }

  /** Answers one request; returns whether the connection may serve another. */
  private boolean handle(HttpWire.Request request, Socket socket, InputStream in, OutputStream out)
      throws IOException {
    if (!request.path().equals(PATH)) {
      writeJson(
          out, 404, ReplyBodies.errorBody("no such endpoint: " + request.path(), "not_found"));
      return true;
    }
    if (!request.method().equals("POST")) {
      writeJson(out, 405, ReplyBodies.errorBody("use POST", "method_not_allowed"));
      return true;
    }
    JsonNode body;
    try {
      body = ScriptedReply.JSON.readTree(request.body());
    } catch (IOException e) {
      writeJson(out, 400, ReplyBodies.errorBody("request body is not JSON", "invalid_json"));
      return true;
    }
    if (body == null || !body.isObject()) {
      writeJson(
          out, 400, ReplyBodies.errorBody("request body is not a JSON object", "invalid_json"));
      return true;
    }
    String model = body.path("model").asText(null);
    RecordedRequest recorded = new RecordedRequest(model, body, request.headers(), Instant.now());
    requests.add(recorded);
    Script script = model == null ? null : scripts.get(model);
    if (script == null) {
      writeJson(
          out,
          404,
          ReplyBodies.errorBody("model '" + model + "' has no script", "model_not_found"));
      recorded.outcome(RecordedRequest.Outcome.COMPLETED);
      return true;
    }
    ScriptedReply reply = script.next();
    if (!awaitRequests(model, reply.awaitRequests(), socket, in)
        || !reply.delay().isZero() && !HttpWire.waitWhileOpen(socket, in, reply.delay())) {
      recorded.outcome(RecordedRequest.Outcome.CLIENT_CLOSED);
      return false;
    }
    boolean stream = body.path("stream").asBoolean(false);
    try {
      boolean keepAlive = answer(reply, body, model, stream, socket, in, out, recorded);
      if (recorded.outcome() == RecordedRequest.Outcome.IN_PROGRESS) {
        recorded.outcome(RecordedRequest.Outcome.COMPLETED);
      }
      return keepAlive;
    } catch (IOException e) {
      recorded.outcome(RecordedRequest.Outcome.CLIENT_CLOSED);
      throw e;
    }
  }

  /**
   * Holds a reply until {@code count} requests for {@code model} have arrived, or a minute has
   * passed; returns false if the client hung up meanwhile.
   */
  private boolean awaitRequests(String model, int count, Socket socket, InputStream in)
      throws IOException {
    long deadline = System.nanoTime() + HOLD_LIMIT.toNanos();
    while (requests(model).size() < count && System.nanoTime() < deadline) {
      if (!HttpWire.waitWhileOpen(socket, in, HOLD_POLL)) {
        return false;
      }
    }
    return true;
  }

  /** Sends {@code reply}; returns whether the connection may serve another request. */
  private boolean answer(
      ScriptedReply reply,
      JsonNode body,
      String model,
      boolean stream,
      Socket socket,
      InputStream in,
      OutputStream out,
      RecordedRequest recorded)
      throws IOException {
    Map<String, String> headers = reply.headers();
    switch (reply.kind()) {
      case ERROR -> {
        HttpWire.writeResponse(
            out,
            reply.status(),
            JSON_TYPE,
            headers,
            ReplyBodies.errorBody(reply.text(), reply.errorCode()),
            true);
        return true;
      }
      case MALFORMED -> {
        if (stream) {
          HttpWire.writeStreamHead(out, headers);
          HttpWire.writeEvent(out, "{\"id\": \"broken\", \"choices\": [ {\"delta\": ");
          HttpWire.writeEvent(out, "[DONE]");
          return false;
        }
        HttpWire.writeResponse(
            out, 200, JSON_TYPE, headers, "{\"id\": \"chatcmpl-broken\", \"choi", true);
        return true;
      }
      case STREAM_ERROR_EVENT -> {
        String error = ReplyBodies.errorBody(reply.text(), reply.errorCode());
        if (!stream) {
          HttpWire.writeResponse(out, 200, JSON_TYPE, headers, error, true);
          return true;
        }
        HttpWire.writeStreamHead(out, headers);
        if (!reply.choiceTexts().isEmpty()) {
          for (ObjectNode chunk : bodies.chunks(reply, body, model, false)) {
            HttpWire.writeEvent(out, chunk.toString());
          }
        }
        HttpWire.writeEvent(out, error);
        return false;
      }
      case DROP -> {
        if (stream) {
          HttpWire.writeStreamHead(out, headers);
          List<ObjectNode> chunks = bodies.chunks(reply, body, model, true);
          for (int i = 0; i < 2 && i < chunks.size(); i++) {
            HttpWire.writeEvent(out, chunks.get(i).toString());
          }
        }
        recorded.outcome(RecordedRequest.Outcome.DROPPED);
        HttpWire.abort(socket);
        return false;
      }
      case CLEAN_CLOSE -> {
        if (stream) {
          HttpWire.writeStreamHead(out, headers);
          for (ObjectNode chunk : bodies.chunks(reply, body, model, false)) {
            HttpWire.writeEvent(out, chunk.toString());
          }
        } else {
          String whole = bodies.completion(reply, body, model).toString();
          byte[] half = whole.substring(0, whole.length() / 2).getBytes(StandardCharsets.UTF_8);
          out.write(
              ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
          out.write(half);
          out.flush();
        }
        recorded.outcome(RecordedRequest.Outcome.DROPPED);
        socket.shutdownOutput(); // a clean FIN, no reset
        return false;
      }
      default -> {
        if (stream) {
          streamReply(reply, body, model, socket, in, out, recorded);
          return false;
        }
        HttpWire.writeResponse(
            out, 200, JSON_TYPE, headers, bodies.completion(reply, body, model).toString(), true);
        return true;
      }
    }
  }

  private void streamReply(
      ScriptedReply reply,
      JsonNode body,
      String model,
      Socket socket,
      InputStream in,
      OutputStream out,
      RecordedRequest recorded)
      throws IOException {
    HttpWire.writeStreamHead(out, reply.headers());
    List<ObjectNode> chunks = bodies.chunks(reply, body, model, true);
    for (int i = 0; i < chunks.size(); i++) {
      if (i > 0
          && !reply.chunkDelay().isZero()
          && !HttpWire.waitWhileOpen(socket, in, reply.chunkDelay())) {
        recorded.outcome(RecordedRequest.Outcome.CLIENT_CLOSED);
        return;
      }
      HttpWire.writeEvent(out, chunks.get(i).toString());
    }
    if (body.path("stream_options").path("include_usage").asBoolean(false)) {
      HttpWire.writeEvent(out, bodies.usageChunk(reply, body, model).toString());
    }
    HttpWire.writeEvent(out, "[DONE]");
  }

  private static void writeJson(OutputStream out, int status, String json) throws IOException {
    HttpWire.writeResponse(out, status, JSON_TYPE, Map.of(), json, true);
  }

  /** A script: replies in order, the last one repeating. */
  private static final class Script {
    private final List<ScriptedReply> replies;
    private final AtomicInteger next = new AtomicInteger();

    Script(List<ScriptedReply> replies) {
      this.replies = replies;
    }

    ScriptedReply next() {
      int i = next.getAndIncrement();
      return replies.get(Math.min(i, replies.size() - 1));
    }
  }
}
