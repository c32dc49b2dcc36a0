package dev.tasktree.llm;

/**
 * Receives the text of a streamed model call as it arrives. Called on the thread that reads the
 * stream, in order; the final event ({@link StreamEvent#done()}) comes once per model call, also
 * when the call fails. With tools, each model call of the loop streams in turn. Must not block for
 * long; an exception it throws is logged on the span and otherwise ignored.
 */
@FunctionalInterface
public interface StreamListener {
  /** One delta, or the end of the stream. */
  void onEvent(StreamEvent event);
}
