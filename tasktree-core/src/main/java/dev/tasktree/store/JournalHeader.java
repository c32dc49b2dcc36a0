package dev.tasktree.store;

import java.time.Instant;

/**
 * What a journal keeps of a run besides its checkpoints.
 *
 * @param runId the run's id (its trace id)
 * @param treeName the name of the tree it runs
 * @param shapeFingerprint a digest of the tree's shape: a resume of a changed tree is refused
 * @param shapeJson the tree's shape as JSON text, so the refusal can name the first differing node
 * @param startedAt when the run first started
 */
public record JournalHeader(
    String runId, String treeName, String shapeFingerprint, String shapeJson, Instant startedAt) {}
