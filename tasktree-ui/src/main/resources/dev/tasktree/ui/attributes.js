// Generated from dev.tasktree.trace.Attributes (tasktree-core): do not edit.
// Regenerate: ./mvnw -o -pl tasktree-trace-server -am verify -Dtest=AttributesModuleTest -Dsurefire.failIfNoSpecifiedTests=false -Dtasktree.regenerate=true

export const ABANDONED = 'tasktree.abandoned';
export const APPROVAL_COMMENT = 'tasktree.approval.comment';
export const APPROVAL_DECIDED_BY = 'tasktree.approval.decided_by';
export const APPROVAL_EDITED = 'tasktree.approval.edited';
export const APPROVAL_KEY = 'tasktree.approval.key';
export const APPROVAL_OUTCOME = 'tasktree.approval.outcome';
export const APPROVAL_PROPOSAL = 'tasktree.approval.proposal';
export const ATTEMPT = 'tasktree.attempt';
export const CANCEL_REASON = 'tasktree.cancel_reason';
export const COST_USD = 'tasktree.cost_usd';
export const ERROR_TYPE = 'error.type';
export const FINISH_REASONS = 'gen_ai.response.finish_reasons';
export const INDEX = 'tasktree.index';
export const INPUT_MESSAGES = 'gen_ai.input.messages';
export const INPUT_TOKENS = 'gen_ai.usage.input_tokens';
export const MAX_TOKENS = 'gen_ai.request.max_tokens';
export const OPERATION = 'gen_ai.operation.name';
export const OUTPUT_MESSAGES = 'gen_ai.output.messages';
export const OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';
export const OUTPUT_TYPE = 'gen_ai.output.type';
export const PROVIDER = 'gen_ai.provider.name';
export const REPLAYED = 'tasktree.replayed';
export const REQUEST_MODEL = 'gen_ai.request.model';
export const RESPONSE_MODEL = 'gen_ai.response.model';
export const RESUMED_FROM = 'tasktree.resumed_from';
export const RUN_ID = 'tasktree.run_id';
export const SEED = 'gen_ai.request.seed';
export const STOP_SEQUENCES = 'gen_ai.request.stop_sequences';
export const TEMPERATURE = 'gen_ai.request.temperature';
export const TOOL_CALL_ARGUMENTS = 'gen_ai.tool.call.arguments';
export const TOOL_CALL_ID = 'gen_ai.tool.call.id';
export const TOOL_CALL_RESULT = 'gen_ai.tool.call.result';
export const TOOL_DEFINITIONS = 'gen_ai.tool.definitions';
export const TOOL_NAME = 'gen_ai.tool.name';
export const TOP_P = 'gen_ai.request.top_p';
