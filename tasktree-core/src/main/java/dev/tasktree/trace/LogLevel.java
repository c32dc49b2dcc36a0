package dev.tasktree.trace;

/** Severity of a log line recorded on a span. */
public enum LogLevel {
  DEBUG,
  INFO,
  WARN,
  ERROR
}
