package dev.tasktree;

/**
 * A bulkhead had no free slot within its longest wait: the child did not run. Category {@code
 * bulkhead_full}.
 */
public final class BulkheadFullException extends RejectedException {

  /**
   * The bulkhead {@code bulkhead} had no free slot; {@code message} says for how long it waited.
   */
  public BulkheadFullException(String bulkhead, String message) {
    super(bulkhead, message);
  }

  @Override
  public String category() {
    return "bulkhead_full";
  }
}
