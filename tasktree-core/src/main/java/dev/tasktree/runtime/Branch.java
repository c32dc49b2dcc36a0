package dev.tasktree.runtime;

/**
 * The extra branch a node kind may accept: a builder verb that attaches the node after it to the
 * node just before it, instead of adding a sibling.
 */
public enum Branch {
  /**
   * {@code fallback()}: runs when a Timeout or Terminable cuts its child short, or an Approval gets
   * no decision in time.
   */
  FALLBACK("Fallback", "fallback()", "a Timeout, Terminable or Approval"),
  /** {@code orElse()}: runs when a When's condition is false. */
  OR_ELSE("OrElse", "orElse()", "a When");

  private final String kind;
  private final String verb;
  private final String acceptedBy;

  Branch(String kind, String verb, String acceptedBy) {
    this.kind = kind;
    this.verb = verb;
    this.acceptedBy = acceptedBy;
  }

  /** The branch's name in build errors. */
  public String kind() {
    return kind;
  }

  /** The builder call that adds it. */
  public String verb() {
    return verb;
  }

  /** "a " or "an ", for build errors. */
  String article() {
    return this == OR_ELSE ? "an " : "a ";
  }

  /** Which node kinds accept it, for build errors. */
  String acceptedBy() {
    return acceptedBy;
  }
}
