package dev.tasktree.runtime;

import java.time.Duration;

/** Short human-readable durations for {@code Tree.describe()}: 20ms, 1.5s, 2m, 1h30m. */
public final class Durations {

  private Durations() {}

  /** {@code d} as a short text, e.g. {@code 1.5s}. */
  public static String human(Duration d) {
    long millis = d.toMillis();
    if (millis < 1_000) {
      return d.toNanos() % 1_000_000 == 0 ? millis + "ms" : d.toNanos() / 1_000 + "µs";
    }
    if (millis < 60_000) {
      return millis % 1_000 == 0 ? millis / 1_000 + "s" : millis / 1_000.0 + "s";
    }
    long minutes = millis / 60_000;
    if (minutes < 60) {
      long seconds = (millis % 60_000) / 1_000;
      return minutes + "m" + (seconds == 0 ? "" : seconds + "s");
    }
    return minutes / 60 + "h" + (minutes % 60 == 0 ? "" : minutes % 60 + "m");
  }
}
