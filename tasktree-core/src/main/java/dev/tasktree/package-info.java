/**
 * The TaskTree API: build a {@link dev.tasktree.Tree} with {@link dev.tasktree.Tree#named} and its
 * {@link dev.tasktree.TreeBuilder} (one verb per node kind), run it with {@link
 * dev.tasktree.RunOptions}, get a {@link dev.tasktree.Result} or a {@link dev.tasktree.RunHandle}.
 * Policies ({@link dev.tasktree.RetryPolicy}, {@link dev.tasktree.Backoff}, {@link
 * dev.tasktree.CachePolicy}, {@link dev.tasktree.OnStoreError}) configure nodes; {@link
 * dev.tasktree.TreeShapeException} and {@link dev.tasktree.TerminatedException} are the exceptions
 * a user sees.
 */
package dev.tasktree;
