package dev.tasktree.store;

/**
 * What LLM calls consume, in whole units: tokens in and out, cost in micro-USD (1 USD = 1,000,000),
 * and the number of calls. Used for budget limits, estimates and charges alike. A limit of {@link
 * #UNLIMITED} in one dimension leaves it unchecked.
 *
 * @param inputTokens prompt tokens
 * @param outputTokens completion tokens
 * @param costMicros cost in millionths of a US dollar
 * @param calls number of calls
 */
public record Spend(long inputTokens, long outputTokens, long costMicros, long calls) {

  /** The limit of a dimension that is not limited. */
  public static final long UNLIMITED = Long.MAX_VALUE;

  /** Nothing spent. */
  public static final Spend ZERO = new Spend(0, 0, 0, 0);

  /** No dimension limited. */
  public static final Spend NO_LIMIT = new Spend(UNLIMITED, UNLIMITED, UNLIMITED, UNLIMITED);

  /** The four amounts in the order above. */
  public long[] toArray() {
    return new long[] {inputTokens, outputTokens, costMicros, calls};
  }

  /** A spend from four amounts in the order above. */
  public static Spend of(long[] amounts) {
    return new Spend(amounts[0], amounts[1], amounts[2], amounts[3]);
  }

  /** This plus {@code other}, saturating at {@link #UNLIMITED}. */
  public Spend plus(Spend other) {
    long[] a = toArray();
    long[] b = other.toArray();
    for (int i = 0; i < a.length; i++) {
      long sum = a[i] + b[i];
      a[i] = ((a[i] ^ sum) & (b[i] ^ sum)) < 0 ? UNLIMITED : sum;
    }
    return of(a);
  }

  /** This minus {@code other}; {@link #UNLIMITED} stays unlimited. */
  public Spend minus(Spend other) {
    long[] a = toArray();
    long[] b = other.toArray();
    for (int i = 0; i < a.length; i++) {
      a[i] = a[i] == UNLIMITED ? UNLIMITED : a[i] - b[i];
    }
    return of(a);
  }

  /**
   * The name of the first dimension in which {@code this} exceeds {@code limit}, or null when it
   * fits every one.
   */
  public String firstExceeding(Spend limit) {
    long[] a = toArray();
    long[] l = limit.toArray();
    for (int i = 0; i < a.length; i++) {
      if (l[i] != UNLIMITED && a[i] > l[i]) {
        return DIMENSIONS[i];
      }
    }
    return null;
  }

  /** Dimension names as traces show them. */
  static final String[] DIMENSIONS = {"input_tokens", "output_tokens", "cost_usd", "calls"};
}
