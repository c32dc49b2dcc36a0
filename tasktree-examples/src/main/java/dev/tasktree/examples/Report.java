package dev.tasktree.examples;

import dev.tasktree.trace.TraceSummary;
import java.time.Duration;
import java.util.Locale;

/** How the demo prints what an example did: one line each, and one-line reasons for failures. */
final class Report {

  private Report() {}

  /** The line of one example: progress, name, OK/FAIL, answer, time, tokens, cost, trace id. */
  static String line(
      String progress, String name, Example.Outcome outcome, Duration took, Session session) {
    long tokens = 0;
    double cost = 0;
    if (outcome.traceId() != null) {
      TraceSummary summary = session.trace(outcome.traceId()).summary();
      tokens = summary.inputTokens() + summary.outputTokens();
      cost = summary.costUsd();
    }
    String answer =
        outcome.result().isOk()
            ? String.valueOf(outcome.answer())
            : failure(outcome.result().data(), outcome.answer());
    return String.format(
        Locale.ROOT,
        "%s %-17s %-4s %-50s %7s %7s %10s  %s",
        progress,
        name,
        outcome.result().isOk() ? "OK" : "FAIL",
        shorten(answer, 50),
        seconds(took),
        tokens + " tok",
        String.format(Locale.ROOT, "$%.6f", cost),
        outcome.traceId() == null ? "-" : outcome.traceId());
  }

  private static String failure(Object data, String answer) {
    String why = data instanceof Throwable t ? reason(t) : String.valueOf(data);
    return answer == null || answer.equals(why) ? why : why + " / " + answer;
  }

  private static String seconds(Duration took) {
    return String.format(Locale.ROOT, "%.2f s", took.toNanos() / 1e9);
  }

  static String shorten(String text, int max) {
    String oneLine = text.replaceAll("\\s+", " ").strip();
    return oneLine.length() <= max ? oneLine : oneLine.substring(0, max - 1) + "…";
  }

  /** The innermost message of an exception, for one line. */
  static String reason(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof java.net.ConnectException) {
        return "connection refused";
      }
      if (t instanceof java.net.UnknownHostException
          || t instanceof java.nio.channels.UnresolvedAddressException) {
        return "unknown host";
      }
      if (t instanceof java.net.http.HttpTimeoutException) {
        return "no answer in time";
      }
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return message == null || message.isBlank()
        ? root.getClass().getSimpleName()
        : message.replaceAll("\\s+", " ").strip();
  }
}
