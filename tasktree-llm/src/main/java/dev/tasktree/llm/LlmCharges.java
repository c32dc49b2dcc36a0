package dev.tasktree.llm;

import dev.tasktree.spi.Charges;
import dev.tasktree.spi.NodeContext;
import dev.tasktree.store.Spend;
import java.util.List;

/**
 * How an LLM call meets the budgets and token limits around it (see {@link Charges}): before
 * sending, it reserves an estimate — the prompt at about four characters a token, plus {@code
 * max_tokens} of output ({@value #OUTPUT_ESTIMATE_WITHOUT_MAX_TOKENS} when {@code max_tokens} is
 * not set), priced with the model's {@link Prices} — and after the answer it is charged the real
 * usage and cost. A call that does not fit fails before anything is sent.
 */
final class LlmCharges {

  /** The output estimate of a call without {@code max_tokens}. */
  static final int OUTPUT_ESTIMATE_WITHOUT_MAX_TOKENS = 1024;

  private LlmCharges() {}

  /**
   * Reserves the estimate of one model call.
   *
   * @throws dev.tasktree.RejectedException when a budget or token limit refuses it
   */
  static Charges.Charge reserve(
      NodeContext ctx, LlmModel model, LlmParams params, List<Message> conversation) {
    long chars = 0;
    for (Message message : conversation) {
      chars += message.content() == null ? 0 : message.content().length();
      chars += 16; // role and framing
    }
    long input = Math.max(1, (chars + 3) / 4);
    long output =
        params.maxTokens() != null ? params.maxTokens() : OUTPUT_ESTIMATE_WITHOUT_MAX_TOKENS;
    return Charges.reserve(ctx, spend(model, new Usage(input, 0, output, 0)));
  }

  /** What a call that used {@code usage} spends. */
  static Spend spend(LlmModel model, Usage usage) {
    long micros = Math.round(model.prices().cost(usage) * 1_000_000);
    return new Spend(usage.inputTokens(), usage.outputTokens(), micros, 1);
  }
}
