package dev.tasktree.spi;

import dev.tasktree.ReplayedFailure;

/**
 * How a {@link NodeContext#checkpoint checkpoint}'s outcome is written to a journal as JSON text
 * and read back when a resumed run replays it. A node that checkpoints its own work (the LLM node
 * checkpoints each model call and each tool call) supplies one; the value it reads back must be
 * equal, for everything the node does next, to the value it wrote.
 *
 * <p>Failures: {@link #encodeFailure} decides which exceptions are journaled. The default journals
 * none — a failed piece of work then runs again on resume. A codec that journals a failure should
 * read back an exception the node treats the same way (the LLM node reads back its {@code
 * LlmError}, so a Retry's {@code retryIf} judges the replayed failure as it judged the original).
 *
 * @param <T> the type of the work's value
 */
public interface CheckpointCodec<T> {

  /** The value as JSON text. */
  String encode(T value) throws Exception;

  /** The value written by {@link #encode}. */
  T decode(String json) throws Exception;

  /**
   * {@code failure} as JSON text when it is an outcome worth journaling (a resumed run replays it
   * instead of trying again), or null when the work should run again on resume (the default).
   */
  default String encodeFailure(Exception failure) throws Exception {
    return null;
  }

  /**
   * The exception written by {@link #encodeFailure}; by default a {@link ReplayedFailure} carrying
   * the text.
   */
  default Exception decodeFailure(String json) throws Exception {
    return new ReplayedFailure("unknown", json);
  }
}
