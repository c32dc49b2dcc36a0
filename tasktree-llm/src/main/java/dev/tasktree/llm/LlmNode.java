package dev.tasktree.llm;

import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.tasktree.RejectedException;
import dev.tasktree.Result;
import dev.tasktree.spi.Node;
import dev.tasktree.spi.NodeContext;
import dev.tasktree.trace.Attributes;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
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
 * LlmError}{@code )} with a category (rate_limited, server_error, timeout, auth, refusal,
 * bad_request, context_length, io, output_parse, max_iterations, ...), the HTTP status and a
 * message — so a Selector falls through to the next model and a Retry can retry only what is
 * transient ({@link LlmError#isTransient}).
 *
 * <p><b>Tool loop.</b> When the model asks for tools, the node runs them — several calls of one
 * turn concurrently on virtual threads, each in its own child span of kind {@code Tool} — appends
 * the results and calls the model again, up to {@link #maxIterations} model calls (default 10). An
 * unknown tool, arguments that are not JSON or do not fit the schema, and a tool that throws are
 * reported to the model as an error message; they do not fail the node.
 *
 * <p><b>Cancellation.</b> When a Timeout, Terminable or Race cancels the node, the HTTP request —
 * streaming or not — is aborted and the server sees the connection close. The call runs on the
 * node's own thread: on a virtual thread the cancel hook interrupts it (its socket closes); on a
 * platform thread it cancels the OkHttp call, as an interrupt of the caller does.
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

  private final Settings<B> s;
  private final Map<String, ToolSpec<B>> toolsByName;
  private final ModelCall modelCall;

  LlmNode(String name, Function<B, LlmModel> model, Function<B, List<Message>> messages) {
    this(new Settings<>(name, model, messages));
  }

  private LlmNode(Settings<B> settings) {
    Objects.requireNonNull(settings.name, "name");
    Objects.requireNonNull(settings.model, "model");
    Objects.requireNonNull(settings.messages, "messages");
    settings.tools = List.copyOf(settings.tools);
    this.s = settings;
    this.toolsByName = byName(settings.tools);
    this.modelCall = new ModelCall(settings.stream, settings.listener);
  }

  private static <B> Map<String, ToolSpec<B>> byName(List<ToolSpec<B>> tools) {
    Map<String, ToolSpec<B>> byName = new LinkedHashMap<>();
    for (ToolSpec<B> tool : tools) {
      if (byName.put(tool.name(), tool) != null) {
        throw new IllegalArgumentException("two tools are named '" + tool.name() + "'");
      }
    }
    return Map.copyOf(byName);
  }

  /** A node's settings; copied when one node is derived from another, never changed after. */
  private static final class Settings<B> implements Cloneable {
    String name;
    Function<B, LlmModel> model;
    Function<B, List<Message>> messages;
    LlmParams params = LlmParams.defaults();
    List<ToolSpec<B>> tools = List.of();
    Function<? super B, List<ToolSpec<B>>> toolsFactory;
    ToolChoice toolChoice;
    Boolean parallelToolCalls;
    int choices = 1;
    int maxIterations = DEFAULT_MAX_ITERATIONS;
    boolean stream;
    StreamListener listener;
    StructuredOutput output;
    BiConsumer<? super B, Message> onMessage;

    Settings(String name, Function<B, LlmModel> model, Function<B, List<Message>> messages) {
      this.name = name;
      this.model = model;
      this.messages = messages;
    }

    @SuppressWarnings("unchecked")
    @Override
    protected Settings<B> clone() {
      try {
        return (Settings<B>) super.clone();
      } catch (CloneNotSupportedException e) {
        throw new AssertionError(e);
      }
    }
  }

  /** A copy of this node with {@code change} applied to its settings. */
  private LlmNode<B> with(Consumer<Settings<B>> change) {
    Settings<B> copy = s.clone();
    change.accept(copy);
    return new LlmNode<>(copy);
  }

  // ---- configuration (each returns a new node) ----

  /** This node with another span name. */
  public LlmNode<B> named(String name) {
    Objects.requireNonNull(name, "name");
    return with(c -> c.name = name);
  }

  /** This node with node-level parameters (merged over the provider's and the model's). */
  public LlmNode<B> params(LlmParams params) {
    LlmParams merged = s.params.merge(Objects.requireNonNull(params, "params"));
    return with(c -> c.params = merged);
  }

  /** This node with a temperature. */
  public LlmNode<B> temperature(double temperature) {
    return params(LlmParams.defaults().temperature(temperature));
  }

  /** This node with an output token limit. */
  public LlmNode<B> maxTokens(int maxTokens) {
    return params(LlmParams.defaults().maxTokens(maxTokens));
  }

  /**
   * This node with the {@link Tool}-annotated methods of {@code objects} as tools.
   *
   * @throws IllegalArgumentException when an object has no tool methods or a parameter type has no
   *     JSON schema
   */
  public LlmNode<B> tools(Object... objects) {
    List<ToolSpec<B>> all = new ArrayList<>(s.tools);
    for (Object o : objects) {
      all.addAll(ToolSpec.<B>fromObject(o));
    }
    return withTools(all);
  }

  /** This node with one more explicit tool. */
  public LlmNode<B> tool(ToolSpec<B> tool) {
    List<ToolSpec<B>> all = new ArrayList<>(s.tools);
    all.add(Objects.requireNonNull(tool, "tool"));
    return withTools(all);
  }

  private LlmNode<B> withTools(List<ToolSpec<B>> all) {
    byName(all); // rejects duplicate names now rather than at run time
    return with(c -> c.tools = all);
  }

  /**
   * This node with tools chosen per run from the blackboard (e.g. by the user's permissions), in
   * addition to the fixed ones. A duplicate name fails the run with a clear message.
   */
  public LlmNode<B> toolsFrom(Function<? super B, List<ToolSpec<B>>> factory) {
    Objects.requireNonNull(factory, "factory");
    return with(c -> c.toolsFactory = factory);
  }

  /** This node with a {@code tool_choice}: auto, none, required, or a named tool. */
  public LlmNode<B> toolChoice(ToolChoice choice) {
    Objects.requireNonNull(choice, "choice");
    return with(c -> c.toolChoice = choice);
  }

  /** This node with {@code parallel_tool_calls} set: whether the model may ask for several. */
  public LlmNode<B> parallelToolCalls(boolean allowed) {
    return with(c -> c.parallelToolCalls = allowed);
  }

  /**
   * This node asking for {@code n} choices ({@code n}); the reply's {@link LlmReply#choices()}
   * holds every choice's text, {@code text} the first. Tools and structured output use the first.
   *
   * @throws IllegalArgumentException when {@code n} is below 1
   */
  public LlmNode<B> choices(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("choices must be at least 1, got " + n);
    }
    return with(c -> c.choices = n);
  }

  /**
   * This node with at most {@code maxIterations} model calls in its tool loop (default 10).
   *
   * @throws IllegalArgumentException when {@code maxIterations} is below 1
   */
  public LlmNode<B> maxIterations(int maxIterations) {
    if (maxIterations < 1) {
      throw new IllegalArgumentException("maxIterations must be at least 1, got " + maxIterations);
    }
    return with(c -> c.maxIterations = maxIterations);
  }

  /**
   * This node, streaming: text, reasoning and tool-call deltas go to {@code listener} as they
   * arrive, the usage is requested with the stream ({@code stream_options.include_usage}), time to
   * first token is recorded.
   */
  public LlmNode<B> stream(StreamListener listener) {
    Objects.requireNonNull(listener, "listener");
    return with(
        c -> {
          c.stream = true;
          c.listener = listener;
        });
  }

  /** This node, streaming without a listener (for the time-to-first-token measurement). */
  public LlmNode<B> stream() {
    return with(
        c -> {
          c.stream = true;
          c.listener = null;
        });
  }

  /**
   * This node, calling {@code callback} with every message it adds to the conversation — each
   * assistant turn and each tool result, in order, on the node's thread, as they happen.
   */
  public LlmNode<B> onMessage(BiConsumer<? super B, Message> callback) {
    Objects.requireNonNull(callback, "callback");
    return with(c -> c.onMessage = callback);
  }

  /**
   * This node, asking for JSON output that fits {@code type} (a record, typically): {@code
   * response_format: json_schema} where the model {@linkplain LlmModel#jsonSchemaOutput() supports
   * it}, a schema instruction otherwise. The reply is parsed into {@link LlmReply#parsed()}; a
   * reply that does not fit fails the node with category output_parse.
   *
   * @throws IllegalArgumentException when the type has no JSON schema
   */
  public LlmNode<B> outputAs(Class<?> type) {
    return withOutput(StructuredOutput.of(Objects.requireNonNull(type, "type")));
  }

  /**
   * This node, asking for JSON output that fits a generic type such as {@code List<Contact>}:
   * {@code .outputAs(new TypeToken<List<Contact>>() {})}. A type whose schema is not an object is
   * asked for as {@code {"value": ...}} (OpenAI accepts only object schemas) and unwrapped.
   *
   * @throws IllegalArgumentException when the type has no JSON schema
   */
  public LlmNode<B> outputAs(TypeToken<?> type) {
    Type t = Objects.requireNonNull(type, "type").type();
    return withOutput(StructuredOutput.of(t));
  }

  /**
   * This node, asking for any JSON object ({@code response_format: json_object}); the reply is
   * parsed into a {@code JsonNode} in {@link LlmReply#parsed()}.
   */
  public LlmNode<B> outputJson() {
    return withOutput(StructuredOutput.jsonObject());
  }

  private LlmNode<B> withOutput(StructuredOutput output) {
    return with(c -> c.output = output);
  }

  @Override
  public String name() {
    return s.name;
  }

  @Override
  public String kind() {
    return "Llm";
  }

  // ---- execution ----

  /**
   * One model call, a checkpoint of a durable run: a resumed run replays a journaled turn (or
   * failure) instead of sending the request again.
   */
  private ModelTurn callModel(LlmModel m, ChatCompletionCreateParams request, NodeContext ctx)
      throws ModelCall.FailedException, InterruptedException {
    try {
      return ctx.checkpoint(
          "model", LlmCheckpoints.MODEL_CALL, () -> modelCall.run(m, request, ctx));
    } catch (ModelCall.FailedException | InterruptedException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public Result execute(B blackboard, NodeContext ctx) throws Exception {
    LlmModel m = s.model.apply(blackboard);
    if (m == null) {
      throw new IllegalArgumentException("the model function returned null");
    }
    List<Message> input = s.messages.apply(blackboard);
    if (input == null || input.isEmpty()) {
      throw new IllegalArgumentException("the messages function returned no messages");
    }
    List<ToolSpec<B>> tools = s.tools;
    Map<String, ToolSpec<B>> byName = toolsByName;
    if (s.toolsFactory != null) {
      List<ToolSpec<B>> perRun = s.toolsFactory.apply(blackboard);
      if (perRun != null && !perRun.isEmpty()) {
        tools = new ArrayList<>(tools);
        tools.addAll(perRun);
        byName = byName(tools);
      }
    }
    LlmParams p = m.effectiveParams(s.params);
    List<Message> conversation = new ArrayList<>(input);
    boolean formatSupported = m.jsonSchemaOutput();
    if (s.output != null && !formatSupported) {
      conversation.add(Message.system(s.output.instruction()));
    }
    ChatRequests.Options options =
        new ChatRequests.Options(
            s.output, formatSupported, s.toolChoice, s.parallelToolCalls, s.choices, s.stream);
    CallRecorder run = new CallRecorder(m);
    CallRecorder.recordRequest(ctx, m, p, conversation, List.copyOf(tools), options);
    ToolRunner<B> toolRunner = new ToolRunner<>(byName);

    ModelTurn turn;
    try {
      while (true) {
        run.iteration++;
        ChatCompletionCreateParams request =
            ChatRequests.build(m.name(), p, conversation, tools, options);
        try (var charge = LlmCharges.reserve(ctx, m, p, conversation)) { // budgets, token limits
          turn = callModel(m, request, ctx);
          charge.settle(LlmCharges.spend(m, turn.usage()));
        }
        run.add(turn);
        if (turn.refusal() != null && turn.toolCalls().isEmpty()) {
          return fail(
              ctx,
              run,
              new LlmError(
                  LlmError.Category.REFUSAL,
                  0,
                  KeyRedactor.redact(turn.refusal()),
                  m.name(),
                  "refusal"));
        }
        Message assistant = turn.message();
        append(blackboard, conversation, run, assistant);
        if (turn.toolCalls().isEmpty()) {
          break;
        }
        if (run.iteration >= s.maxIterations) {
          return fail(
              ctx,
              run,
              new LlmError(
                  LlmError.Category.MAX_ITERATIONS,
                  0,
                  "no final answer after "
                      + s.maxIterations
                      + " model calls: the model still asks for tools (maxIterations = "
                      + s.maxIterations
                      + ")",
                  m.name(),
                  null));
        }
        for (ToolExecution done :
            toolRunner.run(turn.toolCalls(), blackboard, ctx, run.iteration)) {
          run.executions.add(done);
          append(blackboard, conversation, run, Message.tool(done.call().id(), done.result()));
        }
      }
    } catch (ModelCall.FailedException e) {
      return fail(ctx, run, e.error);
    } catch (RejectedException e) { // a budget or token limit refused the call: nothing was sent
      return fail(ctx, run, LlmError.refused(e, m.name()));
    }

    Object parsed = null;
    if (s.output != null) {
      try {
        parsed = s.output.parse(turn.text());
      } catch (StructuredOutput.MismatchException e) {
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
            turn.timeToFirstToken(),
            turn.choices(),
            run.reasoning());
    run.recordOutcome(ctx);
    ctx.attribute(Attributes.RESPONSE_MODEL, turn.model());
    ctx.attribute(GenAi.FINISH_REASONS, List.of(String.valueOf(turn.finishReason())));
    if (turn.timeToFirstToken() != null) {
      ctx.attribute(GenAi.TTFT_MS, CallRecorder.millis(turn.timeToFirstToken()));
    }
    return Result.ok(reply);
  }

  private void append(B blackboard, List<Message> conversation, CallRecorder run, Message m) {
    conversation.add(m);
    run.appended.add(m);
    if (s.onMessage != null) {
      s.onMessage.accept(blackboard, m);
    }
  }

  private static Result fail(NodeContext ctx, CallRecorder run, LlmError error) {
    return Result.fail(run.fail(ctx, error));
  }

  @Override
  public String toString() {
    return "LlmNode[" + s.name + "]";
  }
}
