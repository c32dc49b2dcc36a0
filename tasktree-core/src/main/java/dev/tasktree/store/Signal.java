package dev.tasktree.store;

import java.time.Instant;

/**
 * A raised termination signal.
 *
 * @param key the signal key a Terminable node watches
 * @param reason why it was raised (shown in the trace)
 * @param raisedAt when it was raised
 */
public record Signal(String key, String reason, Instant raisedAt) {}
