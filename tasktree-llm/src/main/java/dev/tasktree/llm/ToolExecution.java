package dev.tasktree.llm;

/**
 * One tool call and what it produced, as the model saw it.
 *
 * @param call the call the model made
 * @param result the text sent back to the model (the tool's result, or an error message)
 * @param ok false when the tool was unknown, the arguments were invalid or the tool threw
 * @param iteration the model call (1-based) that asked for it
 */
public record ToolExecution(ToolCall call, String result, boolean ok, int iteration) {}
