package dev.tasktree.runtime;

import dev.tasktree.trace.Status;
import dev.tasktree.trace.Trace;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Draws a tree as an indented outline, one node per line: {@code name (kind) [details]}. The status
 * outline adds what a run did at each node: {@code — OK}, {@code — FAIL ×3} (the last execution's
 * status, and how many executions there were when more than one: Retry tries, RepeatWhile loops),
 * or {@code — not run}.
 */
public final class Outline {

  private Outline() {}

  /** The shape alone ({@code Tree.describe()}). */
  public static String describe(String treeName, Step<?> root) {
    return draw(treeName, root, path -> "");
  }

  /** The shape with each node's status in {@code trace} ({@code Tree.outline(trace)}). */
  public static String status(String treeName, Step<?> root, Trace trace) {
    Map<String, Executions> byPath = new HashMap<>();
    trace
        .spans()
        .forEach(
            span -> byPath.computeIfAbsent(span.path(), p -> new Executions()).add(span.status()));
    return draw(
        treeName,
        root,
        path -> {
          Executions executions = byPath.get(path);
          return executions == null ? " — not run" : " — " + executions;
        });
  }

  private static String draw(String treeName, Step<?> root, Function<String, String> suffix) {
    StringBuilder out = new StringBuilder(treeName).append(suffix.apply(treeName)).append('\n');
    draw(root, treeName + " > " + root.segment(), "", true, suffix, out);
    return out.toString();
  }

  private static void draw(
      Step<?> step,
      String path,
      String indent,
      boolean last,
      Function<String, String> suffix,
      StringBuilder out) {
    out.append(indent).append(last ? "└─ " : "├─ ").append(step.name());
    if (!step.name().equals(step.kind())) {
      out.append(" (").append(step.kind()).append(')');
    }
    if (!step.details().isEmpty()) {
      out.append(" [").append(step.details()).append(']');
    }
    out.append(suffix.apply(path)).append('\n');
    List<? extends Step<?>> children = step.children();
    for (int i = 0; i < children.size(); i++) {
      Step<?> child = children.get(i);
      draw(
          child,
          path + " > " + child.segment(),
          indent + (last ? "   " : "│  "),
          i == children.size() - 1,
          suffix,
          out);
    }
  }

  /** The executions of one path: how many, and the last one's status. */
  private static final class Executions {
    int count;
    Status last;

    void add(Status status) {
      count++;
      last = status;
    }

    @Override
    public String toString() {
      return count == 1 ? last.name() : last.name() + " ×" + count;
    }
  }
}
