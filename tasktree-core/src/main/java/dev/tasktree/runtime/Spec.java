package dev.tasktree.runtime;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * A node kind's descriptor, as the builder collects it before {@code build()} checks and compiles
 * it: the kind (= builder verb = trace kind), its {@link Shape}, the {@link Branch} it accepts, the
 * problems its arguments have, and the factory that makes the {@link Step} once the children are
 * compiled. Each node class in {@code dev.tasktree.node} creates its own.
 *
 * @param <B> the blackboard type
 */
public final class Spec<B> {

  /** Creates the step once the children (and the branch, if any) are compiled. */
  @FunctionalInterface
  public interface Factory<B> {
    /**
     * @param name the node's name (its kind unless the user named it)
     * @param children the compiled children, in order
     * @param branch the compiled branch, or null
     * @return the node
     */
    Step<B> create(String name, List<Step<B>> children, Step<B> branch);
  }

  final String kind;
  final Shape shape;
  final Factory<B> factory;
  final List<Spec<B>> children = new ArrayList<>();
  final List<String> problems = new ArrayList<>();
  Branch accepts;
  Branch branchKind; // for a BRANCH spec: which branch it is
  IntFunction<String> childCheck = n -> null;
  int depth; // levels below the tree's root
  int nested; // how deep the trees this node runs (a subtree's) nest below it
  String name;
  boolean named;
  Spec<B> parent;
  Spec<B> branch;

  private Spec(String kind, Shape shape, Factory<B> factory) {
    this.kind = kind;
    this.shape = shape;
    this.factory = factory;
    this.name = kind;
  }

  /** A node without children; {@code create} gets the node's name. */
  public static <B> Spec<B> leaf(String kind, java.util.function.Function<String, Step<B>> create) {
    return new Spec<>(kind, Shape.LEAF, (n, c, b) -> create.apply(n));
  }

  /**
   * A node without children that may accept a branch ({@link #accepts}); {@code factory} gets no
   * children and the compiled branch, or null.
   */
  public static <B> Spec<B> leafWithBranch(String kind, Factory<B> factory) {
    return new Spec<>(kind, Shape.LEAF, factory);
  }

  /** A composite: children from the verb to {@code end()}. */
  public static <B> Spec<B> block(String kind, Factory<B> factory) {
    return new Spec<>(kind, Shape.BLOCK, factory);
  }

  /** A decorator: exactly one child, the next node ({@code children.getFirst()}). */
  public static <B> Spec<B> decorator(String kind, Factory<B> factory) {
    return new Spec<>(kind, Shape.DECORATOR, factory);
  }

  /** A branch marker ({@code fallback()}, {@code orElse()}). */
  public static <B> Spec<B> branch(Branch branch) {
    Spec<B> spec = new Spec<>(branch.kind(), Shape.BRANCH, null);
    spec.branchKind = branch;
    return spec;
  }

  /** This node accepts {@code branch} right after it. */
  public Spec<B> accepts(Branch branch) {
    this.accepts = branch;
    return this;
  }

  /** Reports {@code problem} (with this node's path) from {@code build()} unless {@code ok}. */
  public Spec<B> check(boolean ok, String problem) {
    if (!ok) {
      problems.add(problem);
    }
    return this;
  }

  /** Reports "{@code what} must not be null" unless {@code value} is set. */
  public Spec<B> notNull(Object value, String what) {
    return check(value != null, what + " must not be null");
  }

  /** An extra check of the child count (e.g. one weight per child); returns a problem or null. */
  public Spec<B> checkChildren(IntFunction<String> check) {
    this.childCheck = check;
    return this;
  }

  /** The default name (e.g. a subtree's tree name); a {@code name(...)} before it still wins. */
  public Spec<B> defaultName(String name) {
    String problem = NodeNames.problem(name);
    if (problem != null) {
      return check(false, problem);
    }
    if (!named) {
      this.name = name;
    }
    return this;
  }

  /** This node runs a tree nesting {@code depth} levels below it (a subtree, a Gather's tree). */
  public Spec<B> nested(int depth) {
    this.nested = depth;
    return this;
  }

  /** The kind (builder verb = trace kind). */
  public String kind() {
    return kind;
  }

  /** The shape. */
  public Shape shape() {
    return shape;
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
    ArrayDeque<String> segments = new ArrayDeque<>();
    for (Spec<B> s = this; s != null; s = s.parent) {
      segments.push(s.segment());
    }
    return String.join(" > ", segments);
  }
}
