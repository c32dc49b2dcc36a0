package dev.tasktree.trace;

/**
 * Well-known span attribute names: the one definition of every {@code gen_ai.*} name TaskTree
 * writes (OpenTelemetry GenAI semantic conventions) and of the core {@code tasktree.*} names. The
 * LLM module uses these constants; the web UI imports the same names from {@code
 * dev/tasktree/ui/attributes.js}, which is generated from this class (a trace-server test checks
 * that it is current). The trace summary adds up tokens and cost from these attributes on every
 * span.
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

  /** The GenAI operation, e.g. {@code chat}. */
  public static final String OPERATION = "gen_ai.operation.name";

  /** The GenAI provider, e.g. {@code openai}. */
  public static final String PROVIDER = "gen_ai.provider.name";

  /** The requested temperature. */
  public static final String TEMPERATURE = "gen_ai.request.temperature";

  /** The requested top_p. */
  public static final String TOP_P = "gen_ai.request.top_p";

  /** The requested maximum of output tokens. */
  public static final String MAX_TOKENS = "gen_ai.request.max_tokens";

  /** The requested seed. */
  public static final String SEED = "gen_ai.request.seed";

  /** The requested stop sequences. */
  public static final String STOP_SEQUENCES = "gen_ai.request.stop_sequences";

  /** The messages sent to the model (opt-in content). */
  public static final String INPUT_MESSAGES = "gen_ai.input.messages";

  /** The messages the model answered with (opt-in content). */
  public static final String OUTPUT_MESSAGES = "gen_ai.output.messages";

  /** The tools offered to the model. */
  public static final String TOOL_DEFINITIONS = "gen_ai.tool.definitions";

  /** Why the model stopped, per choice. */
  public static final String FINISH_REASONS = "gen_ai.response.finish_reasons";

  /** The requested output type, e.g. {@code json}. */
  public static final String OUTPUT_TYPE = "gen_ai.output.type";

  /** A tool call's tool name. */
  public static final String TOOL_NAME = "gen_ai.tool.name";

  /** A tool call's id. */
  public static final String TOOL_CALL_ID = "gen_ai.tool.call.id";

  /** A tool call's arguments. */
  public static final String TOOL_CALL_ARGUMENTS = "gen_ai.tool.call.arguments";

  /** A tool call's result. */
  public static final String TOOL_CALL_RESULT = "gen_ai.tool.call.result";

  /** The class of error that ended an operation (OpenTelemetry {@code error.type}). */
  public static final String ERROR_TYPE = "error.type";

  /** Cost of the call in US dollars, a number. */
  public static final String COST_USD = "tasktree.cost_usd";

  /** On a span whose checkpoint a resumed run returned from its journal instead of running it. */
  public static final String REPLAYED = "tasktree.replayed";

  /** On a journaled run's trace: the run id its journal is kept under. */
  public static final String RUN_ID = "tasktree.run_id";

  /** On a resumed run's trace: the run id (and first trace id) of the run it continues. */
  public static final String RESUMED_FROM = "tasktree.resumed_from";

  /** Attempt index (0-based) of a Retry attempt or While iteration. */
  public static final String ATTEMPT = "tasktree.attempt";

  /** Item index (0-based) of a Gather item. */
  public static final String INDEX = "tasktree.index";

  /** True on a span whose work ignored interruption and was left behind by a cancelling node. */
  public static final String ABANDONED = "tasktree.abandoned";

  /** Why a span was cancelled (deadline, termination signal, race lost, ...). */
  public static final String CANCEL_REASON = "tasktree.cancel_reason";

  /** The key an Approval waits for a decision under (the UI posts decisions to it). */
  public static final String APPROVAL_KEY = "tasktree.approval.key";

  /** What an Approval puts up for approval (JSON), so the UI can show it. */
  public static final String APPROVAL_PROPOSAL = "tasktree.approval.proposal";

  /** How an Approval ended: approved, rejected, timed_out or suspended. */
  public static final String APPROVAL_OUTCOME = "tasktree.approval.outcome";

  /** The decider's comment on an Approval's decision. */
  public static final String APPROVAL_COMMENT = "tasktree.approval.comment";

  /** Who decided an Approval (free text from the decision). */
  public static final String APPROVAL_DECIDED_BY = "tasktree.approval.decided_by";

  /** True when an Approval's decision replaced the proposal with an edited value. */
  public static final String APPROVAL_EDITED = "tasktree.approval.edited";

  private Attributes() {}
}
