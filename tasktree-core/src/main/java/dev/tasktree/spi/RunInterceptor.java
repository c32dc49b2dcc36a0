package dev.tasktree.spi;

import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import java.util.Map;

/**
 * Run-scoped hooks for integrations that must carry their own context through a run — above all
 * OpenTelemetry: the span current where a run starts becomes its parent, and each node's span is
 * current on whichever thread runs the node's code, so instrumented calls made there (JDBC, HTTP
 * clients) nest under it. Configured with {@link RunOptions#withRunInterceptor}; core itself knows
 * nothing about any tracing library.
 *
 * <p>The runtime calls {@link #begin} once per run, on the thread that calls {@link Tree#run} or
 * {@link Tree#start} (so thread-bound context is still visible), then {@link Run#enter(String)}
 * around every node's code on every thread of the run — forked ones included — and {@link Run#end}
 * after the run's last trace event. Implementations must be thread-safe, fast, and must not throw.
 */
public interface RunInterceptor {

  /**
   * A run is about to begin.
   *
   * @param traceId the run's TaskTree trace id
   * @param treeName the tree's name
   * @return the hooks of this run
   */
  Run begin(String traceId, String treeName);

  /** The interceptor that does nothing (the default). */
  static RunInterceptor none() {
    return NoInterception.INSTANCE;
  }

  /** The hooks of one run; thread-safe. */
  interface Run {

    /**
     * Attributes recorded on the trace's first event (e.g. the W3C trace id, so a viewer can link
     * to the same trace elsewhere). Called once, before any span starts.
     */
    default Map<String, Object> traceAttributes() {
      return Map.of();
    }

    /**
     * The code of the node whose span has {@code spanId} starts on the current thread; whatever
     * this makes current stays so until the returned handle is closed, on the same thread.
     *
     * @param spanId the span's id within the trace; null when the run records no trace
     */
    Entered enter(String spanId);

    /** The run is over: its last trace event has been emitted. */
    default void end() {}
  }

  /** Restores the thread's previous context when closed. */
  @FunctionalInterface
  interface Entered extends AutoCloseable {
    /** Restores what was current before {@link Run#enter}; never throws. */
    @Override
    void close();
  }
}

/** The default interceptor: no state, nothing entered. */
enum NoInterception implements RunInterceptor, RunInterceptor.Run, RunInterceptor.Entered {
  INSTANCE;

  @Override
  public Run begin(String traceId, String treeName) {
    return this;
  }

  @Override
  public RunInterceptor.Entered enter(String spanId) {
    return this;
  }

  @Override
  public void close() {}
}
