package dev.tasktree.spi;

import dev.tasktree.BudgetExceededException;
import dev.tasktree.RateLimitedException;
import dev.tasktree.runtime.Meters;
import dev.tasktree.store.Spend;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The hook a node that makes metered calls (the LLM node) uses to honour the budgets and token rate
 * limits around it: reserve the call's estimate before sending, settle with the real usage after.
 *
 * <pre>{@code
 * try (Charges.Charge charge = Charges.reserve(ctx, estimate)) {  // may throw before sending
 *   Reply reply = send(request);
 *   charge.settle(reply.usage());
 * }
 * }</pre>
 *
 * <p>Every {@code .budget(...)} and token {@code .rateLimit(...)} enclosing the node is charged;
 * with none the charge does nothing. Reservation is all or nothing: when one meter refuses, those
 * already reserved are released. A charge closed without {@link Charge#settle} (the call failed
 * before an answer) is settled as one call with no tokens and no cost.
 */
public final class Charges {

  private static final Charge NONE =
      new Charge() {
        @Override
        public void settle(Spend actual) {}

        @Override
        public void close() {}
      };

  private Charges() {}

  /**
   * Reserves {@code estimate} in every meter in scope, innermost first; records it on the node's
   * span as {@code charge_estimate}.
   *
   * @throws BudgetExceededException when a budget cannot fit it
   * @throws RateLimitedException when a token limit cannot hand it out within its longest wait
   */
  public static Charge reserve(NodeContext context, Spend estimate) {
    Objects.requireNonNull(estimate, "estimate");
    Meters meters = Meters.current();
    if (meters == null) {
      return NONE;
    }
    List<Meters.Held> held = new ArrayList<>(2);
    try {
      for (Meters m = meters; m != null; m = m.outer()) {
        held.add(m.meter().reserve(context, estimate));
      }
    } catch (RuntimeException refused) {
      for (Meters.Held h : held) {
        h.settle(context, estimate, Spend.ZERO);
      }
      throw refused;
    }
    context.attribute("charge_estimate", estimate);
    return new Held(context, estimate, held);
  }

  /** One reserved call; settle it once. */
  public interface Charge extends AutoCloseable {
    /** Charges {@code actual} in place of the estimate (only the first settle counts). */
    void settle(Spend actual);

    /** Settles as one call without tokens or cost unless already settled. */
    @Override
    void close();
  }

  private static final class Held implements Charge {
    private final NodeContext context;
    private final Spend estimate;
    private final List<Meters.Held> held;
    private boolean settled;

    Held(NodeContext context, Spend estimate, List<Meters.Held> held) {
      this.context = context;
      this.estimate = estimate;
      this.held = held;
    }

    @Override
    public void settle(Spend actual) {
      Objects.requireNonNull(actual, "actual");
      if (settled) {
        return;
      }
      settled = true;
      context.attribute("charge_actual", actual);
      String over = actual.firstExceeding(estimate);
      if (over != null) {
        context.log(
            dev.tasktree.trace.LogLevel.WARN,
            "the call used more than its estimate (" + over + "): " + actual + " > " + estimate);
        context.attribute("charge_breach", over);
      }
      for (Meters.Held h : held) {
        h.settle(context, estimate, actual);
      }
    }

    @Override
    public void close() {
      settle(new Spend(0, 0, 0, 1));
    }
  }
}
