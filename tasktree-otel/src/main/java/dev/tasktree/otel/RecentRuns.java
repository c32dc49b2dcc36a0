package dev.tasktree.otel;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The last few ended runs, so events that arrive after a run's end (an abandoned node finishing or
 * starting late) still reach their spans. Bounded: the eldest run is forgotten, its spans still
 * open ended as RUNNING.
 */
final class RecentRuns {

  private final ReentrantLock lock = new ReentrantLock();
  private final Map<String, RunSpans> runs;

  RecentRuns(int capacity) {
    this.runs =
        new LinkedHashMap<>(capacity * 2) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, RunSpans> eldest) {
            if (size() <= capacity) {
              return false;
            }
            OtelTraceSink.forget(eldest.getValue());
            return true;
          }
        };
  }

  void put(RunSpans run) {
    lock.lock();
    try {
      runs.put(run.traceId, run);
    } finally {
      lock.unlock();
    }
  }

  RunSpans get(String traceId) {
    lock.lock();
    try {
      return runs.get(traceId);
    } finally {
      lock.unlock();
    }
  }
}
