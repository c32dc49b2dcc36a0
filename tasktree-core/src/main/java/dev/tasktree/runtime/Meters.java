package dev.tasktree.runtime;

import dev.tasktree.RejectedException;
import dev.tasktree.Result;
import dev.tasktree.spi.NodeContext;
import dev.tasktree.store.Spend;

/**
 * The budgets and token limiters that enclose the running node: an immutable list, innermost first,
 * carried by an inheritable thread-local so that the threads a node forks (Parallel, Race, Timeout,
 * Hedge) see the meters of their parent. the Budget and RateLimit nodes push one for the duration
 * of their child; {@code Charges.reserve} reads them.
 */
public final class Meters {

  /** One budget account or token bucket a metered call is charged to. */
  public interface Meter {
    /**
     * Reserves {@code estimate}.
     *
     * @throws RejectedException when it does not fit
     */
    Held reserve(NodeContext context, Spend estimate);
  }

  /** A reservation, settled once with the real usage. */
  public interface Held {
    /** Replaces the reservation of {@code estimate} by {@code actual}. */
    void settle(NodeContext context, Spend estimate, Spend actual);
  }

  private static final InheritableThreadLocal<Meters> CURRENT = new InheritableThreadLocal<>();

  private final Meter meter;
  private final Meters outer;

  private Meters(Meter meter, Meters outer) {
    this.meter = meter;
    this.outer = outer;
  }

  /** The meters in scope on this thread, innermost first; null when none. */
  public static Meters current() {
    return CURRENT.get();
  }

  /** This scope's meter. */
  public Meter meter() {
    return meter;
  }

  /** The enclosing scope, or null. */
  public Meters outer() {
    return outer;
  }

  /** Runs {@code body} with {@code meter} in scope, restoring the previous scope afterwards. */
  public static Result with(Meter meter, java.util.function.Supplier<Result> body) {
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
