package dev.tasktree;

import java.util.List;

/**
 * A tree's shape is wrong; thrown by {@link TreeBuilder#build()}. The message lists every problem
 * found, each with the path of the node, e.g. {@code Answer > Sequence > Retry[1]: expects one
 * child, found 0}.
 */
public final class TreeShapeException extends IllegalStateException {

  private final List<String> problems;

  TreeShapeException(String treeName, List<String> problems) {
    super("tree '" + treeName + "' is malformed:\n  " + String.join("\n  ", problems));
    this.problems = List.copyOf(problems);
  }

  /** Each problem, with its node path. */
  public List<String> problems() {
    return problems;
  }
}
