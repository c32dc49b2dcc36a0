package dev.tasktree.runtime;

import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The latest N latencies of one node, for a percentile-based Hedge delay. Thread-safe; the
 * percentile is recomputed at most once per eight new samples, so a read is usually one volatile
 * load.
 */
public final class LatencyWindow {

  private final long[] samples;
  private final double percentile;
  private final int minSamples;
  private final ReentrantLock lock = new ReentrantLock();
  private int next;
  private int count;
  private int sinceComputed;
  private volatile long cachedNanos = -1;

  /** A window of {@code size} latencies answering the {@code percentile}-th percentile. */
  public LatencyWindow(int size, double percentile, int minSamples) {
    this.samples = new long[size];
    this.percentile = percentile;
    this.minSamples = minSamples;
  }

  /** Adds a latency. */
  public void add(long nanos) {
    lock.lock();
    try {
      samples[next] = nanos;
      next = (next + 1) % samples.length;
      count = Math.min(count + 1, samples.length);
      if (count >= minSamples && (++sinceComputed >= 8 || cachedNanos < 0)) {
        long[] sorted = Arrays.copyOf(samples, count);
        Arrays.sort(sorted);
        int index = (int) Math.ceil(percentile / 100.0 * count) - 1;
        cachedNanos = sorted[Math.max(0, Math.min(count - 1, index))];
        sinceComputed = 0;
      }
    } finally {
      lock.unlock();
    }
  }

  /** The percentile in nanoseconds, or {@code fallbackNanos} while there are too few samples. */
  public long percentileNanos(long fallbackNanos) {
    long cached = cachedNanos;
    return cached < 0 ? fallbackNanos : cached;
  }
}
