package dev.tasktree.examples;

import dev.tasktree.RunOptions;
import dev.tasktree.store.Journal;
import dev.tasktree.trace.InMemoryTraceSink;
import dev.tasktree.trace.Trace;
import java.nio.file.Path;

/**
 * What an example runs with: the models, the run options (trace sink, cache and signal stores), an
 * in-memory copy of every trace, so that a run can be inspected right after it ends, and the
 * journal for the examples that run durably (their options add it with {@code withJournal}), the
 * directory the traces are written to, and the URL of the trace UI serving it (null when the demo
 * does not serve while the examples run).
 */
record Session(
    Models models,
    RunOptions options,
    InMemoryTraceSink traces,
    Journal journal,
    Path traceDir,
    String traceUi) {

  /** The trace of one run of this session. */
  Trace trace(String traceId) {
    return traces.trace(traceId);
  }
}
