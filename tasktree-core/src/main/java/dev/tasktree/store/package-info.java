/**
 * The store SPIs that nodes share state through — {@link dev.tasktree.store.CacheStore} for the
 * Cache node, {@link dev.tasktree.store.SignalStore} for Terminable — with in-memory
 * implementations; {@code tasktree-store-redis} implements them for a fleet of processes.
 */
package dev.tasktree.store;
