package dev.tasktree.examples;

import dev.tasktree.server.ServerOptions;
import java.nio.file.Path;

/** The demo's command line: its usage text and its parsing into {@link Options}. */
final class CommandLine {

  private CommandLine() {}

  static final String USAGE =
      """
      Usage: java -jar tasktree-examples.jar [options]

      Runs the TaskTree examples, writes their traces and serves the trace UI.

      Options:
        --example NAME   run only this example
        --no-serve       exit after the runs instead of serving the trace UI
        --port PORT      port of the trace UI (default 8000; 0 = any free port)
        --trace-dir DIR  where trace files go (default .traces)
        --otlp URL       also export spans and metrics over OTLP/HTTP, e.g.
                         http://127.0.0.1:4318 (Jaeger, Tempo, Phoenix, a collector);
                         headers from OTEL_EXPORTER_OTLP_HEADERS (docs/otel.md)
        --help           print this help

      Environment:
        OPENAI_BASE_URL, OPENAI_API_KEY  use this OpenAI-compatible endpoint (either one is
                                         enough); without both, a scripted server on loopback
                                         answers
        TASKTREE_MODEL                   model for every example (default gpt-4o-mini)
        TASKTREE_MODEL_B                 model of the race's second provider (default: the same)
        TASKTREE_PRICES                  "input,output" USD per million tokens, for the costs
        TASKTREE_REDIS_URL               share the cache, stop signals and the durable run's
                                         journal through Redis, e.g. redis://127.0.0.1:6379
                                         (default: in memory; the journal in DIR/journal)

      Examples:
      """;

  /** The parsed command line. */
  record Options(String example, boolean serve, int port, Path traceDir, String otlp) {}

  /** The options of {@code args}, or null when they ask for help. */
  static Options parse(String[] args) throws Problem {
    String example = null;
    boolean serve = true;
    int port = ServerOptions.DEFAULT_PORT;
    Path traceDir = Path.of(".traces");
    String otlp = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--help", "-h" -> {
          return null;
        }
        case "--no-serve" -> serve = false;
        case "--example" -> example = value(args, ++i, "--example");
        case "--trace-dir" -> traceDir = Path.of(value(args, ++i, "--trace-dir"));
        case "--port" -> port = port(value(args, ++i, "--port"));
        case "--otlp" -> otlp = OtlpExport.checkEndpoint(value(args, ++i, "--otlp"));
        default -> throw new Problem("Unknown option '" + args[i] + "'; try --help.");
      }
    }
    String wanted = example;
    if (wanted != null && Examples.ALL.stream().noneMatch(e -> e.name().equals(wanted))) {
      throw new Problem(
          "No example named '"
              + wanted
              + "'. Examples: "
              + String.join(", ", Examples.ALL.stream().map(Example::name).toList())
              + ".");
    }
    return new Options(example, serve, port, traceDir, otlp);
  }

  private static String value(String[] args, int i, String flag) throws Problem {
    if (i >= args.length) {
      throw new Problem(flag + " needs a value; try --help.");
    }
    return args[i];
  }

  private static int port(String text) throws Problem {
    try {
      int port = Integer.parseInt(text);
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new Problem("--port must be a number from 0 to 65535, was '" + text + "'.");
  }
}
