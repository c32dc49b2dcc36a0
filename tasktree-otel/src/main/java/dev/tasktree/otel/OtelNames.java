package dev.tasktree.otel;

import dev.tasktree.trace.Attributes;

/**
 * Attribute names this module writes that neither core nor tasktree-llm define: the OpenTelemetry
 * GenAI semantic-convention names that TaskTree's own {@code tasktree.llm.*} attributes map to, and
 * the {@code tasktree.*} names of span identity. The full mapping table is in {@code docs/otel.md}.
 */
public final class OtelNames {

  /** Recorded on a TaskTree trace's first event: the W3C trace id (32 hex digits) of its run. */
  public static final String TRACE_ID = "tasktree.otel.trace_id";

  /** Recorded beside {@link #TRACE_ID}: the W3C span id of the run's root span. */
  public static final String SPAN_ID = "tasktree.otel.span_id";

  /** Recorded beside {@link #TRACE_ID} when a URL template is set and the trace is sampled. */
  public static final String TRACE_URL = "tasktree.otel.trace_url";

  /** The TaskTree node kind of a span (Sequence, Retry, LLM, Tool, ...). */
  public static final String NODE_KIND = "tasktree.node.kind";

  /** The TaskTree node name of a span (the span name, unless a GenAI name replaced it). */
  public static final String NODE_NAME = "tasktree.node.name";

  /** The node's path from the tree root. */
  public static final String NODE_PATH = "tasktree.node.path";

  /** The TaskTree status: OK, FAIL, CANCELLED, WAITING (or RUNNING for a span left open). */
  public static final String STATUS = "tasktree.status";

  /** The TaskTree trace id, on the root span, to find the JSON Lines trace of an OTel trace. */
  public static final String TASKTREE_TRACE_ID = "tasktree.trace_id";

  /** The TaskTree span id within its trace. */
  public static final String TASKTREE_SPAN_ID = "tasktree.span_id";

  /** A node's result data as JSON; exported only with content capture on (it is user data). */
  public static final String DATA = "tasktree.data";

  // GenAI semantic-convention names (gen_ai registry, development stability).
  static final String GEN_AI_OPERATION = Attributes.OPERATION;
  static final String GEN_AI_PROVIDER = Attributes.PROVIDER;
  static final String GEN_AI_CACHE_READ_TOKENS = "gen_ai.usage.cache_read.input_tokens";
  static final String GEN_AI_REASONING_TOKENS = "gen_ai.usage.reasoning.output_tokens";
  static final String GEN_AI_STREAM = "gen_ai.request.stream";
  static final String GEN_AI_TIME_TO_FIRST_CHUNK = "gen_ai.response.time_to_first_chunk";
  static final String GEN_AI_TOOL_NAME = Attributes.TOOL_NAME;
  static final String GEN_AI_TOKEN_TYPE = "gen_ai.token.type";
  static final String ERROR_TYPE = "error.type";
  static final String SERVER_ADDRESS = "server.address";
  static final String SERVER_PORT = "server.port";
  static final String HTTP_STATUS_CODE = "http.response.status_code";

  private OtelNames() {}
}
