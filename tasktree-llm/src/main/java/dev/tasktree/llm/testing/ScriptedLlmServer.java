package dev.tasktree.llm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasktree.trace.TraceJson;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

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

  private static final ObjectMapper JSON = TraceJson.newMapper();

  private static final String PATH = "/v1/chat/completions";
  private static final int POLL_MILLIS = 10;

  private final ServerSocket serverSocket;
  private final Map<String, Script> scripts = new ConcurrentHashMap<>();
  private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
  private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
  private final AtomicLong ids = new AtomicLong();
  private final AtomicLong callIds = new AtomicLong();
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
      closeQuietly(socket);
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
        HttpRequest request = HttpRequest.read(in);
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
  private boolean handle(HttpRequest request, Socket socket, InputStream in, OutputStream out)
      throws IOException {
    if (!request.path().equals(PATH)) {
      writeJson(out, 404, errorBody("no such endpoint: " + request.path(), "not_found"), true);
      return true;
    }
    if (!request.method().equals("POST")) {
      writeJson(out, 405, errorBody("use POST", "method_not_allowed"), true);
      return true;
    }
    JsonNode body;
    try {
      body = JSON.readTree(request.body());
    } catch (IOException e) {
      writeJson(out, 400, errorBody("request body is not JSON", "invalid_json"), true);
      return true;
    }
    if (body == null || !body.isObject()) {
      writeJson(out, 400, errorBody("request body is not a JSON object", "invalid_json"), true);
      return true;
    }
    String model = body.path("model").asText(null);
    RecordedRequest recorded = new RecordedRequest(model, body, request.headers(), Instant.now());
    requests.add(recorded);
    Script script = model == null ? null : scripts.get(model);
    if (script == null) {
      writeJson(
          out, 404, errorBody("model '" + model + "' has no script", "model_not_found"), true);
      recorded.outcome(RecordedRequest.Outcome.COMPLETED);
      return true;
    }
    ScriptedReply reply = script.next();
    if (!reply.delay.isZero() && !waitWhileOpen(socket, in, reply.delay)) {
      recorded.outcome(RecordedRequest.Outcome.CLIENT_CLOSED);
      return false;
    }
    boolean stream = body.path("stream").asBoolean(false);
    try {
      return switch (reply.kind) {
        case ERROR -> {
          writeJson(out, reply.status, errorBody(reply.text, reply.errorCode), true);
          recorded.outcome(RecordedRequest.Outcome.COMPLETED);
          yield true;
        }
        case MALFORMED -> {
          if (stream) {
            writeStreamHead(out);
            writeEvent(out, "{\"id\": \"broken\", \"choices\": [ {\"delta\": ");
            writeEvent(out, "[DONE]");
          } else {
            writeRaw(out, 200, "application/json", "{\"id\": \"chatcmpl-broken\", \"choi", true);
          }
          recorded.outcome(RecordedRequest.Outcome.COMPLETED);
          yield !stream;
        }
        case DROP -> {
          if (stream) {
            writeStreamHead(out);
            List<ObjectNode> chunks = chunks(reply, body, model);
            for (int i = 0; i <= reply.dropAfterChunks && i < chunks.size(); i++) {
              writeEvent(out, chunks.get(i).toString());
            }
          }
          recorded.outcome(RecordedRequest.Outcome.DROPPED);
          abort(socket);
          yield false;
        }
        case TEXT, TOOL_CALLS -> {
          if (stream) {
            streamReply(reply, body, model, socket, in, out, recorded);
            yield false;
          }
          writeJson(out, 200, completion(reply, body, model).toString(), true);
          recorded.outcome(RecordedRequest.Outcome.COMPLETED);
          yield true;
        }
      };
    } catch (IOException e) {
      recorded.outcome(RecordedRequest.Outcome.CLIENT_CLOSED);
      throw e;
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
    writeStreamHead(out);
    List<ObjectNode> chunks = chunks(reply, body, model);
    for (int i = 0; i < chunks.size(); i++) {
      if (i > 0 && !reply.chunkDelay.isZero() && !waitWhileOpen(socket, in, reply.chunkDelay)) {
        recorded.outcome(RecordedRequest.Outcome.CLIENT_CLOSED);
        return;
      }
      writeEvent(out, chunks.get(i).toString());
    }
    if (body.path("stream_options").path("include_usage").asBoolean(false)) {
      ObjectNode last = chunkShell(model);
      last.set("usage", usageNode(usage(reply, body)));
      writeEvent(out, last.toString());
    }
    writeEvent(out, "[DONE]");
    recorded.outcome(RecordedRequest.Outcome.COMPLETED);
  }

  // ---- response bodies ----

  private ObjectNode completion(ScriptedReply reply, JsonNode request, String model) {
    ObjectNode root = JSON.createObjectNode();
    root.put("id", "chatcmpl-" + ids.incrementAndGet());
    root.put("object", "chat.completion");
    root.put("created", Instant.now().getEpochSecond());
    root.put("model", model);
    ObjectNode choice = root.putArray("choices").addObject();
    choice.put("index", 0);
    ObjectNode message = choice.putObject("message");
    message.put("role", "assistant");
    if (reply.kind == ScriptedReply.Kind.TOOL_CALLS) {
      message.putNull("content");
      ArrayNode calls = message.putArray("tool_calls");
      for (ScriptedReply.Call call : reply.calls) {
        ObjectNode c = calls.addObject();
        c.put("id", callId(call));
        c.put("type", "function");
        ObjectNode fn = c.putObject("function");
        fn.put("name", call.name());
        fn.put("arguments", call.arguments());
      }
    } else {
      message.put("content", reply.text);
    }
    choice.put("finish_reason", reply.effectiveFinishReason());
    root.set("usage", usageNode(usage(reply, request)));
    return root;
  }

  /** The stream's chunks (without the usage chunk and [DONE]). */
  private List<ObjectNode> chunks(ScriptedReply reply, JsonNode request, String model) {
    List<ObjectNode> chunks = new ArrayList<>();
    ObjectNode first = chunkShell(model);
    ObjectNode firstDelta = choice(first);
    firstDelta.put("role", "assistant");
    firstDelta.put("content", "");
    if (reply.interimUsage != null) {
      first.set("usage", usageNode(reply.interimUsage));
    }
    chunks.add(first);
    if (reply.kind == ScriptedReply.Kind.TOOL_CALLS) {
      for (int i = 0; i < reply.calls.size(); i++) {
        ScriptedReply.Call call = reply.calls.get(i);
        ObjectNode head = chunkShell(model);
        ObjectNode tc = choice(head).putArray("tool_calls").addObject();
        tc.put("index", i);
        tc.put("id", callId(call));
        tc.put("type", "function");
        tc.putObject("function").put("name", call.name()).put("arguments", "");
        chunks.add(head);
        String args = call.arguments();
        int half = args.length() / 2;
        for (String part : new String[] {args.substring(0, half), args.substring(half)}) {
          ObjectNode more = chunkShell(model);
          ObjectNode t = choice(more).putArray("tool_calls").addObject();
          t.put("index", i);
          t.putObject("function").put("arguments", part);
          chunks.add(more);
        }
      }
    } else {
      for (String piece : pieces(reply.text)) {
        ObjectNode chunk = chunkShell(model);
        choice(chunk).put("content", piece);
        chunks.add(chunk);
      }
    }
    ObjectNode end = chunkShell(model);
    choice(end);
    ((ObjectNode) end.get("choices").get(0)).put("finish_reason", reply.effectiveFinishReason());
    chunks.add(end);
    return chunks;
  }

  /** Splits a text after each whitespace run: "Hello big world" → "Hello ", "big ", "world". */
  static List<String> pieces(String text) {
    List<String> pieces = new ArrayList<>();
    int start = 0;
    for (int i = 1; i < text.length(); i++) {
      if (Character.isWhitespace(text.charAt(i - 1)) && !Character.isWhitespace(text.charAt(i))) {
        pieces.add(text.substring(start, i));
        start = i;
      }
    }
    if (start < text.length()) {
      pieces.add(text.substring(start));
    }
    return pieces;
  }

  private ObjectNode chunkShell(String model) {
    ObjectNode chunk = JSON.createObjectNode();
    chunk.put("id", "chatcmpl-" + ids.get());
    chunk.put("object", "chat.completion.chunk");
    chunk.put("created", Instant.now().getEpochSecond());
    chunk.put("model", model);
    chunk.putArray("choices");
    return chunk;
  }

  /** Adds choice 0 to a chunk and returns its delta. */
  private static ObjectNode choice(ObjectNode chunk) {
    ObjectNode choice = ((ArrayNode) chunk.get("choices")).addObject();
    choice.put("index", 0);
    ObjectNode delta = choice.putObject("delta");
    choice.putNull("finish_reason");
    return delta;
  }

  private String callId(ScriptedReply.Call call) {
    return call.id() != null ? call.id() : "call_" + callIds.incrementAndGet();
  }

  private static ScriptedReply.Usage usage(ScriptedReply reply, JsonNode request) {
    if (reply.usage != null) {
      return reply.usage;
    }
    long input = Math.max(1, (request.path("messages").toString().length() + 3) / 4);
    String out =
        reply.kind == ScriptedReply.Kind.TOOL_CALLS
            ? reply.calls.toString()
            : reply.text == null ? "" : reply.text;
    return new ScriptedReply.Usage(input, 0, Math.max(1, (out.length() + 3) / 4), 0);
  }

  private static ObjectNode usageNode(ScriptedReply.Usage usage) {
    ObjectNode node = JSON.createObjectNode();
    node.put("prompt_tokens", usage.input());
    node.put("completion_tokens", usage.output());
    node.put("total_tokens", usage.input() + usage.output());
    node.putObject("prompt_tokens_details").put("cached_tokens", usage.cachedInput());
    node.putObject("completion_tokens_details").put("reasoning_tokens", usage.reasoning());
    return node;
  }

  private static String errorBody(String message, String code) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode error = root.putObject("error");
    error.put("message", message);
    error.put("type", code != null && code.contains("rate_limit") ? "requests" : "api_error");
    error.putNull("param");
    error.put("code", code);
    return root.toString();
  }

  // ---- HTTP plumbing ----

  /**
   * Waits {@code duration} while watching the connection; returns false as soon as the client has
   * closed it.
   */
  private static boolean waitWhileOpen(Socket socket, InputStream in, Duration duration)
      throws IOException {
    long deadline = System.nanoTime() + duration.toNanos();
    int previous = socket.getSoTimeout();
    try {
      while (true) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return true;
        }
        socket.setSoTimeout((int) Math.max(1, Math.min(left / 1_000_000, POLL_MILLIS)));
        in.mark(1);
        try {
          if (in.read() < 0) {
            return false;
          }
          in.reset(); // the client sent something early (pipelining): keep it for later
        } catch (SocketTimeoutException stillOpen) {
          // nothing to read: the client is still waiting
        } catch (IOException reset) {
          return false;
        }
      }
    } finally {
      if (!socket.isClosed()) {
        socket.setSoTimeout(previous);
      }
    }
  }

  private static void writeJson(OutputStream out, int status, String json, boolean keepAlive)
      throws IOException {
    writeRaw(out, status, "application/json", json, keepAlive);
  }

  private static void writeRaw(
      OutputStream out, int status, String contentType, String body, boolean keepAlive)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String head =
        "HTTP/1.1 "
            + status
            + " "
            + reason(status)
            + "\r\nContent-Type: "
            + contentType
            + "\r\nContent-Length: "
            + bytes.length
            + (keepAlive ? "" : "\r\nConnection: close")
            + "\r\n\r\n";
    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
    out.write(bytes);
    out.flush();
  }

  private static void writeStreamHead(OutputStream out) throws IOException {
    String head =
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
            + "Connection: close\r\n\r\n";
    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  private static void writeEvent(OutputStream out, String data) throws IOException {
    out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 429 -> "Too Many Requests";
      case 500 -> "Internal Server Error";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      default -> "Status";
    };
  }

  /** Closes with a TCP reset, so the client sees a broken connection rather than a clean end. */
  private static void abort(Socket socket) {
    try {
      socket.setSoLinger(true, 0);
    } catch (IOException ignored) {
      // close anyway
    }
    closeQuietly(socket);
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // already gone
    }
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

  /** One parsed HTTP/1.1 request. */
  private record HttpRequest(String method, String path, Map<String, String> headers, byte[] body) {

    boolean wantsClose() {
      return "close".equalsIgnoreCase(headers.get("connection"));
    }

    /** Reads one request; null when the client closed the connection between requests. */
    static HttpRequest read(InputStream in) throws IOException {
      String requestLine = readLine(in);
      if (requestLine == null) {
        return null;
      }
      String[] parts = requestLine.split(" ");
      if (parts.length < 3) {
        throw new IOException("bad request line: " + requestLine);
      }
      Map<String, String> headers = new HashMap<>();
      String line;
      while ((line = readLine(in)) != null && !line.isEmpty()) {
        int colon = line.indexOf(':');
        if (colon > 0) {
          headers.put(
              line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
              line.substring(colon + 1).trim());
        }
      }
      byte[] body;
      if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
        body = readChunked(in);
      } else {
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        body = in.readNBytes(length);
        if (body.length < length) {
          throw new IOException("request body ended early");
        }
      }
      String path = parts[1];
      int query = path.indexOf('?');
      return new HttpRequest(parts[0], query < 0 ? path : path.substring(0, query), headers, body);
    }

    private static byte[] readChunked(InputStream in) throws IOException {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      while (true) {
        String sizeLine = readLine(in);
        if (sizeLine == null) {
          throw new IOException("chunked body ended early");
        }
        int semicolon = sizeLine.indexOf(';');
        int size =
            Integer.parseInt(
                (semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
        if (size == 0) {
          while (true) {
            String trailer = readLine(in);
            if (trailer == null || trailer.isEmpty()) {
              return body.toByteArray();
            }
          }
        }
        body.write(in.readNBytes(size));
        readLine(in);
      }
    }

    private static String readLine(InputStream in) throws IOException {
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = in.read()) >= 0) {
        if (c == '\n') {
          int len = line.length();
          if (len > 0 && line.charAt(len - 1) == '\r') {
            line.setLength(len - 1);
          }
          return line.toString();
        }
        line.append((char) c);
      }
      return line.isEmpty() ? null : line.toString();
    }
  }
}
