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
 * @param parts the parts of a multi-part user message (text and images); empty otherwise
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Message(
    String role,
    String content,
    List<ToolCall> toolCalls,
    String toolCallId,
    List<ContentPart> parts) {

  /** A message without parts. */
  public Message(String role, String content, List<ToolCall> toolCalls, String toolCallId) {
    this(role, content, toolCalls, toolCallId, List.of());
  }

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
    parts = parts == null ? List.of() : List.copyOf(parts);
    if (!parts.isEmpty() && !USER.equals(role)) {
      throw new IllegalArgumentException("only user messages have parts");
    }
    switch (role) {
      case SYSTEM -> Objects.requireNonNull(content, role + " message needs content");
      case USER -> {
        if (content == null && parts.isEmpty()) {
          throw new NullPointerException("user message needs content or parts");
        }
      }
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

  /**
   * A multi-part user turn: text and images ({@link ContentPart#image}, {@link
   * ContentPart#imageUrl}).
   *
   * @throws IllegalArgumentException when there are no parts
   */
  public static Message user(ContentPart... parts) {
    if (parts.length == 0) {
      throw new IllegalArgumentException("a multi-part message needs at least one part");
    }
    return new Message(USER, null, List.of(), null, List.of(parts));
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
