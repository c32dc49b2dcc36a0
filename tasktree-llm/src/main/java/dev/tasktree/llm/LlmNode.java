package dev.tasktree.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.tasktree.Result;
import dev.tasktree.spi.LenientJson;
import dev.tasktree.spi.Node;
import dev.tasktree.spi.NodeContext;
import dev.tasktree.trace.Attributes;
import dev.tasktree.trace.LogLevel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The LLM node: one chat completion on an OpenAI-compatible endpoint through openai-java — with a
 * tool loop, streaming and structured output when asked. Create it with {@link Llm}; configure it
 * with the methods below, each returning a new node (nodes are immutable and thread-safe: one
 * instance may run in many runs at once).
 *
 * <pre>{@code
 * Llm.chat(gpt, Chat::messages)
 *     .temperature(0.2)
 *     .tools(new WeatherTools())
 *     .stream(event -> System.out.print(event.delta()))
 * }</pre>
 *
 * <p><b>Result.</b> {@code OK(}{@link LlmReply}{@code )} with the final text, the parsed value
 * ({@link #outputAs}), the appended messages, tool executions, usage and cost. {@code FAIL(}{@link
 * LlmError}{@code )} with a category (rate_limited, server_error, timeout, auth, bad_request,
 * context_length, io, output_parse, max_iterations), the HTTP status and a message — so a Selector
 * falls through to the next model and a Retry can retry only what is retryable.
 *
 * <p><b>Tool loop.</b> When the model asks for tools, the node runs them — several calls of one
 * turn concurrently on virtual threads, each in its own child span of kind {@code Tool} — appends
 * the results and calls the model again, up to {@link #maxIterations} model calls (default 10). An
 * unknown tool, arguments that are not JSON or do not fit the schema, and a tool that throws are
 * reported to the model as an error message; they do not fail the node.
 *
 * <p><b>Cancellation.</b> When a Timeout, Terminable or Race cancels the node, the HTTP request —
 * streaming or not — is aborted: the call runs on a virtual thread (the node's own, or a fresh one
 * when the node runs on a platform thread), the node's cancel hook interrupts it, and an
 * interrupted virtual thread closes its socket — the server sees the connection close.
 *
 * <p><b>Trace.</b> The node's span carries the request (model, parameters, messages, tool
 * definitions), the response (output messages, finish reason), usage, cost, latency and time to
 * first token under OpenTelemetry GenAI names ({@code gen_ai.request.model}, {@code
 * gen_ai.usage.input_tokens}, ...). The API key never reaches a trace.
 *
 * @param <B> the blackboard type
 */
public final class LlmNode<B> implements Node<B> {

  private static final int DEFAULT_MAX_ITERATIONS = 10;

  private final String name;
  private final Function<B, LlmModel> model;
  private final Function<B, List<Message>> messages;
  private final LlmParams params;
  private final List<ToolSpec<B>> tools;
  private final Map<String, ToolSpec<B>> toolsByName;
  private final int maxIterations;
  private final boolean stream;
  private final StreamListener listener;
  private final Class<?> outputType;
  private final ChatRequests.OutputFormat outputFormat;

  LlmNode(String name, Function<B, LlmModel> model, Function<B, List<Message>> messages) {
    this(new Settings<>(name, model, messages));
  }

  private LlmNode(Settings<B> s) {
    this.name = Objects.requireNonNull(s.name, "name");
    this.model = Objects.requireNonNull(s.model, "model");
    this.messages = Objects.requireNonNull(s.messages, "messages");
    this.params = s.params;
    this.tools = List.copyOf(s.tools);
    Map<String, ToolSpec<B>> byName = new LinkedHashMap<>();
    for (ToolSpec<B> tool : tools) {
      if (byName.put(tool.name(), tool) != null) {
        throw new IllegalArgumentException("two tools are named '" + tool.name() + "'");
      }
    }
    this.toolsByName = Map.copyOf(byName);
    this.maxIterations = s.maxIterations;
    this.stream = s.stream;
    this.listener = s.listener;
    this.outputType = s.outputType;
    this.outputFormat = s.outputFormat;
  }

  /** A node's settings while one is being derived from another; never shared. */
  private static final class Settings<B> {
    String name;
    Function<B, LlmModel> model;
    Function<B, List<Message>> messages;
    LlmParams params = LlmParams.defaults();
    List<ToolSpec<B>> tools = List.of();
    int maxIterations = DEFAULT_MAX_ITERATIONS;
    boolean stream;
    StreamListener listener;
    Class<?> outputType;
    ChatRequests.OutputFormat outputFormat;

    Settings(String name, Function<B, LlmModel> model, Function<B, List<Message>> messages) {
      this.name = name;
      this.model = model;
      this.messages = messages;
    }

    Settings(LlmNode<B> node) {
      this(node.name, node.model, node.messages);
      params = node.params;
      tools = node.tools;
      maxIterations = node.maxIterations;
      stream = node.stream;
      listener = node.listener;
      outputType = node.outputType;
      outputFormat = node.outputFormat;
    }
  }

  /** A copy of this node with {@code change} applied to its settings. */
  private LlmNode<B> with(Consumer<Settings<B>> change) {
    Settings<B> settings = new Settings<>(this);
    change.accept(settings);
    return new LlmNode<>(settings);
  }

  // ---- configuration (each returns a new node) ----

  /** This node with another span name. */
  public LlmNode<B> named(String name) {
    return with(s -> s.name = name);
  }

  /** This node with node-level parameters (merged over the provider's and the model's). */
  public LlmNode<B> params(LlmParams params) {
    LlmParams merged = this.params.merge(Objects.requireNonNull(params, "params"));
    return with(s -> s.params = merged);
  }

  /** This node with a temperature. */
  public LlmNode<B> temperature(double temperature) {
    return params(LlmParams.defaults().temperature(temperature));
  }

  /** This node with an output token limit. */
  public LlmNode<B> maxTokens(int maxTokens) {
    return params(LlmParams.defaults().maxTokens(maxTokens));
  }

  /** This node with the {@link Tool}-annotated methods of {@code objects} as tools. */
  public LlmNode<B> tools(Object... objects) {
    List<ToolSpec<B>> all = new ArrayList<>(tools);
    for (Object o : objects) {
      all.addAll(ToolSpec.<B>fromObject(o));
    }
    return withTools(all);
  }

  /** This node with one more explicit tool. */
  public LlmNode<B> tool(ToolSpec<B> tool) {
    List<ToolSpec<B>> all = new ArrayList<>(tools);
    all.add(Objects.requireNonNull(tool, "tool"));
    return withTools(all);
  }

  private LlmNode<B> withTools(List<ToolSpec<B>> all) {
    return with(s -> s.tools = all);
  }

  /** This node with at most {@code maxIterations} model calls in its tool loop (default 10). */
  public LlmNode<B> maxIterations(int maxIterations) {
    if (maxIterations < 1) {
      throw new IllegalArgumentException("maxIterations must be at least 1, got " + maxIterations);
    }
    return with(s -> s.maxIterations = maxIterations);
  }

  /**
   * This node, streaming: deltas go to {@code listener} as they arrive, the usage is requested with
   * the stream ({@code stream_options.include_usage}), time to first token is recorded.
   */
  public LlmNode<B> stream(StreamListener listener) {
    Objects.requireNonNull(listener, "listener");
    return with(
        s -> {
          s.stream = true;
          s.listener = listener;
        });
  }

  /** This node, streaming without a listener (for the time-to-first-token measurement). */
  public LlmNode<B> stream() {
    return with(
        s -> {
          s.stream = true;
          s.listener = null;
        });
  }

  /**
   * This node, asking for JSON output that fits {@code type} (a record, typically): {@code
   * response_format: json_schema} where the model {@linkplain LlmModel#jsonSchemaOutput() supports
   * it}, a schema instruction otherwise. The reply is parsed into {@link LlmReply#parsed()}; a
   * reply that does not fit fails the node with category output_parse.
   */
  public LlmNode<B> outputAs(Class<?> type) {
    JsonSchemas.Generated schema = JsonSchemas.of(type);
    String schemaName = type.getSimpleName().replaceAll("[^a-zA-Z0-9_-]", "_");
    ChatRequests.OutputFormat format =
        new ChatRequests.OutputFormat(schemaName, schema.schema(), schema.strict());
    return with(
        s -> {
          s.outputType = type;
          s.outputFormat = format;
        });
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String kind() {
    return "Llm";
  }

  // ---- execution ----

  @Override
  public Result execute(B blackboard, NodeContext ctx) throws Exception {
    LlmModel m = model.apply(blackboard);
    if (m == null) {
      throw new IllegalArgumentException("the model function returned null");
    }
    List<Message> input = messages.apply(blackboard);
    if (input == null || input.isEmpty()) {
      throw new IllegalArgumentException("the messages function returned no messages");
    }
    LlmParams p = m.effectiveParams(params);
    List<Message> conversation = new ArrayList<>(input);
    ChatRequests.OutputFormat format = null;
    if (outputFormat != null) {
      if (m.jsonSchemaOutput()) {
        format = outputFormat;
      } else {
        conversation.add(Message.system(schemaInstruction()));
      }
    }
    recordRequest(ctx, m, p, conversation);

    Run run = new Run(m);
    ModelTurn turn;
    try {
      while (true) {
        run.iteration++;
        ChatCompletionCreateParams request =
            ChatRequests.build(m.name(), p, conversation, tools, format, stream);
        turn = call(m, request, ctx);
        run.add(turn);
        Message assistant = turn.message();
        conversation.add(assistant);
        run.appended.add(assistant);
        if (turn.toolCalls().isEmpty()) {
          break;
        }
        if (run.iteration >= maxIterations) {
          return fail(
              ctx,
              run,
              new LlmError(
                  LlmError.Category.MAX_ITERATIONS,
                  0,
                  "no final answer after "
                      + maxIterations
                      + " model calls: the model still asks for tools (maxIterations = "
                      + maxIterations
                      + ")",
                  m.name(),
                  null));
        }
        for (ToolExecution done : runTools(turn.toolCalls(), blackboard, ctx, run.iteration)) {
          run.executions.add(done);
          Message result = Message.tool(done.call().id(), done.result());
          conversation.add(result);
          run.appended.add(result);
        }
      }
    } catch (LlmCallException e) {
      return fail(ctx, run, e.error);
    }

    Object parsed = null;
    if (outputType != null) {
      try {
        parsed = parseOutput(turn.text());
      } catch (OutputMismatchException e) {
        return fail(
            ctx,
            run,
            new LlmError(LlmError.Category.OUTPUT_PARSE, 0, e.getMessage(), m.name(), null));
      }
    }
    LlmReply reply =
        new LlmReply(
            turn.text() == null ? "" : turn.text(),
            parsed,
            run.appended,
            run.executions,
            turn.finishReason(),
            run.usage,
            m.prices().cost(run.usage),
            turn.model(),
            run.iteration,
            turn.timeToFirstToken());
    recordOutcome(ctx, run);
    ctx.attribute(Attributes.RESPONSE_MODEL, turn.model());
    ctx.attribute(GenAi.FINISH_REASONS, List.of(String.valueOf(turn.finishReason())));
    if (turn.timeToFirstToken() != null) {
      ctx.attribute(GenAi.TTFT_MS, millis(turn.timeToFirstToken()));
    }
    return Result.ok(reply);
  }

  /** The state of one execution: model calls, usage, appended messages, tool executions. */
  private static final class Run {
    final LlmModel model;
    final long started = System.nanoTime();
    final List<Message> appended = new ArrayList<>();
    final List<ToolExecution> executions = new ArrayList<>();
    final List<Map<String, Object>> calls = new ArrayList<>();
    Usage usage = Usage.ZERO;
    int iteration;

    Run(LlmModel model) {
      this.model = model;
    }

    void add(ModelTurn turn) {
      usage = usage.plus(turn.usage());
      Map<String, Object> call = new LinkedHashMap<>();
      call.put("iteration", iteration);
      call.put("model", turn.model());
      call.put("finish_reason", turn.finishReason());
      call.put("usage", turn.usage());
      call.put("latency_ms", millis(turn.latency()));
      if (turn.timeToFirstToken() != null) {
        call.put("time_to_first_token_ms", millis(turn.timeToFirstToken()));
      }
      if (!turn.toolCalls().isEmpty()) {
        call.put("tool_calls", turn.toolCalls());
      }
      calls.add(call);
    }
  }

  private Result fail(NodeContext ctx, Run run, LlmError error) {
    recordOutcome(ctx, run);
    ctx.attribute(GenAi.ERROR_TYPE, error.category().wireName());
    if (error.status() > 0) {
      ctx.attribute(GenAi.HTTP_STATUS, error.status());
    }
    ctx.log(LogLevel.WARN, error.toString());
    return Result.fail(error);
  }

  // ---- one model call ----

  /**
   * Runs one HTTP exchange so that cancelling aborts it. Interrupting a virtual thread blocked on a
   * socket closes that socket, so on a virtual thread (every child of Timeout, Race, Parallel,
   * Terminable, and runs started with {@code Tree.start}) the call runs inline and the cancel hook
   * interrupts it; on a platform thread it runs on a fresh virtual thread that the hook — or an
   * interruption of the caller — interrupts.
   */
  @SuppressWarnings("try") // the cancel hook is held open for the duration of the call
  private ModelTurn call(LlmModel m, ChatCompletionCreateParams request, NodeContext ctx)
      throws LlmCallException, InterruptedException {
    OpenAIClient client = m.provider().sdkClient();
    StreamAccumulator acc = stream ? new StreamAccumulator() : null;
    long start = System.nanoTime();
    FutureTask<ModelTurn> task =
        new FutureTask<>(
            () ->
                stream
                    ? streamed(client, request, m.name(), acc, start, ctx)
                    : ModelTurn.of(
                        client.chat().completions().create(request), m.name(), since(start)));
    boolean inline = Thread.currentThread().isVirtual();
    Thread worker =
        inline
            ? Thread.currentThread()
            : Thread.ofVirtual().name("tasktree-llm-call").unstarted(task);
    try (NodeContext.Registration hook = ctx.onCancel(worker::interrupt)) {
      if (inline) {
        task.run();
      } else {
        worker.start();
      }
      ModelTurn turn = task.get();
      if (stream) {
        notify(ctx, new StreamEvent(acc.text(), "", true, turn.finishReason(), null));
      }
      return turn;
    } catch (InterruptedException e) {
      worker.interrupt();
      if (stream) {
        notify(
            ctx,
            new StreamEvent(acc.snapshot(), "", true, null, ErrorMapping.map(e, m.name(), true)));
      }
      throw e;
    } catch (ExecutionException e) {
      LlmError error = ErrorMapping.map(e.getCause(), m.name(), ctx.cancelled());
      if (stream) {
        notify(ctx, new StreamEvent(acc.snapshot(), "", true, null, error));
      }
      throw new LlmCallException(error);
    }
  }

  private ModelTurn streamed(
      OpenAIClient client,
      ChatCompletionCreateParams request,
      String modelName,
      StreamAccumulator acc,
      long start,
      NodeContext ctx) {
    Duration firstToken = null;
    try (StreamResponse<ChatCompletionChunk> response =
        client.chat().completions().createStreaming(request)) {
      Iterator<ChatCompletionChunk> chunks = response.stream().iterator();
      while (chunks.hasNext()) {
        String delta = acc.add(chunks.next());
        if (firstToken == null && (delta == null || !delta.isEmpty())) {
          firstToken = since(start);
        }
        if (delta != null && !delta.isEmpty()) {
          notify(ctx, new StreamEvent(acc.snapshot(), delta, false, null, null));
        }
      }
    }
    return acc.finish(modelName, since(start), firstToken);
  }

  private void notify(NodeContext ctx, StreamEvent event) {
    if (listener == null) {
      return;
    }
    try {
      listener.onEvent(event);
    } catch (RuntimeException e) {
      ctx.log(LogLevel.WARN, "stream listener threw " + e);
    }
  }

  // ---- tools ----

  @SuppressWarnings("try") // the cancel hook is held open while the tools run
  private List<ToolExecution> runTools(
      List<ToolCall> calls, B blackboard, NodeContext ctx, int iteration) throws Exception {
    if (calls.size() == 1) {
      return List.of(runTool(calls.get(0), blackboard, ctx, iteration));
    }
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        NodeContext.Registration hook = ctx.onCancel(pool::shutdownNow)) {
      List<Future<ToolExecution>> futures = new ArrayList<>(calls.size());
      for (ToolCall call : calls) {
        futures.add(pool.submit(() -> runTool(call, blackboard, ctx, iteration)));
      }
      List<ToolExecution> done = new ArrayList<>(calls.size());
      try {
        for (Future<ToolExecution> future : futures) {
          done.add(future.get());
        }
      } catch (InterruptedException e) {
        pool.shutdownNow();
        throw e;
      } catch (ExecutionException e) {
        pool.shutdownNow();
        throw e.getCause() instanceof Exception ex ? ex : e;
      }
      return done;
    }
  }

  /** Runs one tool call in its own child span; failures become an error text for the model. */
  private ToolExecution runTool(ToolCall call, B blackboard, NodeContext ctx, int iteration)
      throws Exception {
    try {
      Result result =
          ctx.span(
              call.name(),
              "Tool",
              span -> {
                span.attribute(GenAi.TOOL_NAME, call.name());
                span.attribute(GenAi.TOOL_CALL_ID, call.id());
                ToolSpec<B> spec = toolsByName.get(call.name());
                if (spec == null) {
                  span.attribute(GenAi.TOOL_ARGUMENTS, call.arguments());
                  return rejected(
                      call,
                      iteration,
                      "unknown tool '"
                          + call.name()
                          + "'; available tools: "
                          + String.join(", ", new java.util.TreeSet<>(toolsByName.keySet())));
                }
                JsonNode args;
                try {
                  args =
                      call.arguments().isBlank()
                          ? JsonSchemas.MAPPER.createObjectNode()
                          : JsonSchemas.MAPPER.readTree(call.arguments());
                } catch (JsonProcessingException e) {
                  span.attribute(GenAi.TOOL_ARGUMENTS, call.arguments());
                  return rejected(
                      call, iteration, "arguments are not valid JSON: " + e.getOriginalMessage());
                }
                span.attribute(GenAi.TOOL_ARGUMENTS, args);
                List<String> problems = JsonSchemas.validate(spec.schema(), args);
                if (!problems.isEmpty()) {
                  return rejected(
                      call,
                      iteration,
                      "arguments do not match the schema: " + String.join("; ", problems));
                }
                Object output;
                try {
                  output = spec.executor().execute(blackboard, args);
                } catch (ToolSpec.InvalidArgumentsException e) {
                  return rejected(call, iteration, e.getMessage());
                }
                String text = toText(output);
                span.attribute(GenAi.TOOL_RESULT, text);
                return Result.ok(new ToolExecution(call, text, true, iteration));
              });
      return (ToolExecution) result.data();
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      if (ctx.cancelled() || Thread.currentThread().isInterrupted()) {
        throw e;
      }
      return new ToolExecution(
          call,
          "Error: tool '"
              + call.name()
              + "' failed: "
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : ": " + e.getMessage()),
          false,
          iteration);
    }
  }

  private static Result rejected(ToolCall call, int iteration, String reason) {
    return Result.fail(new ToolExecution(call, "Error: " + reason, false, iteration));
  }

  private static String toText(Object output) throws JsonProcessingException {
    if (output instanceof String s) {
      return s;
    }
    return JsonSchemas.MAPPER.writeValueAsString(output);
  }

  // ---- structured output ----

  private String schemaInstruction() {
    return "Reply with only a JSON value, no prose and no code fences, that matches this JSON"
        + " schema:\n"
        + outputFormat.schema().toString();
  }

  private Object parseOutput(String text) throws OutputMismatchException {
    String json = LenientJson.stripFences(text == null ? "" : text);
    String typeName = outputType.getSimpleName();
    JsonNode node;
    try {
      node = JsonSchemas.MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new OutputMismatchException(
          "the reply is not JSON for " + typeName + ": " + e.getOriginalMessage());
    }
    if (node == null || node.isMissingNode()) {
      throw new OutputMismatchException("the reply is empty; expected JSON for " + typeName);
    }
    List<String> problems = JsonSchemas.validate(outputFormat.schema(), node);
    if (!problems.isEmpty()) {
      throw new OutputMismatchException(
          "the reply does not fit " + typeName + ": " + String.join("; ", problems));
    }
    try {
      return JsonSchemas.MAPPER.treeToValue(node, outputType);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new OutputMismatchException(
          "the reply does not fit " + typeName + ": " + e.getMessage());
    }
  }

  // ---- trace ----

  private void recordRequest(NodeContext ctx, LlmModel m, LlmParams p, List<Message> input) {
    ctx.attribute(GenAi.OPERATION, "chat");
    ctx.attribute(GenAi.PROVIDER, m.provider().name());
    ctx.attribute(GenAi.BASE_URL, m.provider().baseUrl());
    ctx.attribute(Attributes.REQUEST_MODEL, m.name());
    if (p.temperature() != null) {
      ctx.attribute(GenAi.TEMPERATURE, p.temperature());
    }
    if (p.topP() != null) {
      ctx.attribute(GenAi.TOP_P, p.topP());
    }
    if (p.maxTokens() != null) {
      ctx.attribute(GenAi.MAX_TOKENS, p.maxTokens());
    }
    if (p.seed() != null) {
      ctx.attribute(GenAi.SEED, p.seed());
    }
    if (p.stop() != null) {
      ctx.attribute(GenAi.STOP, p.stop());
    }
    ctx.attribute(GenAi.PARAMS, p);
    ctx.attribute(GenAi.INPUT_MESSAGES, input);
    if (!tools.isEmpty()) {
      ctx.attribute(GenAi.TOOL_DEFINITIONS, tools.stream().map(ToolSpec::definition).toList());
    }
    if (stream) {
      ctx.attribute(GenAi.STREAM, true);
    }
    if (outputFormat != null) {
      ctx.attribute(GenAi.OUTPUT_TYPE, "json");
      ctx.attribute(GenAi.RESPONSE_SCHEMA, outputFormat.schema());
    }
  }

  private static void recordOutcome(NodeContext ctx, Run run) {
    ctx.attribute(Attributes.INPUT_TOKENS, run.usage.inputTokens());
    ctx.attribute(Attributes.OUTPUT_TOKENS, run.usage.outputTokens());
    ctx.attribute(GenAi.CACHED_INPUT_TOKENS, run.usage.cachedInputTokens());
    ctx.attribute(GenAi.REASONING_TOKENS, run.usage.reasoningTokens());
    ctx.attribute(Attributes.COST_USD, run.model.prices().cost(run.usage));
    ctx.attribute(GenAi.ITERATIONS, run.iteration);
    ctx.attribute(GenAi.CALLS, run.calls);
    ctx.attribute(GenAi.OUTPUT_MESSAGES, run.appended);
    ctx.attribute(GenAi.LATENCY_MS, millis(since(run.started)));
  }

  private static Duration since(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  private static double millis(Duration d) {
    return d.toNanos() / 1_000_000.0;
  }

  /** A model call failed; carries the mapped error. */
  private static final class LlmCallException extends Exception {
    final LlmError error;

    LlmCallException(LlmError error) {
      super(error.toString(), null, false, false);
      this.error = error;
    }
  }

  /** The final reply does not fit the structured-output type. */
  private static final class OutputMismatchException extends Exception {
    OutputMismatchException(String message) {
      super(message, null, false, false);
    }
  }

  @Override
  public String toString() {
    return "LlmNode[" + name + "]";
  }
}
