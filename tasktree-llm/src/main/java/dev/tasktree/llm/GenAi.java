package dev.tasktree.llm;

/**
 * Span attribute names of LLM spans beyond {@link dev.tasktree.trace.Attributes}: OpenTelemetry
 * GenAI names where one exists, {@code tasktree.llm.*} otherwise.
 */
final class GenAi {
  static final String OPERATION = "gen_ai.operation.name";
  static final String PROVIDER = "gen_ai.provider.name";
  static final String TEMPERATURE = "gen_ai.request.temperature";
  static final String TOP_P = "gen_ai.request.top_p";
  static final String MAX_TOKENS = "gen_ai.request.max_tokens";
  static final String SEED = "gen_ai.request.seed";
  static final String STOP = "gen_ai.request.stop_sequences";
  static final String INPUT_MESSAGES = "gen_ai.input.messages";
  static final String OUTPUT_MESSAGES = "gen_ai.output.messages";
  static final String TOOL_DEFINITIONS = "gen_ai.tool.definitions";
  static final String FINISH_REASONS = "gen_ai.response.finish_reasons";
  static final String OUTPUT_TYPE = "gen_ai.output.type";
  static final String TOOL_NAME = "gen_ai.tool.name";
  static final String TOOL_CALL_ID = "gen_ai.tool.call.id";
  static final String TOOL_ARGUMENTS = "gen_ai.tool.call.arguments";
  static final String TOOL_RESULT = "gen_ai.tool.call.result";
  static final String ERROR_TYPE = "error.type";

  static final String PARAMS = "tasktree.llm.params";
  static final String BASE_URL = "tasktree.llm.base_url";
  static final String STREAM = "tasktree.llm.stream";
  static final String RESPONSE_SCHEMA = "tasktree.llm.response_schema";
  static final String CACHED_INPUT_TOKENS = "tasktree.llm.cached_input_tokens";
  static final String REASONING_TOKENS = "tasktree.llm.reasoning_tokens";
  static final String LATENCY_MS = "tasktree.llm.latency_ms";
  static final String TTFT_MS = "tasktree.llm.time_to_first_token_ms";
  static final String ITERATIONS = "tasktree.llm.iterations";
  static final String CALLS = "tasktree.llm.calls";
  static final String HTTP_STATUS = "tasktree.llm.http_status";
  static final String PARTIAL_TEXT = "tasktree.llm.partial_text";
  static final String REASONING = "tasktree.llm.reasoning";
  static final String TOOL_CHOICE = "tasktree.llm.tool_choice";
  static final String CHOICE_COUNT = "gen_ai.request.choice.count";

  private GenAi() {}
}
