package dev.tasktree;

import java.util.ArrayList;
import java.util.List;

/** A node as the builder collects it, before {@link TreeBuilder#build()} checks and compiles it. */
final class Spec<B> {

  /** How many children a node takes. */
  enum Shape {
    /** None. */
    LEAF,
    /** One or more, until {@code end()}. */
    BLOCK,
    /** Exactly one: the next node. */
    DECORATOR,
    /** Fallback / Else: exactly one, attached to the sibling before it. */
    BRANCH
  }

  /** Creates the step once the children are compiled. */
  @FunctionalInterface
  interface Factory<B> {
    Step<B> create(String name, List<Step<B>> children, Step<B> branch);
  }

  final String kind;
  final Shape shape;
  final Factory<B> factory;
  final List<Spec<B>> children = new ArrayList<>();
  final List<String> problems = new ArrayList<>();
  String name;
  Spec<B> parent;
  Spec<B> branch;

  /** For a node that accepts a branch: the branch kind it accepts (Fallback or Else). */
  String acceptsBranch;

  /** Extra check of the child count (e.g. weights); returns a problem or null. */
  java.util.function.IntFunction<String> childCheck = n -> null;

  Spec(String kind, Shape shape, Factory<B> factory) {
    this.kind = kind;
    this.shape = shape;
    this.factory = factory;
    this.name = kind;
  }

  /** The segment of this node's path: its name, with its index when it has siblings. */
  String segment() {
    if (parent == null) {
      return name;
    }
    int siblings = parent.children.size() + (parent.branch == null ? 0 : 1);
    int index = parent.children.indexOf(this);
    if (index < 0) {
      index = parent.children.size(); // the branch comes after the children
    }
    return siblings > 1 ? name + "[" + index + "]" : name;
  }

  String path() {
    return parent == null ? name : parent.path() + " > " + segment();
  }
}
