package dev.tasktree.store;

import java.time.Instant;

/**
 * One completed checkpoint of a run.
 *
 * @param key which checkpoint: the node's path and its occurrence (attempt, loop iteration, item
 *     index), the same on every execution of the same tree with the same inputs
 * @param ok whether the checkpoint's result was OK
 * @param dataJson the result's data as JSON text ({@code null} data as {@code null})
 * @param completedAt when it completed
 */
public record Checkpoint(String key, boolean ok, String dataJson, Instant completedAt) {}
