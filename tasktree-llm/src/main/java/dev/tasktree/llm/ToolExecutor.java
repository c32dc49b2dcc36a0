package dev.tasktree.llm;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Runs an explicitly specified tool ({@link ToolSpec#of}). Receives the run's blackboard and the
 * arguments, already parsed and checked against the tool's schema. The return value is sent to the
 * model: a String as it is, anything else as JSON. An exception becomes an error message for the
 * model, not a failure of the node. May run concurrently with other tools of the same turn.
 *
 * @param <B> the blackboard type
 */
@FunctionalInterface
public interface ToolExecutor<B> {
  /** Executes the tool call. */
  Object execute(B blackboard, JsonNode arguments) throws Exception;
}
