package dev.tasktree.llm;

import java.util.Objects;

/**
 * A tool call the model asked for.
 *
 * @param id the call id the tool result must refer to
 * @param name the tool name
 * @param arguments the arguments as the model wrote them (JSON text, maybe invalid)
 */
public record ToolCall(String id, String name, String arguments) {
  /** Validates the call. */
  public ToolCall {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    arguments = arguments == null ? "" : arguments;
  }
}
