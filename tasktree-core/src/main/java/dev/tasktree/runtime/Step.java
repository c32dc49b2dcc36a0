package dev.tasktree.runtime;

import dev.tasktree.Result;
import java.util.List;
import java.util.Map;

/**
 * A node of a built tree: immutable, shared by every run. {@link Frame#run} wraps each execution in
 * a span; a node kind (one class in {@code dev.tasktree.node}) only implements its own rule in
 * {@link #exec}.
 *
 * @param <B> the blackboard type
 */
public abstract class Step<B> {

  private final String name;
  private final String kind;
  private String segment;
  private String path;

  /**
   * @param name the span name (the kind unless the user named the node)
   * @param kind the node kind: its builder verb, capitalised
   */
  protected Step(String name, String kind) {
    this.name = name;
    this.kind = kind;
    this.segment = name;
    this.path = name;
  }

  /**
   * A node placed at run time rather than by the builder (e.g. one Gather item).
   *
   * @param segment its part of a path, e.g. {@code Enrich[3]}
   */
  protected Step(String name, String kind, String segment) {
    this(name, kind);
    this.segment = segment;
  }

  /** The span name. */
  public final String name() {
    return name;
  }

  /** The node kind shown in traces. */
  public final String kind() {
    return kind;
  }

  /** This node's part of a path: its name, with its index when it has siblings. */
  public final String segment() {
    return segment;
  }

  /** The path from its tree's root (for describe, the shape and build errors). */
  public final String path() {
    return path;
  }

  /** Called once by the builder, before the tree is published. */
  final void place(String segment, String path) {
    this.segment = segment;
    this.path = path;
  }

  /** Child nodes in order (a fallback or else branch last), for describe and the shape. */
  public List<? extends Step<?>> children() {
    return List.of();
  }

  /** Settings shown by {@code Tree.describe()}, e.g. {@code 3 tries}. Empty when none. */
  public String details() {
    return "";
  }

  /**
   * The node's static arguments as JSON-ready values (strings, numbers, booleans, lists, maps), for
   * the tree's shape in the trace. Empty when none.
   */
  public Map<String, Object> arguments() {
    return Map.of();
  }

  /**
   * Whether this node writes the blackboard ({@code writeBlackboard}, {@code parseJson(...,
   * into)}): such a node may not sit below a node that {@linkplain #refusesBlackboardWrites
   * refuses} writes.
   */
  public boolean writesBlackboard() {
    return false;
  }

  /**
   * Whether {@code build()} refuses a blackboard-writing node anywhere below this one (a
   * Checkpoint: a replayed subtree does not run, so its writes would be lost on resume).
   */
  public boolean refusesBlackboardWrites() {
    return false;
  }

  /**
   * Whether {@link #exec} runs children on other threads (through a {@link Fork}). A run of a tree
   * holding such a node, started from a platform thread, moves to one virtual thread first, so
   * every fork in it is a cheap virtual-to-virtual hand-off.
   */
  public boolean forks() {
    return false;
  }

  /**
   * Runs this node once.
   *
   * @param blackboard the run's blackboard
   * @param frame this execution: runs children, records on the span
   * @return OK or FAIL, never null
   * @throws Exception which the runtime turns into {@code FAIL(exception)}
   */
  protected abstract Result exec(B blackboard, Frame frame) throws Exception;
}
