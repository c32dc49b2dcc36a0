package dev.tasktree.llm;

import java.util.Objects;

/**
 * Whether and which tool the model must call ({@code tool_choice}): {@link #AUTO} (the model
 * decides; the default), {@link #NONE}, {@link #REQUIRED} (some tool), or {@link #named} (that
 * tool).
 *
 * @param mode {@code auto}, {@code none}, {@code required} or {@code named}
 * @param toolName the tool a {@code named} choice forces; null otherwise
 */
public record ToolChoice(String mode, String toolName) {

  /** The model decides whether to call tools. */
  public static final ToolChoice AUTO = new ToolChoice("auto", null);

  /** The model must not call tools. */
  public static final ToolChoice NONE = new ToolChoice("none", null);

  /** The model must call at least one tool. */
  public static final ToolChoice REQUIRED = new ToolChoice("required", null);

  /** Validates the choice. */
  public ToolChoice {
    Objects.requireNonNull(mode, "mode");
    if (mode.equals("named") == (toolName == null)) {
      throw new IllegalArgumentException("a named tool choice (and only that) has a tool name");
    }
  }

  /** The model must call the tool {@code toolName}. */
  public static ToolChoice named(String toolName) {
    return new ToolChoice("named", Objects.requireNonNull(toolName, "toolName"));
  }
}
