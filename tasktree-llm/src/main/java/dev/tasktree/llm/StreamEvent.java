package dev.tasktree.llm;

/**
 * What a {@link StreamListener} receives: one text delta, or the end of the stream.
 *
 * @param textSoFar the text received so far, this delta included
 * @param delta the new text (empty on the final event)
 * @param done true on the final event, which comes exactly once per model call — also on error
 * @param finishReason on the final event, why the model stopped (null on error)
 * @param error on a final event after a failure, the error; null otherwise
 */
public record StreamEvent(
    String textSoFar, String delta, boolean done, String finishReason, LlmError error) {}
