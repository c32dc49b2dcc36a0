package dev.tasktree.trace;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps every event in memory, for tests and for users who want traces without files. Thread-safe.
 *
 * <pre>{@code
 * InMemoryTraceSink traces = new InMemoryTraceSink();
 * tree.run(blackboard, RunOptions.defaults().withTraceSink(traces));
 * Trace trace = traces.last();
 * }</pre>
 */
public final class InMemoryTraceSink implements TraceSink {

  private final ReentrantLock lock = new ReentrantLock();
  private final Map<String, List<TraceEvent>> events = new LinkedHashMap<>();

  @Override
  public void emit(TraceEvent event) {
    lock.lock();
    try {
      events.computeIfAbsent(event.traceId(), id -> new ArrayList<>()).add(event);
    } finally {
      lock.unlock();
    }
  }

  /** Ids of the traces seen, in the order they started. */
  public List<String> traceIds() {
    lock.lock();
    try {
      return List.copyOf(events.keySet());
    } finally {
      lock.unlock();
    }
  }

  /** The raw events of one trace, in emission order. */
  public List<TraceEvent> events(String traceId) {
    lock.lock();
    try {
      List<TraceEvent> list = events.get(traceId);
      if (list == null) {
        throw new NoSuchElementException("no trace " + traceId);
      }
      return List.copyOf(list);
    } finally {
      lock.unlock();
    }
  }

  /** One trace, assembled as the file reader would. */
  public Trace trace(String traceId) {
    TraceAssembler assembler = new TraceAssembler();
    events(traceId).forEach(assembler::accept);
    return assembler.build(Instant.MIN, Duration.ZERO); // alive in this process: never stale
  }

  /** The trace that started last. */
  public Trace last() {
    List<String> ids = traceIds();
    if (ids.isEmpty()) {
      throw new NoSuchElementException("no trace recorded");
    }
    return trace(ids.getLast());
  }

  /** Forgets every trace. */
  public void clear() {
    lock.lock();
    try {
      events.clear();
    } finally {
      lock.unlock();
    }
  }
}
