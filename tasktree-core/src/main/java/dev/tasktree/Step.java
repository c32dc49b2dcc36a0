package dev.tasktree;

import java.util.List;

/**
 * A node of a built tree: immutable, shared by every run. {@link Frame#run} wraps each execution in
 * a span; subclasses only implement the node's own rule in {@link #exec}.
 */
abstract class Step<B> {

  private final String name;
  private final String kind;
  private String segment;
  private String path;

  Step(String name, String kind) {
    this.name = name;
    this.kind = kind;
    this.segment = name;
    this.path = name;
  }

  final String name() {
    return name;
  }

  final String kind() {
    return kind;
  }

  /** This node's part of a path: its name, with its index when it has siblings. */
  final String segment() {
    return segment;
  }

  /** The path from its tree's root (for describe and build errors). */
  final String path() {
    return path;
  }

  /** Called once by the builder, before the tree is published. */
  final void place(String segment, String path) {
    this.segment = segment;
    this.path = path;
  }

  /** Child nodes, for {@link Tree#describe()}. */
  List<? extends Step<?>> children() {
    return List.of();
  }

  /** Settings shown by {@link Tree#describe()}, e.g. {@code 3 tries}. Empty when none. */
  String details() {
    return "";
  }

  /** Runs this node once. */
  abstract Result exec(B blackboard, Frame frame) throws Exception;
}
