package dev.tasktree.server;

import dev.tasktree.Result;
import dev.tasktree.RunHandle;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import dev.tasktree.spi.Node;
import dev.tasktree.spi.NodeContext;
import dev.tasktree.trace.Attributes;
import dev.tasktree.trace.JsonlTraceWriter;
import dev.tasktree.trace.LogLevel;
import dev.tasktree.trace.TraceSink;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/** Trace directories made by running real trees with {@code RunOptions.withTraceDir}. */
final class Fixtures {

  private Fixtures() {}

  /** A blackboard for the test trees. */
  static final class Board {
    final int number;
    final boolean fail;
    final AtomicInteger tries = new AtomicInteger();
    final Semaphore gate = new Semaphore(0);
    final List<Integer> items = new ArrayList<>();
    String answer;

    Board(int number, boolean fail) {
      this.number = number;
      this.fail = fail;
    }
  }

  static RunOptions options(Path dir) {
    return RunOptions.defaults().withTraceDir(dir);
  }

  /** Waits until every event of the runs so far is on disk. */
  static void flush(Path dir) {
    ((JsonlTraceWriter) TraceSink.jsonl(dir)).flush(Duration.ofSeconds(30));
  }

  /**
   * A small pipeline: load (logs), a retried flaky step (attempt numbers), a costed step, and an
   * optional failure.
   */
  static Tree<Board> pipeline(String name) {
    return Tree.<Board>named(name)
        .sequence()
        .name("load input")
        .call(
            (b, ctx) -> {
              ctx.log(LogLevel.INFO, "loading item " + b.number);
              return Map.of("number", b.number, "items", List.of(1, 2, 3));
            })
        .retry(3)
        .name("flaky step")
        .call(
            b -> {
              if (b.tries.incrementAndGet() < 2) {
                throw new IllegalStateException("transient failure " + b.number);
              }
              return "ok after " + b.tries.get();
            })
        .name("priced step")
        .call(
            (b, ctx) -> {
              ctx.attribute(Attributes.COST_USD, b.number * 0.001);
              ctx.attribute(Attributes.INPUT_TOKENS, 10 + b.number);
              ctx.attribute(Attributes.OUTPUT_TOKENS, 5);
              if (b.fail) {
                throw new IllegalArgumentException("bad input " + b.number);
              }
              return Map.of("answer", b.number * 2);
            })
        .end()
        .build();
  }

  /** Runs {@code count} pipelines named alpha / beta alternately; every 10th fails. */
  static void runMany(Path dir, int count) {
    Tree<Board> alpha = pipeline("alpha");
    Tree<Board> beta = pipeline("beta");
    for (int i = 0; i < count; i++) {
      (i % 2 == 0 ? alpha : beta).run(new Board(i, i % 10 == 9), options(dir));
    }
    flush(dir);
  }

  /** A fake LLM node: writes what an LLM span carries (model, usage, cost, messages, tools). */
  static final class FakeLlm implements Node<Board> {
    private final String name;
    private final String output;

    FakeLlm(String name, String output) {
      this.name = name;
      this.output = output;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String kind() {
      return "LLM";
    }

    @Override
    public Result execute(Board board, NodeContext ctx) throws Exception {
      Map<String, Object> call =
          Map.of(
              "id",
              "call_weather_1",
              "type",
              "function",
              "function",
              Map.of("name", "get_weather", "arguments", "{\"city\":\"Paris\"}"));
      Object weather = ctx.span("get_weather", "Tool", c -> Map.of("city", "Paris", "celsius", 21));
      ctx.attribute(Attributes.REQUEST_MODEL, "gpt-test-mini");
      ctx.attribute(Attributes.RESPONSE_MODEL, "gpt-test-mini-2025");
      ctx.attribute(Attributes.INPUT_TOKENS, 120);
      ctx.attribute(Attributes.OUTPUT_TOKENS, 45);
      ctx.attribute(Attributes.COST_USD, 0.00123);
      ctx.attribute("gen_ai.response.finish_reasons", List.of("stop"));
      ctx.attribute("tasktree.time_to_first_token_ms", 87);
      ctx.attribute(
          "gen_ai.input.messages",
          List.of(
              Map.of("role", "system", "content", "You are a weather assistant."),
              Map.of("role", "user", "content", "What is the weather in Paris?")));
      List<Object> appended =
          List.of(
              Map.of("role", "assistant", "content", "", "tool_calls", List.of(call)),
              Map.of(
                  "role",
                  "tool",
                  "tool_call_id",
                  "call_weather_1",
                  "content",
                  "{\"city\":\"Paris\",\"celsius\":21}"),
              Map.of("role", "assistant", "content", output));
      ctx.attribute("gen_ai.output.messages", appended);
      board.answer = output;
      return Result.ok(
          Map.of(
              "text",
              output,
              "messages",
              appended,
              "toolCalls",
              List.of(
                  Map.of(
                      "id",
                      "call_weather_1",
                      "name",
                      "get_weather",
                      "arguments",
                      Map.of("city", "Paris"),
                      "result",
                      String.valueOf(weather))),
              "finishReason",
              "stop"));
    }
  }

  /** A tree with an LLM node (its output and, optionally, a node named with the given text). */
  static Tree<Board> llmTree(String treeName, String nodeName, String output) {
    return Tree.<Board>named(treeName)
        .sequence()
        .name("prepare")
        .call(b -> "question ready")
        .node(new FakeLlm(nodeName, output))
        .name("store answer")
        .call(b -> b.answer)
        .end()
        .build();
  }

  /**
   * A run that stops at {@code steps} gates: each {@code board.gate.release()} lets one more step
   * run. Started in the background; the handle is returned.
   */
  static RunHandle startGated(Path dir, Board board, int steps) {
    var builder = Tree.<Board>named("live run").sequence();
    for (int i = 1; i <= steps; i++) {
      int step = i;
      builder
          .name("step-" + step)
          .call(
              (b, ctx) -> {
                b.gate.acquire();
                ctx.log(LogLevel.INFO, "step " + step + " done");
                return step;
              });
    }
    return builder.end().build().start(board, options(dir));
  }

  /** A fan-out: one Gather with {@code items} children, each a one-call subtree. */
  static void runGather(Path dir, String name, int items) {
    Tree<Integer> perItem = Tree.<Integer>named("item").call(i -> i * 2).build();
    Board board = new Board(0, false);
    for (int i = 0; i < items; i++) {
      board.items.add(i);
    }
    Tree.<Board>named(name)
        .sequence()
        .name("fan out")
        .gather(b -> b.items, perItem, 64)
        .name("summarise")
        .call(b -> "done")
        .end()
        .build()
        .run(board, options(dir));
    flush(dir);
  }
}
