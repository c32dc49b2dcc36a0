package dev.tasktree.llm;

import dev.tasktree.trace.Attributes;

/**
 * Span attribute names of LLM spans: the {@code gen_ai.*} names come from {@link Attributes} (their
 * one definition, shared with the UI); {@code tasktree.llm.*} names are the LLM module's own.
 */
final class GenAi {
  static final String OPERATION = Attributes.OPERATION;
  static final String PROVIDER = Attributes.PROVIDER;
  static final String TEMPERATURE = Attributes.TEMPERATURE;
  static final String TOP_P = Attributes.TOP_P;
  static final String MAX_TOKENS = Attributes.MAX_TOKENS;
  static final String SEED = Attributes.SEED;
  static final String STOP = Attributes.STOP_SEQUENCES;
  static final String INPUT_MESSAGES = Attributes.INPUT_MESSAGES;
  static final String OUTPUT_MESSAGES = Attributes.OUTPUT_MESSAGES;
  static final String TOOL_DEFINITIONS = Attributes.TOOL_DEFINITIONS;
  static final String FINISH_REASONS = Attributes.FINISH_REASONS;
  static final String OUTPUT_TYPE = Attributes.OUTPUT_TYPE;
  static final String TOOL_NAME = Attributes.TOOL_NAME;
  static final String TOOL_CALL_ID = Attributes.TOOL_CALL_ID;
  static final String TOOL_ARGUMENTS = Attributes.TOOL_CALL_ARGUMENTS;
  static final String TOOL_RESULT = Attributes.TOOL_CALL_RESULT;
  static final String ERROR_TYPE = Attributes.ERROR_TYPE;

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
