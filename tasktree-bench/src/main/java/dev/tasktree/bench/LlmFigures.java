package dev.tasktree.bench;

import static dev.tasktree.bench.BenchMain.f;

import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.tasktree.Result;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import dev.tasktree.llm.Llm;
import dev.tasktree.llm.LlmModel;
import dev.tasktree.llm.LlmProvider;
import dev.tasktree.llm.Message;
import dev.tasktree.llm.Prices;
import dev.tasktree.llm.testing.ScriptedLlmServer;
import dev.tasktree.llm.testing.ScriptedReply;
import dev.tasktree.trace.JsonlTraceWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * LLM node call against a raw openai-java call on the scripted server (loopback HTTP), interleaved
 * round by round so drift hits both alike. The node and the raw call share one provider, so one
 * HTTP client and one connection pool: the difference is what the node adds (request mapping, span,
 * usage and cost, result mapping).
 */
final class LlmFigures {

  private static final String MODEL = "bench";

  /** What the node may add over a raw call (issue 11), untraced; a traced call writes a trace. */
  private static final double GOAL_US = 20;

  private static final double TRACED_GOAL_US = 500;

  private LlmFigures() {}

  /** A blackboard: the chat history the node sends. */
  record Chat(List<Message> messages) {
    static Chat question() {
      return new Chat(List.of(Message.system("Be brief."), Message.user("hi")));
    }
  }

  /** Medians, in nanoseconds, of one measurement. */
  private record Medians(double raw, double node, int rounds) {}

  static void run(Report report, boolean quick) throws Exception {
    int warmUp = quick ? 300 : 4_000; // the node path has more code for the JIT than the raw call
    int rounds = quick ? 300 : 2_000;
    Path traceDir = Files.createTempDirectory("tasktree-bench-llm");
    try (ScriptedLlmServer server = ScriptedLlmServer.start();
        LlmProvider provider = LlmProvider.builder("bench").baseUrl(server.baseUrl()).build();
        JsonlTraceWriter writer =
            JsonlTraceWriter.open(traceDir, Duration.ofMillis(25), Duration.ofSeconds(2))) {
      script(server);
      LlmModel model = LlmModel.of(provider, MODEL).withPrices(Prices.perMillion(1, 2));
      Tree<Chat> tree = Tree.<Chat>named("Bench").node(Llm.chat(model, Chat::messages)).build();
      RunOptions untraced = RunOptions.defaults();
      RunOptions traced = RunOptions.defaults().withTraceSink(writer);

      // Warm up the SDK, the node and the tracer on both kinds of caller thread before measuring
      // anything, so the first measured case is not the one that pays for the JIT.
      onVirtualThread(() -> measure(server, provider, tree, traced, warmUp, 1));
      measure(server, provider, tree, untraced, warmUp, 1);
      int settle = 50;
      Medians virtual =
          onVirtualThread(() -> measure(server, provider, tree, untraced, settle, rounds));
      add(report, "caller on a virtual thread, tracing off", virtual, GOAL_US);
      Medians platform = measure(server, provider, tree, untraced, settle, rounds);
      add(report, "caller on a platform thread, tracing off", platform, GOAL_US);
      Medians tracedVirtual =
          onVirtualThread(() -> measure(server, provider, tree, traced, settle, rounds));
      writer.flush(Duration.ofMinutes(1));
      add(report, "caller on a virtual thread, tracing to JSONL", tracedVirtual, TRACED_GOAL_US);
    } finally {
      BenchFiles.deleteTree(traceDir);
    }
  }

  private static void add(Report report, String label, Medians m, double goalMicros) {
    double addedMs = (m.node() - m.raw()) / 1e6;
    report.add(
        new Figure(
            f(
                "LLM node call vs raw openai-java call, scripted server, %s (%,d rounds)",
                label, m.rounds()),
            f("node %.0f µs, %+.0f µs added", m.node() / 1e3, addedMs * 1e3),
            f("raw openai-java %.0f µs", m.raw() / 1e3),
            f("%.2f×", m.node() / m.raw()),
            f("≤ %.0f µs added at the median", goalMicros),
            Figure.yesNo(addedMs * 1e3 <= goalMicros)));
  }

  private static Medians measure(
      ScriptedLlmServer server,
      LlmProvider provider,
      Tree<Chat> tree,
      RunOptions options,
      int warmUp,
      int rounds) {
    long[] rawNanos = new long[rounds];
    long[] nodeNanos = new long[rounds];
    for (int i = -warmUp; i < rounds; i++) {
      // Alternate which call goes first, so neither always pays for the other's garbage.
      boolean rawFirst = (i & 1) == 0;
      long rawTime;
      long nodeTime;
      if (rawFirst) {
        rawTime = timeRaw(provider);
        nodeTime = timeNode(tree, options);
      } else {
        nodeTime = timeNode(tree, options);
        rawTime = timeRaw(provider);
      }
      if (i >= 0) {
        rawNanos[i] = rawTime;
        nodeNanos[i] = nodeTime;
      }
      if (i % 500 == 0) {
        // The server records every request; keep that list short.
        server.reset();
        script(server);
      }
    }
    return new Medians(
        Samples.of(rawNanos).medianNanos(), Samples.of(nodeNanos).medianNanos(), rounds);
  }

  /**
   * One raw call as a user writes it: the request is built from the same messages, then sent (the
   * node builds its request per call too, so building is part of both sides).
   */
  private static long timeRaw(LlmProvider provider) {
    long t0 = System.nanoTime();
    ChatCompletionCreateParams raw =
        ChatCompletionCreateParams.builder()
            .model(MODEL)
            .addSystemMessage("Be brief.")
            .addUserMessage("hi")
            .build();
    ChatCompletion completion = provider.sdkClient().chat().completions().create(raw);
    long t1 = System.nanoTime();
    if (completion.choices().size() != 1) {
      throw new IllegalStateException(
          "raw call returned " + completion.choices().size() + " choices");
    }
    return t1 - t0;
  }

  private static long timeNode(Tree<Chat> tree, RunOptions options) {
    long t0 = System.nanoTime();
    Result result = tree.run(Chat.question(), options);
    long t1 = System.nanoTime();
    if (!result.isOk()) {
      throw new IllegalStateException("LLM node failed: " + result.data());
    }
    return t1 - t0;
  }

  private static void script(ScriptedLlmServer server) {
    server.script(MODEL, ScriptedReply.text("Hello there, general.").usage(12, 5));
  }

  static <T> T onVirtualThread(Callable<T> work) throws Exception {
    FutureTask<T> task = new FutureTask<>(work);
    Thread.ofVirtual().name("bench-caller").start(task).join();
    try {
      return task.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }
}
