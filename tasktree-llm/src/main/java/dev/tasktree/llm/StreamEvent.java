package dev.tasktree.llm;

/**
 * What a {@link StreamListener} receives: one text delta, one reasoning delta, one tool-call delta,
 * or the end of the stream.
 *
 * @param textSoFar the text received so far, this delta included
 * @param delta the new text (empty on other events)
 * @param done true on the final event, which comes exactly once per model call — also on error
 * @param finishReason on the final event, why the model stopped (null on error)
 * @param error on a final event after a failure, the error; null otherwise
 * @param toolCallDelta on a tool-call event, the piece of the call that arrived; null otherwise
 * @param reasoningDelta on a reasoning event, the new reasoning text ({@code reasoning_content});
 *     null otherwise
 */
public record StreamEvent(
    String textSoFar,
    String delta,
    boolean done,
    String finishReason,
    LlmError error,
    ToolCallDelta toolCallDelta,
    String reasoningDelta) {

  /** A text or final event. */
  public StreamEvent(
      String textSoFar, String delta, boolean done, String finishReason, LlmError error) {
    this(textSoFar, delta, done, finishReason, error, null, null);
  }

  /**
   * A piece of a streamed tool call: the first piece of a call carries its id and name, later ones
   * more of its arguments.
   *
   * @param index the call's position in the turn
   * @param id the call id, when this piece carries it
   * @param name the tool name, when this piece carries it
   * @param argumentsDelta the next part of the arguments text ("" when none)
   */
  public record ToolCallDelta(long index, String id, String name, String argumentsDelta) {}
}
