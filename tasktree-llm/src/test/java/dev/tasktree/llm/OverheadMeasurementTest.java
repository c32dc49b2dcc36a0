package dev.tasktree.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.tasktree.Result;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import dev.tasktree.llm.testing.ScriptedLlmServer;
import dev.tasktree.llm.testing.ScriptedReply;
import dev.tasktree.trace.InMemoryTraceSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Measures (prints, never asserts on time) the overhead of one LLM node call over one raw
 * openai-java call against the scripted server: medians of many interleaved calls in one run. The
 * numbers go to stdout and to {@code target/llm-overhead.txt}.
 */
class OverheadMeasurementTest {

  private static final int WARM_UP = 500;
  private static final int ROUNDS = 2000;

  @Test
  void measureNodeOverheadAgainstRawSdkCall() throws Exception {
    StringBuilder report = new StringBuilder();
    report.append(measure("caller on a platform thread"));
    java.util.concurrent.atomic.AtomicReference<String> virtual =
        new java.util.concurrent.atomic.AtomicReference<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                virtual.set(measure("caller on a virtual thread"));
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            })
        .join();
    report.append(virtual.get());
    System.out.print(report);
    Path out = Path.of("target", "llm-overhead.txt");
    Files.createDirectories(out.getParent());
    Files.writeString(out, report);
  }

  private static String measure(String label) throws IOException {
    try (ScriptedLlmServer server = ScriptedLlmServer.start();
        LlmProvider provider = LlmProvider.builder("bench").baseUrl(server.baseUrl()).build()) {
      server.script("bench", ScriptedReply.text("Hello there, general.").usage(12, 5));
      LlmModel model = LlmModel.of(provider, "bench").withPrices(Prices.perMillion(1, 2));
      ChatCompletionCreateParams raw =
          ChatCompletionCreateParams.builder()
              .model("bench")
              .addSystemMessage("Be brief.")
              .addUserMessage("hi")
              .build();
      Tree<Chat> tree = Tree.<Chat>named("Bench").node(Llm.chat(model, Chat::messages)).build();
      InMemoryTraceSink sink = new InMemoryTraceSink();
      RunOptions traced = RunOptions.defaults().withTraceSink(sink);

      long[] rawNanos = new long[ROUNDS];
      long[] nodeNanos = new long[ROUNDS];
      long[] tracedNanos = new long[ROUNDS];
      for (int i = -WARM_UP; i < ROUNDS; i++) {
        long t0 = System.nanoTime();
        ChatCompletion completion = provider.sdkClient().chat().completions().create(raw);
        long t1 = System.nanoTime();
        Result untracedResult = tree.run(new Chat("hi"));
        long t2 = System.nanoTime();
        Result tracedResult = tree.run(new Chat("hi"), traced);
        long t3 = System.nanoTime();
        if (i >= 0) {
          rawNanos[i] = t1 - t0;
          nodeNanos[i] = t2 - t1;
          tracedNanos[i] = t3 - t2;
        }
        if (i == 0) {
          assertThat(completion.choices()).hasSize(1);
          assertThat(untracedResult.isOk()).isTrue();
          assertThat(tracedResult.isOk()).isTrue();
        }
        if (i % 200 == 0) {
          sink.clear();
          server.reset();
          server.script("bench", ScriptedReply.text("Hello there, general.").usage(12, 5));
        }
      }
      double rawMedian = median(rawNanos);
      double nodeMedian = median(nodeNanos);
      double tracedMedian = median(tracedNanos);
      return String.format(
          Locale.ROOT,
          "LLM node overhead on the scripted server, %s (loopback, %d interleaved rounds"
              + " after %d warm-up, medians):%n"
              + "  raw openai-java call:            %8.1f us%n"
              + "  tree with one LLM node, no trace: %8.1f us  (overhead %+.1f us, %+.1f%%)%n"
              + "  same, in-memory trace:           %8.1f us  (overhead %+.1f us, %+.1f%%)%n",
          label,
          ROUNDS,
          WARM_UP,
          rawMedian / 1e3,
          nodeMedian / 1e3,
          (nodeMedian - rawMedian) / 1e3,
          100 * (nodeMedian - rawMedian) / rawMedian,
          tracedMedian / 1e3,
          (tracedMedian - rawMedian) / 1e3,
          100 * (tracedMedian - rawMedian) / rawMedian);
    }
  }

  private static double median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
  }
}
