/**
 * One class per node kind. Each holds its descriptor (a static {@code spec(…)}: the kind, which is
 * also its builder verb and its trace kind, its shape, the branch it accepts, its argument checks),
 * its execution, and its semantics as the class comment, from which {@code docs/semantics.md} is
 * generated. Adding a node kind = one class here + one verb in {@code TreeBuilder}.
 *
 * <p>Not exported: the API is the builder verb; the rules are in the docs.
 */
package dev.tasktree.node;
