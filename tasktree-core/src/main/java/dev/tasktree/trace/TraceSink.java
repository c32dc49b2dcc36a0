package dev.tasktree.trace;

import java.nio.file.Path;

/**
 * Where a run's trace events go. Implementations must be thread-safe and must never block or throw
 * into the run: {@link #emit} is called on the tree's own threads.
 *
 * <p>Ready-made sinks: {@link #none()} (tracing off, no cost), {@link #jsonl(Path)} (one JSON Lines
 * file per run, written in the background), {@link #all} (several at once) and {@link
 * InMemoryTraceSink} (for tests).
 */
public interface TraceSink {

  /** Accepts one event. Must return quickly and never throw. */
  void emit(TraceEvent event);

  /** Whether this sink records anything; the runtime skips building events when it does not. */
  default boolean enabled() {
    return true;
  }

  /** A sink that drops everything; runs then pay nothing for tracing. */
  static TraceSink none() {
    return NoTrace.INSTANCE;
  }

  /**
   * A sink that sends every event to each of {@code sinks} in order — e.g. JSON Lines files and
   * OpenTelemetry at once, and a sink of your own beside them. Disabled sinks are left out; with
   * none left the result is {@link #none()}.
   *
   * @throws NullPointerException when a sink is null
   */
  static TraceSink all(TraceSink... sinks) {
    return TeeTraceSink.of(sinks);
  }

  /** The shared JSON Lines writer for {@code directory} (one per directory per process). */
  static TraceSink jsonl(Path directory) {
    return JsonlTraceWriter.shared(directory);
  }
}

/** The disabled sink. */
enum NoTrace implements TraceSink {
  INSTANCE;

  @Override
  public void emit(TraceEvent event) {}

  @Override
  public boolean enabled() {
    return false;
  }
}
