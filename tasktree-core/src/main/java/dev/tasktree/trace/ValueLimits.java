package dev.tasktree.trace;

/**
 * How much of a value a trace keeps. Longer strings and longer arrays are cut and carry a visible
 * marker ({@code …[truncated: N chars]} / a last element {@code "…[truncated: N items]"}); deeper
 * nesting is replaced by its {@code toString()} marker.
 *
 * @param maxStringChars longest string kept whole
 * @param maxItems most array elements or object fields kept
 * @param maxDepth deepest nesting kept
 */
public record ValueLimits(int maxStringChars, int maxItems, int maxDepth) {

  /** 32,768 chars, 1,000 items, depth 32. */
  public static final ValueLimits DEFAULT = new ValueLimits(32_768, 1_000, 32);

  /** Validates the limits. */
  public ValueLimits {
    if (maxStringChars < 16 || maxItems < 1 || maxDepth < 1) {
      throw new IllegalArgumentException(
          "ValueLimits need maxStringChars >= 16, maxItems >= 1, maxDepth >= 1");
    }
  }
}
