package dev.tasktree.server;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error responses (a malformed request line, headers too large, a failure outside any
 * route) in the server's one error shape, {@code {"error": ..., "status": ...}}, instead of HTML.
 */
final class JsonErrorHandler extends ErrorHandler {

  private static final HttpField JSON = new HttpField(HttpHeader.CONTENT_TYPE, "application/json");

  @Override
  protected void generateResponse(
      Request request, Response response, int code, String message, Throwable cause, Callback cb) {
    response.getHeaders().put(JSON);
    byte[] body = ApiErrors.body(code, text(code, message)).getBytes(StandardCharsets.UTF_8);
    response.write(true, ByteBuffer.wrap(body), cb);
  }

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(JSON);
    return ByteBuffer.wrap(
        ApiErrors.body(status, text(status, reason)).getBytes(StandardCharsets.UTF_8));
  }

  /** Jetty's reason phrases are generic ("Bad Request"); never a cause's details. */
  private static String text(int code, String message) {
    return code >= 500
        ? "internal error; see the server log"
        : message == null || message.isBlank() ? "request failed with status " + code : message;
  }
}
