package dev.tasktree.examples;

import dev.tasktree.Result;
import dev.tasktree.RunOptions;
import dev.tasktree.redis.RedisStore;
import dev.tasktree.server.ServerOptions;
import dev.tasktree.server.TraceServer;
import dev.tasktree.store.CacheStore;
import dev.tasktree.store.InMemoryCacheStore;
import dev.tasktree.store.InMemorySignalStore;
import dev.tasktree.store.SignalStore;
import dev.tasktree.trace.InMemoryTraceSink;
import dev.tasktree.trace.JsonlTraceWriter;
import dev.tasktree.trace.TraceSummary;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The README's main command: runs the nine examples — against a real OpenAI-compatible endpoint
 * when one is configured, else against the scripted server — prints one line per example, writes
 * the traces to {@code .traces} and serves the trace UI on {@code http://127.0.0.1:8000} until
 * Ctrl-C. {@code --help} lists the options.
 */
public final class Demo {

  /** Every example, in the order the demo runs them. */
  static final List<Example> EXAMPLES =
      List.of(
          new Example(
              "fallback-chain",
              "primary model times out, secondary returns HTTP 500, tertiary answers",
              FallbackChain::run),
          new Example(
              "hedged-request",
              "race two providers; the faster answer wins, the slower call is cancelled",
              HedgedRequest::run),
          new Example(
              "fan-out",
              "summarise five documents in parallel (two at a time), then merge",
              FanOut::run),
          new Example(
              "tool-agent", "an LLM tool loop with two annotated Java tools", ToolAgent::run),
          new Example(
              "structured-output",
              "extract a Java record; Retry when the reply does not fit",
              StructuredOutput::run),
          new Example(
              "cached-call",
              "a Cache around an LLM call, run twice: the second run is a hit",
              CachedCall::run),
          new Example(
              "terminable-job",
              "a long job stopped by a signal after two chapters; its fallback keeps them",
              TerminableJob::run),
          new Example(
              "plain-workflow",
              "Sequence, When/OrElse, RepeatWhile, ParseJson, WriteBlackboard; no LLM",
              PlainWorkflow::run),
          new Example(
              "resilient-calls",
              "a breaker opens on a failing model and the chain falls through; a hedge cuts the"
                  + " tail",
              ResilientCalls::run));

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
        TASKTREE_REDIS_URL               share the cache and stop signals through Redis,
                                         e.g. redis://127.0.0.1:6379 (default: in memory)

      Examples:
      """;

  private Demo() {}

  /** A setup problem a user can fix; its message is the one line the demo prints. */
  static final class Problem extends Exception {
    Problem(String message) {
      super(message, null, false, false);
    }
  }

  /** The parsed command line. */
  record Options(String example, boolean serve, int port, Path traceDir, String otlp) {}

  public static void main(String[] args) throws InterruptedException {
    // Problems are reported in one line each; library logs would repeat them with stack traces.
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
      System.setProperty("org.slf4j.simpleLogger.log.io.javalin", "off");
      System.setProperty("org.slf4j.simpleLogger.log.org.eclipse.jetty", "off");
      // The examples fail on purpose (a 500, a lost race); node warnings are in their traces.
      System.setProperty("org.slf4j.simpleLogger.log.dev.tasktree.node", "error");
    }
    System.exit(run(args, System.getenv(), System.out, System.err));
  }

  /**
   * Runs the demo; when it serves, returns only once the server stops (Ctrl-C ends the process).
   *
   * @return the exit code: 0 when every example was OK, 1 when one failed or the setup failed, 2
   *     for bad arguments
   */
  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err)
      throws InterruptedException {
    Options options;
    try {
      options = parse(args);
    } catch (Problem p) {
      err.println(p.getMessage());
      return 2;
    }
    if (options == null) {
      out.print(USAGE);
      for (Example example : EXAMPLES) {
        out.printf(Locale.ROOT, "  %-18s %s%n", example.name(), example.summary());
      }
      return 0;
    }
    List<Example> selected =
        EXAMPLES.stream()
            .filter(e -> options.example() == null || e.name().equals(options.example()))
            .toList();
    try {
      checkWritable(options.traceDir());
      // Bound before the runs, so that a port in use is reported at once.
      TraceServer server = options.serve() ? startServer(options) : null;
      boolean allOk;
      try (Models models = Models.fromEnvironment(env);
          Stores stores = Stores.fromEnvironment(env)) {
        out.println(models.describe());
        out.println(stores.description());
        models.checkReachable();
        stores.check();
        allOk = runExamples(selected, models, stores, options, env, out);
      } catch (Problem p) {
        if (server != null) {
          server.close();
        }
        throw p;
      }
      if (server != null) {
        serveUntilStopped(server, out);
      }
      return allOk ? 0 : 1;
    } catch (Problem p) {
      err.println(p.getMessage());
      return 1;
    }
  }

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
    if (wanted != null && EXAMPLES.stream().noneMatch(e -> e.name().equals(wanted))) {
      throw new Problem(
          "No example named '"
              + wanted
              + "'. Examples: "
              + String.join(", ", EXAMPLES.stream().map(Example::name).toList())
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

  private static void checkWritable(Path dir) throws Problem {
    try {
      Files.createDirectories(dir);
      Path probe = Files.createTempFile(dir, ".write-check", ".tmp");
      Files.delete(probe);
    } catch (IOException | RuntimeException e) {
      throw new Problem(
          "Cannot write traces to "
              + dir.toAbsolutePath().normalize()
              + " ("
              + reason(e)
              + "). Run from a writable directory or pass --trace-dir DIR.");
    }
  }

  private static boolean runExamples(
      List<Example> examples,
      Models models,
      Stores stores,
      Options options,
      Map<String, String> env,
      PrintStream out) {
    Path traceDir = options.traceDir();
    InMemoryTraceSink memory = new InMemoryTraceSink();
    int ok = 0;
    try (JsonlTraceWriter files =
            JsonlTraceWriter.open(traceDir, Duration.ofMillis(25), Duration.ofSeconds(2));
        OtlpExport otlp = OtlpExport.open(options.otlp(), env, out)) {
      RunOptions runOptions =
          otlp.applyTo(
              RunOptions.defaults()
                  .withTraceSink(new Tee(files, memory))
                  .withCacheStore(stores.cache())
                  .withSignalStore(stores.signals()));
      Session session = new Session(models, runOptions, memory);
      boolean live = out == System.out && System.console() != null;
      for (int i = 0; i < examples.size(); i++) {
        Example example = examples.get(i);
        String progress = "[" + (i + 1) + "/" + examples.size() + "]";
        if (live) {
          out.print(progress + " " + example.name() + " running...");
          out.flush();
        }
        long start = System.nanoTime();
        Example.Outcome outcome;
        try {
          outcome = example.runner().run(session);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          outcome = new Example.Outcome(Result.fail(e), "interrupted", null);
        } catch (Exception e) {
          outcome = new Example.Outcome(Result.fail(e), reason(e), null);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        if (live) {
          out.print("\r\033[2K");
        }
        out.println(line(progress, example.name(), outcome, took, session));
        ok += outcome.result().isOk() ? 1 : 0;
      }
      files.flush(Duration.ofSeconds(5));
      otlp.flush(out);
    }
    out.printf(
        Locale.ROOT,
        "%d of %d examples OK. Traces in %s%n",
        ok,
        examples.size(),
        traceDir.toAbsolutePath().normalize());
    return ok == examples.size();
  }

  static String line(
      String progress, String name, Example.Outcome outcome, Duration took, Session session) {
    long tokens = 0;
    double cost = 0;
    if (outcome.traceId() != null) {
      TraceSummary summary = session.trace(outcome.traceId()).summary();
      tokens = summary.inputTokens() + summary.outputTokens();
      cost = summary.costUsd();
    }
    String answer =
        outcome.result().isOk()
            ? String.valueOf(outcome.answer())
            : failure(outcome.result().data(), outcome.answer());
    return String.format(
        Locale.ROOT,
        "%s %-17s %-4s %-50s %7s %7s %10s  %s",
        progress,
        name,
        outcome.result().isOk() ? "OK" : "FAIL",
        shorten(answer, 50),
        seconds(took),
        tokens + " tok",
        String.format(Locale.ROOT, "$%.6f", cost),
        outcome.traceId() == null ? "-" : outcome.traceId());
  }

  private static String failure(Object data, String answer) {
    String why = data instanceof Throwable t ? reason(t) : String.valueOf(data);
    return answer == null || answer.equals(why) ? why : why + " / " + answer;
  }

  private static String seconds(Duration took) {
    return String.format(Locale.ROOT, "%.2f s", took.toNanos() / 1e9);
  }

  static String shorten(String text, int max) {
    String oneLine = text.replaceAll("\\s+", " ").strip();
    return oneLine.length() <= max ? oneLine : oneLine.substring(0, max - 1) + "…";
  }

  /** The innermost message of an exception, for one line. */
  static String reason(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof java.net.ConnectException) {
        return "connection refused";
      }
      if (t instanceof java.net.UnknownHostException
          || t instanceof java.nio.channels.UnresolvedAddressException) {
        return "unknown host";
      }
      if (t instanceof java.net.http.HttpTimeoutException) {
        return "no answer in time";
      }
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return message == null || message.isBlank()
        ? root.getClass().getSimpleName()
        : message.replaceAll("\\s+", " ").strip();
  }

  private static TraceServer startServer(Options options) throws Problem {
    try {
      return TraceServer.start(
          ServerOptions.defaults().withTraceDir(options.traceDir()).withPort(options.port()));
    } catch (IllegalStateException e) {
      throw new Problem(
          "Cannot serve the trace UI on 127.0.0.1:"
              + options.port()
              + " ("
              + reason(e)
              + "). Is another program using that port? Stop it, pass --port N, or --no-serve.");
    } catch (IOException e) {
      throw new Problem("Cannot serve the trace UI: " + reason(e) + ".");
    }
  }

  private static void serveUntilStopped(TraceServer server, PrintStream out)
      throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                }));
    out.println("Trace UI: " + server.url() + "  (Ctrl-C to stop)");
    out.flush();
    stopped.await();
  }

  /** The cache and signal stores: Redis when {@code TASKTREE_REDIS_URL} is set, else in memory. */
  record Stores(CacheStore cache, SignalStore signals, RedisStore redis, String description)
      implements AutoCloseable {

    static Stores fromEnvironment(Map<String, String> env) throws Problem {
      String url = env.get("TASKTREE_REDIS_URL");
      if (url == null || url.isBlank()) {
        return new Stores(
            new InMemoryCacheStore(),
            new InMemorySignalStore(),
            null,
            "Store: in memory (set TASKTREE_REDIS_URL=redis://host:6379 to share the cache and"
                + " stop signals between processes)");
      }
      RedisStore redis;
      try {
        redis = RedisStore.builder(url.strip()).commandTimeout(Duration.ofSeconds(2)).build();
      } catch (RuntimeException e) {
        throw new Problem(
            "TASKTREE_REDIS_URL is not a Redis URL ("
                + reason(e)
                + "); use e.g. redis://127.0.0.1:6379, or unset it to use the in-memory store.");
      }
      return new Stores(redis, redis, redis, "Store: Redis at " + withoutPassword(url.strip()));
    }

    /** Fails with one clear line when Redis does not answer. */
    void check() throws Problem {
      if (redis == null) {
        return;
      }
      try {
        redis.ping();
      } catch (RuntimeException e) {
        throw new Problem(
            "Cannot reach Redis ("
                + reason(e)
                + "). Start Redis, fix TASKTREE_REDIS_URL, or unset it to use the in-memory"
                + " store.");
      }
    }

    @Override
    public void close() {
      if (redis != null) {
        redis.close();
      }
    }

    private static String withoutPassword(String url) {
      try {
        URI uri = URI.create(url);
        return uri.getUserInfo() == null ? url : url.replace(uri.getRawUserInfo() + "@", "***@");
      } catch (IllegalArgumentException e) {
        return "(the configured URL)";
      }
    }
  }
}
