package dev.tasktree.examples;

import dev.tasktree.Result;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import dev.tasktree.trace.JsonlTraceWriter;
import dev.tasktree.trace.TraceSink;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The README's main command: runs every example once, prints one line each, and writes their traces
 * to {@code .traces} (or {@code --trace-dir DIR}).
 */
public final class Demo {

  private Demo() {}

  /** One runnable example: a tree and a fresh blackboard for it. */
  record Example<B>(Tree<B> tree, Supplier<B> blackboard) {
    Result run(RunOptions options) {
      return tree.run(blackboard.get(), options);
    }
  }

  static Map<String, Example<?>> examples() {
    Map<String, Example<?>> all = new LinkedHashMap<>();
    all.put(
        "fallback-chain",
        new Example<>(QuickStart.ANSWER, () -> new QuickStart.Chat("What is a behavior tree?")));
    all.put(
        "plain-workflow",
        new Example<>(
            PlainWorkflow.TREE,
            () ->
                new PlainWorkflow.Invoice(
                    "```json\n{'customer': 'ACME', 'lines': [{'sku': 'bolt', 'quantity': 4,"
                        + " 'unitPrice': 0.25}, {'sku': 'nut', 'quantity': 10, 'unitPrice': 0.1},]}\n```")));
    return all;
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    Path traceDir = Path.of(".traces");
    String only = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--help", "-h" -> {
          out.println("Usage: java -jar tasktree-examples.jar [--example NAME] [--trace-dir DIR]");
          out.println("Examples: " + String.join(", ", examples().keySet()));
          return 0;
        }
        case "--example" -> only = value(args, ++i, "--example");
        case "--trace-dir" -> traceDir = Path.of(value(args, ++i, "--trace-dir"));
        case "--no-serve" -> {} // nothing is served yet; accepted for forward compatibility
        default -> {
          err.println("Unknown option " + args[i] + "; try --help");
          return 2;
        }
      }
    }
    if (only != null && !examples().containsKey(only)) {
      err.println(
          "No example named '" + only + "'. Examples: " + String.join(", ", examples().keySet()));
      return 2;
    }
    try {
      Files.createDirectories(traceDir);
      if (!Files.isWritable(traceDir)) {
        throw new java.io.IOException("not writable");
      }
    } catch (java.io.IOException | RuntimeException e) {
      err.println(
          "Cannot write traces to "
              + traceDir.toAbsolutePath()
              + " ("
              + e.getMessage()
              + "); pass --trace-dir with a writable directory.");
      return 1;
    }
    TraceSink sink = TraceSink.jsonl(traceDir);
    RunOptions options = RunOptions.defaults().withTraceSink(sink);
    int failures = 0;
    for (Map.Entry<String, Example<?>> example : examples().entrySet()) {
      if (only != null && !only.equals(example.getKey())) {
        continue;
      }
      long start = System.nanoTime();
      Result result = example.getValue().run(options);
      long millis = (System.nanoTime() - start) / 1_000_000;
      failures += result.isOk() ? 0 : 1;
      out.printf(
          Locale.ROOT,
          "%-16s %-4s %6d ms  %s%n",
          example.getKey(),
          result.isOk() ? "OK" : "FAIL",
          millis,
          shorten(String.valueOf(result.data())));
    }
    ((JsonlTraceWriter) sink).flush(Duration.ofSeconds(5));
    out.println("Traces written to " + traceDir.toAbsolutePath());
    return failures == 0 ? 0 : 1;
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[i];
  }

  static String shorten(String text) {
    String oneLine = text.replaceAll("\\s+", " ");
    return oneLine.length() <= 70 ? oneLine : oneLine.substring(0, 67) + "...";
  }
}
