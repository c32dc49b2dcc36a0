package dev.tasktree.examples;

import dev.tasktree.trace.TraceEvent;
import dev.tasktree.trace.TraceSink;

/** Sends every trace event to two sinks: the demo writes files and keeps a copy in memory. */
record Tee(TraceSink first, TraceSink second) implements TraceSink {

  @Override
  public void emit(TraceEvent event) {
    first.emit(event);
    second.emit(event);
  }
}
