package dev.tasktree.store;

import java.util.Arrays;

/**
 * The outcomes a closed breaker judges: the last N calls (a ring) or the last N seconds (one bucket
 * per second). Not thread-safe; its owner locks.
 */
final class SlidingWindow {

  private final boolean timeBased;
  private final int size;
  private final boolean[] ring;
  private final long[] bucketSecond;
  private final int[] bucketCalls;
  private final int[] bucketFailures;
  private int next;
  private int calls;
  private int failures;

  SlidingWindow(boolean timeBased, int size) {
    this.timeBased = timeBased;
    this.size = size;
    this.ring = timeBased ? null : new boolean[size];
    this.bucketSecond = timeBased ? new long[size] : null;
    this.bucketCalls = timeBased ? new int[size] : null;
    this.bucketFailures = timeBased ? new int[size] : null;
    clear();
  }

  void add(long nowMillis, boolean failure) {
    if (timeBased) {
      long second = Math.floorDiv(nowMillis, 1000);
      int i = (int) Math.floorMod(second, size);
      if (bucketSecond[i] != second) {
        bucketSecond[i] = second;
        bucketCalls[i] = 0;
        bucketFailures[i] = 0;
      }
      bucketCalls[i]++;
      if (failure) {
        bucketFailures[i]++;
      }
      return;
    }
    if (calls == size) {
      if (ring[next]) {
        failures--;
      }
    } else {
      calls++;
    }
    ring[next] = failure;
    if (failure) {
      failures++;
    }
    next = (next + 1) % size;
  }

  /** {calls, failures} inside the window at {@code nowMillis}. */
  long[] counts(long nowMillis) {
    if (!timeBased) {
      return new long[] {calls, failures};
    }
    long second = Math.floorDiv(nowMillis, 1000);
    long c = 0;
    long f = 0;
    for (int i = 0; i < size; i++) {
      if (bucketSecond[i] > second - size) {
        c += bucketCalls[i];
        f += bucketFailures[i];
      }
    }
    return new long[] {c, f};
  }

  void clear() {
    next = 0;
    calls = 0;
    failures = 0;
    if (timeBased) {
      Arrays.fill(bucketSecond, Long.MIN_VALUE);
    }
  }
}
