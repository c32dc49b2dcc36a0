package dev.tasktree.bench;

import java.util.Arrays;

/** Order statistics of measured durations (nanoseconds in, milliseconds or microseconds out). */
final class Samples {

  private final long[] sorted;

  private Samples(long[] sorted) {
    this.sorted = sorted;
  }

  /** The samples, sorted (the array is copied). */
  static Samples of(long[] nanos) {
    long[] copy = nanos.clone();
    Arrays.sort(copy);
    return new Samples(copy);
  }

  int count() {
    return sorted.length;
  }

  /** The median, interpolating between the middle two of an even count. */
  double medianNanos() {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
  }

  /**
   * The nearest-rank percentile: the smallest sample with at least {@code p} percent of all samples
   * at or below it (so p99 of 50 samples is the largest).
   */
  double percentileNanos(double p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
  }

  double medianMicros() {
    return medianNanos() / 1e3;
  }

  double medianMillis() {
    return medianNanos() / 1e6;
  }

  double percentileMillis(double p) {
    return percentileNanos(p) / 1e6;
  }
}
