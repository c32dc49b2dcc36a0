package dev.tasktree.trace;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * An exception as recorded in a trace: its class name, message and stack trace text.
 *
 * @param type the fully qualified exception class name
 * @param message the exception message, may be null
 * @param stack the printed stack trace, may be null
 */
public record ErrorInfo(String type, String message, String stack) {

  /** Captures a throwable, cause chain included in the stack text. */
  public static ErrorInfo of(Throwable error) {
    StringWriter out = new StringWriter();
    error.printStackTrace(new PrintWriter(out));
    return new ErrorInfo(error.getClass().getName(), error.getMessage(), out.toString());
  }
}
