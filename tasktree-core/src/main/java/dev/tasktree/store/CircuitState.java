package dev.tasktree.store;

import java.util.Locale;

/** The three states of a circuit breaker, as kept by a {@link BreakerStore}. */
public enum CircuitState {
  /** Calls go through; outcomes are counted in the sliding window. */
  CLOSED,
  /** Calls are refused until the cooldown has passed. */
  OPEN,
  /** A limited number of probe calls go through; their outcomes close or reopen the breaker. */
  HALF_OPEN;

  /** The lower-case name used in traces and logs, e.g. {@code half_open}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  static CircuitState ofCode(long code) {
    return values()[(int) code];
  }
}
