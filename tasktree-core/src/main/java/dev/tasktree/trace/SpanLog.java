package dev.tasktree.trace;

import java.time.Instant;

/**
 * One log line recorded on a span.
 *
 * @param time when it was recorded (UTC)
 * @param level its severity
 * @param message its text
 */
public record SpanLog(Instant time, LogLevel level, String message) {}
