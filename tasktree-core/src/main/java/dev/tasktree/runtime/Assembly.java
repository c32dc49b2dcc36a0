package dev.tasktree.runtime;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * What {@code TreeBuilder} does with the {@link Spec}s its verbs create: nests them (blocks until
 * {@code end()}, decorators and branches around the next node), attaches branches, checks the whole
 * shape and every node's arguments, and compiles the result into {@link Step}s. Every problem is
 * collected with its node path; nothing throws until {@link #build()}.
 *
 * @param <B> the blackboard type
 */
public final class Assembly<B> {

  /**
   * How deeply nodes may nest, subtrees included. Deeper trees are rejected by {@code build()}: the
   * runtime runs nested nodes on nested stack frames, and this bound keeps every tree that builds
   * runnable on a default thread stack, and the JSON of its shape (two levels per node) within
   * Jackson's default read limit of 1,000 nested levels.
   */
  public static final int MAX_DEPTH = 256;

  private final String treeName;
  private final Spec<B> root;
  private final Deque<Spec<B>> open = new ArrayDeque<>();
  private final List<String> problems = new ArrayList<>();
  private String pendingName;
  private int depth; // the deepest nesting so far

  /** An empty tree named {@code treeName} (checked by the caller). */
  public Assembly(String treeName) {
    String problem = NodeNames.problem(treeName);
    this.treeName = problem == null ? treeName : String.valueOf(treeName);
    this.root = Spec.block("Tree", null);
    this.root.name = this.treeName;
    open.push(root);
    if (problem != null) {
      problems.add("tree " + problem);
    }
  }

  /** How deeply the nodes added so far nest, subtrees included. */
  public int depth() {
    return depth;
  }

  /** Reports a problem that is not about one node (e.g. the tree's own name). */
  public void problem(String problem) {
    problems.add(problem);
  }

  /** Names the next node. */
  public void name(String name) {
    if (pendingName != null) {
      problems.add(currentPath() + ": name(\"" + pendingName + "\") is followed by another name()");
    }
    String problem = NodeNames.problem(name);
    if (problem != null) {
      problems.add(currentPath() + ": " + problem);
    }
    pendingName = name == null ? "null" : name;
  }

  /** Adds a node where the builder stands. */
  public void add(Spec<B> spec) {
    if (pendingName != null) {
      spec.name = pendingName;
      spec.named = true;
      pendingName = null;
    }
    Spec<B> parent = open.peek();
    spec.parent = parent;
    spec.depth = parent.depth + 1;
    depth = Math.max(depth, spec.depth + spec.nested);
    parent.children.add(spec);
    if (spec.shape != Shape.LEAF) {
      open.push(spec);
    }
    closeFinishedDecorators();
  }

  /** Closes the innermost open composite. */
  public void end() {
    Spec<B> top = open.peek();
    if (top == root) {
      problems.add(treeName + ": end() without an open composite");
      return;
    }
    if (top.shape != Shape.BLOCK) {
      problems.add(
          top.path() + ": end() reached while this " + top.kind + " still waits for its child");
    }
    open.pop();
    closeFinishedDecorators();
  }

  /**
   * Checks the whole tree.
   *
   * @param problemsOut receives every problem, each with its node path
   * @return the compiled root node, or null when there is a problem
   */
  public Step<B> build(List<String> problemsOut) {
    List<String> all = new ArrayList<>(problems);
    if (depth > MAX_DEPTH) {
      all.add(
          treeName
              + ": nodes nest "
              + depth
              + " levels deep (subtrees included); the limit is "
              + MAX_DEPTH);
      problemsOut.addAll(all);
      return null; // the shape checks below recurse once per level
    }
    if (pendingName != null) {
      all.add(currentPath() + ": name(\"" + pendingName + "\") is not followed by a node");
    }
    for (Spec<B> spec : open) {
      if (spec != root && spec.shape == Shape.BLOCK) {
        all.add(spec.path() + ": not closed; call end()");
      }
    }
    attachBranches(root, all);
    if (root.children.size() != 1) {
      all.add(
          treeName
              + ": a tree has exactly one root node, found "
              + root.children.size()
              + (root.children.size() > 1 ? " (put them in a sequence())" : ""));
    }
    check(root, all);
    problemsOut.addAll(all);
    if (!all.isEmpty()) {
      return null;
    }
    Step<B> compiled = compile(root.children.getFirst(), treeName);
    refusedWrites(compiled, treeName + " > " + compiled.segment(), null, null, all);
    problemsOut.addAll(all);
    return all.isEmpty() ? compiled : null;
  }

  /**
   * Reports every blackboard-writing node below a node that refuses them (a Checkpoint), subtrees
   * and Gather item trees included.
   */
  private static void refusedWrites(
      Step<?> step, String path, Step<?> refuser, String refuserPath, List<String> problems) {
    if (refuser != null && step.writesBlackboard()) {
      problems.add(
          path
              + ": "
              + step.kind()
              + " writes the blackboard inside "
              + refuser.kind()
              + " '"
              + refuserPath
              + "', whose subtree is not run again on resume, so the write would be lost; write"
              + " the checkpoint's result after it (writeBlackboard takes the previous result)");
    }
    boolean refuses = refuser == null && step.refusesBlackboardWrites();
    Step<?> inner = refuses ? step : refuser;
    String innerPath = refuses ? path : refuserPath;
    for (Step<?> child : step.children()) {
      refusedWrites(child, path + " > " + child.segment(), inner, innerPath, problems);
    }
  }

  /** Decorators and branches close as soon as they have their one child. */
  private void closeFinishedDecorators() {
    while (open.peek() != root) {
      Spec<B> top = open.peek();
      boolean single = top.shape == Shape.DECORATOR || top.shape == Shape.BRANCH;
      if (single && top.children.size() == 1) {
        open.pop();
      } else {
        break;
      }
    }
  }

  /** Moves each branch into the node before it, reporting misplaced ones. */
  private static <B> void attachBranches(Spec<B> spec, List<String> problems) {
    List<Spec<B>> kept = new ArrayList<>();
    for (Spec<B> child : spec.children) {
      if (child.shape != Shape.BRANCH) {
        kept.add(child);
        continue;
      }
      Spec<B> before = kept.isEmpty() ? null : kept.getLast();
      Branch kind = child.branchKind;
      if (before == null || before.accepts != kind) {
        problems.add(
            child.path() + ": " + kind.verb() + " must directly follow " + kind.acceptedBy());
      } else if (before.branch != null) {
        problems.add(
            child.path() + ": " + before.kind + " already has " + kind.article() + kind.verb());
      } else if (child.children.size() != 1) {
        problems.add(child.path() + ": expects one child, found " + child.children.size());
      } else {
        before.branch = child.children.getFirst();
        before.branch.parent = before;
      }
    }
    spec.children.clear();
    spec.children.addAll(kept);
    for (Spec<B> child : kept) {
      attachBranches(child, problems);
      if (child.branch != null) {
        attachBranches(child.branch, problems);
      }
    }
  }

  private static <B> void check(Spec<B> spec, List<String> problems) {
    int n = spec.children.size();
    if (spec.parent != null) {
      switch (spec.shape) {
        case DECORATOR -> {
          if (n != 1) {
            problems.add(spec.path() + ": expects one child, found " + n);
          }
        }
        case BLOCK -> {
          if (n == 0) {
            problems.add(spec.path() + ": expects at least one child, found none");
          }
        }
        case LEAF, BRANCH -> {}
      }
      for (String problem : spec.problems) {
        problems.add(spec.path() + ": " + problem);
      }
      String childProblem = spec.childCheck.apply(n);
      if (childProblem != null && n > 0) {
        problems.add(spec.path() + ": " + childProblem);
      }
    }
    for (Spec<B> child : spec.children) {
      check(child, problems);
    }
    if (spec.branch != null) {
      check(spec.branch, problems);
    }
  }

  private static <B> Step<B> compile(Spec<B> spec, String path) {
    List<Step<B>> children = new ArrayList<>(spec.children.size());
    for (Spec<B> child : spec.children) {
      children.add(compile(child, path + " > " + child.segment()));
    }
    Step<B> branch =
        spec.branch == null ? null : compile(spec.branch, path + " > " + spec.branch.segment());
    Step<B> step = spec.factory.create(spec.name, children, branch);
    step.place(spec.segment(), path);
    return step;
  }

  private String currentPath() {
    return open.peek().path();
  }
}
