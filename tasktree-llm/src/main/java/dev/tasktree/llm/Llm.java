package dev.tasktree.llm;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Creates {@link LlmNode}s — the entry point of this module.
 *
 * <pre>{@code
 * Tree<Chat> answer = Tree.<Chat>named("Answer")
 *     .sequence()
 *         .selector()
 *             .timeout(Duration.ofSeconds(20)).node(Llm.chat(gpt, Chat::messages))
 *             .timeout(Duration.ofSeconds(20)).node(Llm.chat(claude, Chat::messages))
 *         .end()
 *         .writeBlackboard(LlmReply.text(Chat::setAnswer))
 *     .end()
 *     .build();
 * }</pre>
 */
public final class Llm {

  private Llm() {}

  /** A chat call on {@code model} with the messages computed from the blackboard. */
  public static <B> LlmNode<B> chat(LlmModel model, Function<B, List<Message>> messages) {
    Objects.requireNonNull(model, "model");
    return new LlmNode<>(model.name(), b -> model, messages);
  }

  /**
   * A chat call whose model is chosen per run from the blackboard (e.g. a bigger model for long
   * inputs). The span is named {@code Llm} unless {@linkplain LlmNode#named renamed}.
   */
  public static <B> LlmNode<B> chat(
      Function<B, LlmModel> model, Function<B, List<Message>> messages) {
    return new LlmNode<>("Llm", model, messages);
  }

  /**
   * A system prompt plus a user message template whose {@code {{name}}} placeholders are filled
   * from the blackboard (a Map key, a record component, a getter or a field; dotted paths like
   * {@code {{order.id}}} walk nested values).
   *
   * <pre>{@code
   * Llm.prompt(gpt, "You summarise support tickets.", "Summarise: {{ticket.body}}")
   * }</pre>
   */
  public static <B> LlmNode<B> prompt(LlmModel model, String system, String userTemplate) {
    PromptTemplate template = new PromptTemplate(Objects.requireNonNull(userTemplate));
    return prompt(model, system, template::render);
  }

  /** A system prompt plus a user message computed from the blackboard. */
  public static <B> LlmNode<B> prompt(
      LlmModel model, String system, Function<? super B, String> user) {
    Objects.requireNonNull(user, "user");
    return chat(
        model,
        (B b) ->
            system == null || system.isEmpty()
                ? List.of(Message.user(user.apply(b)))
                : List.of(Message.system(system), Message.user(user.apply(b))));
  }
}
