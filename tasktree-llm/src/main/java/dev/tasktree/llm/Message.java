package dev.tasktree.llm;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;

/**
 * One chat message: a system instruction, a user turn, an assistant turn (text and/or tool calls)
 * or a tool result. Build them with the factories:
 *
 * <pre>{@code
 * List.of(Message.system("Answer briefly."), Message.user("What is a behavior tree?"))
 * }</pre>
 *
 * @param role {@code system}, {@code user}, {@code assistant} or {@code tool}
 * @param content the text; null for an assistant turn that only calls tools
 * @param toolCalls the tool calls of an assistant turn (empty otherwise)
 * @param toolCallId the call a {@code tool} message answers (null otherwise)
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Message(String role, String content, List<ToolCall> toolCalls, String toolCallId) {

  /** The role of a system instruction. */
  public static final String SYSTEM = "system";

  /** The role of a user turn. */
  public static final String USER = "user";

  /** The role of a model turn. */
  public static final String ASSISTANT = "assistant";

  /** The role of a tool result. */
  public static final String TOOL = "tool";

  /** Validates the message. */
  public Message {
    Objects.requireNonNull(role, "role");
    toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    switch (role) {
      case SYSTEM, USER -> Objects.requireNonNull(content, role + " message needs content");
      case TOOL -> {
        Objects.requireNonNull(toolCallId, "tool message needs a toolCallId");
        Objects.requireNonNull(content, "tool message needs content");
      }
      case ASSISTANT -> {
        if (content == null && toolCalls.isEmpty()) {
          throw new IllegalArgumentException("assistant message needs content or tool calls");
        }
      }
      default ->
          throw new IllegalArgumentException(
              "role must be system, user, assistant or tool, got '" + role + "'");
    }
  }

  /** A system instruction. */
  public static Message system(String content) {
    return new Message(SYSTEM, content, List.of(), null);
  }

  /** A user turn. */
  public static Message user(String content) {
    return new Message(USER, content, List.of(), null);
  }

  /** An assistant turn with text. */
  public static Message assistant(String content) {
    return new Message(ASSISTANT, content, List.of(), null);
  }

  /** An assistant turn that calls tools (with optional text). */
  public static Message assistant(String content, List<ToolCall> toolCalls) {
    return new Message(ASSISTANT, content, toolCalls, null);
  }

  /** The result of tool call {@code toolCallId}. */
  public static Message tool(String toolCallId, String content) {
    return new Message(TOOL, content, List.of(), toolCallId);
  }
}
