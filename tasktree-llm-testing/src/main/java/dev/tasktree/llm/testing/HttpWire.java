package dev.tasktree.llm.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** HTTP/1.1 on a raw socket: reading a request, writing responses and events, closing hard. */
final class HttpWire {

  private static final int POLL_MILLIS = 10;

  private HttpWire() {}

  /** One parsed HTTP/1.1 request. */
  record Request(String method, String path, Map<String, String> headers, byte[] body) {

    boolean wantsClose() {
      return "close".equalsIgnoreCase(headers.get("connection"));
    }
  }

  /** Reads one request; null when the client closed the connection between requests. */
  static Request read(InputStream in) throws IOException {
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
    return new Request(parts[0], query < 0 ? path : path.substring(0, query), headers, body);
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

  /**
   * Waits {@code duration} while watching the connection; returns false as soon as the client has
   * closed it.
   */
  static boolean waitWhileOpen(Socket socket, InputStream in, Duration duration)
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

  /** Writes a whole response with a {@code Content-Length}. */
  static void writeResponse(
      OutputStream out,
      int status,
      String contentType,
      Map<String, String> extraHeaders,
      String body,
      boolean keepAlive)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    StringBuilder head = statusLine(status, extraHeaders);
    head.append("Content-Type: ").append(contentType).append("\r\n");
    head.append("Content-Length: ").append(bytes.length).append("\r\n");
    if (!keepAlive) {
      head.append("Connection: close\r\n");
    }
    head.append("\r\n");
    out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.write(bytes);
    out.flush();
  }

  /** Writes the head of a 200 event stream (the body ends when the connection closes). */
  static void writeStreamHead(OutputStream out, Map<String, String> extraHeaders)
      throws IOException {
    StringBuilder head = statusLine(200, extraHeaders);
    head.append("Content-Type: text/event-stream\r\nCache-Control: no-cache\r\n");
    head.append("Connection: close\r\n\r\n");
    out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  private static StringBuilder statusLine(int status, Map<String, String> extraHeaders) {
    StringBuilder head = new StringBuilder();
    head.append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
    for (Map.Entry<String, String> h : extraHeaders.entrySet()) {
      head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
    }
    return head;
  }

  /** Writes one server-sent event {@code data: ...}. */
  static void writeEvent(OutputStream out, String data) throws IOException {
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
  static void abort(Socket socket) {
    try {
      socket.setSoLinger(true, 0);
    } catch (IOException ignored) {
      // close anyway
    }
    closeQuietly(socket);
  }

  static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // already gone
    }
  }
}
