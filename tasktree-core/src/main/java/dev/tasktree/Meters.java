package dev.tasktree;

import dev.tasktree.store.Spend;

/**
 * The budgets and token limiters that enclose the running node: an immutable list, innermost first,
 * carried by an inheritable thread-local so that the threads a node forks (Parallel, Race, Timeout,
 * Hedge) see the meters of their parent. {@link BudgetNode} and {@link RateLimitNode} push one for
 * the duration of their child; {@link Charges#reserve} reads them.
 */
final class Meters {

  /** One budget account or token bucket a metered call is charged to. */
  interface Meter {
    /**
     * Reserves {@code estimate}.
     *
     * @throws RejectedException when it does not fit
     */
    Held reserve(NodeContext context, Spend estimate);
  }

  /** A reservation, settled once with the real usage. */
  interface Held {
    void settle(NodeContext context, Spend estimate, Spend actual);
  }

  private static final InheritableThreadLocal<Meters> CURRENT = new InheritableThreadLocal<>();

  final Meter meter;
  final Meters outer;

  private Meters(Meter meter, Meters outer) {
    this.meter = meter;
    this.outer = outer;
  }

  /** The meters in scope on this thread, innermost first; null when none. */
  static Meters current() {
    return CURRENT.get();
  }

  /** Runs {@code body} with {@code meter} in scope, restoring the previous scope afterwards. */
  static Result with(Meter meter, java.util.function.Supplier<Result> body) {
    Meters previous = CURRENT.get();
    CURRENT.set(new Meters(meter, previous));
    try {
      return body.get();
    } finally {
      if (previous == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(previous);
      }
    }
  }
}
