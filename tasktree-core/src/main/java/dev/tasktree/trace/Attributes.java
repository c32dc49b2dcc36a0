package dev.tasktree.trace;

/**
 * Well-known span attribute names. LLM spans use the OpenTelemetry GenAI names where one exists;
 * the trace summary adds up tokens and cost from these attributes on every span.
 */
public final class Attributes {
  /** The model named in the request. */
  public static final String REQUEST_MODEL = "gen_ai.request.model";

  /** The model the provider reports it actually used. */
  public static final String RESPONSE_MODEL = "gen_ai.response.model";

  /** Input (prompt) tokens, an integer. */
  public static final String INPUT_TOKENS = "gen_ai.usage.input_tokens";

  /** Output (completion) tokens, an integer. */
  public static final String OUTPUT_TOKENS = "gen_ai.usage.output_tokens";

  /** Cost of the call in US dollars, a number. */
  public static final String COST_USD = "tasktree.cost_usd";

  /** Attempt index (0-based) of a Retry attempt or While iteration. */
  public static final String ATTEMPT = "tasktree.attempt";

  /** Item index (0-based) of a Gather item. */
  public static final String INDEX = "tasktree.index";

  /** True on a span whose work ignored interruption and was left behind by a cancelling node. */
  public static final String ABANDONED = "tasktree.abandoned";

  /** Why a span was cancelled (deadline, termination signal, race lost, ...). */
  public static final String CANCEL_REASON = "tasktree.cancel_reason";

  private Attributes() {}
}
