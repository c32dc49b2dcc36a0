package dev.tasktree.examples;

import dev.tasktree.RunOptions;
import dev.tasktree.trace.InMemoryTraceSink;
import dev.tasktree.trace.Trace;

/**
 * What an example runs with: the models, the run options (trace sink, cache and signal stores) and
 * an in-memory copy of every trace, so that a run can be inspected right after it ends.
 */
record Session(Models models, RunOptions options, InMemoryTraceSink traces) {

  /** The trace of one run of this session. */
  Trace trace(String traceId) {
    return traces.trace(traceId);
  }
}
