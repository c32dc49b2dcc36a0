package dev.tasktree.runtime;

/** How many children a node kind takes, and how the builder collects them. */
public enum Shape {
  /** None: the node does the work itself. */
  LEAF,
  /** One or more, from the verb until {@code end()}. */
  BLOCK,
  /** Exactly one: the next node (a leaf, a block or another decorator). */
  DECORATOR,
  /** A {@link Branch}: exactly one child, attached to the sibling before it. */
  BRANCH
}
