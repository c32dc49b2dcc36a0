package dev.tasktree;

/**
 * A call would not fit a budget (its estimate added to what is spent and reserved passes a limit),
 * so it was not made. Category {@code budget_exceeded}.
 */
public final class BudgetExceededException extends RejectedException {

  private final String dimension;

  /** The budget {@code budget} refused: {@code dimension} would pass its limit. */
  public BudgetExceededException(String budget, String dimension, String message) {
    super(budget, message);
    this.dimension = dimension;
  }

  /**
   * The limit that would be passed: {@code input_tokens}, {@code output_tokens}, {@code cost_usd},
   * {@code calls} or {@code wall_time}.
   */
  public String dimension() {
    return dimension;
  }

  @Override
  public String category() {
    return "budget_exceeded";
  }
}
