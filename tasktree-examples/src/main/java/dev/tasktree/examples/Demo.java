package dev.tasktree.examples;

import dev.tasktree.Result;
import dev.tasktree.RunOptions;
import dev.tasktree.server.ServerOptions;
import dev.tasktree.server.TraceServer;
import dev.tasktree.store.FileJournal;
import dev.tasktree.store.Journal;
import dev.tasktree.trace.InMemoryTraceSink;
import dev.tasktree.trace.JsonlTraceWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The README's main command: runs the examples (see {@link Examples}) — against a real
 * OpenAI-compatible endpoint when one is configured, else against the scripted server — prints one
 * line per example ({@link Report}), writes the traces to {@code .traces} and serves the trace UI
 * on {@code http://127.0.0.1:8000} until Ctrl-C. {@code --help} lists the options ({@link
 * CommandLine}).
 */
public final class Demo {

  private Demo() {}

  public static void main(String[] args) throws InterruptedException {
    // Problems are reported in one line each; library logs would repeat them with stack traces.
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
      System.setProperty("org.slf4j.simpleLogger.log.io.javalin", "off");
      System.setProperty("org.slf4j.simpleLogger.log.org.eclipse.jetty", "off");
      // The examples fail on purpose (a 500, a lost race); node warnings are in their traces.
      System.setProperty("org.slf4j.simpleLogger.log.dev.tasktree.node", "error");
      // The trace dir's listing is not news; the server's line on a decision is kept.
      System.setProperty("org.slf4j.simpleLogger.log.dev.tasktree.server.TraceIndex", "warn");
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
    CommandLine.Options options;
    try {
      options = CommandLine.parse(args);
    } catch (Problem p) {
      err.println(p.getMessage());
      return 2;
    }
    if (options == null) {
      out.print(CommandLine.USAGE);
      for (Example example : Examples.ALL) {
        out.printf(Locale.ROOT, "  %-18s %s%n", example.name(), example.summary());
      }
      return 0;
    }
    List<Example> selected =
        Examples.ALL.stream()
            .filter(e -> options.example() == null || e.name().equals(options.example()))
            .toList();
    try {
      checkWritable(options.traceDir());
      // Bound before the runs, so that a port in use is reported at once.
      TraceServer server = options.serve() ? startServer(options) : null;
      boolean allOk;
      try (Models models = Models.fromEnvironment(env);
          DemoStores stores = DemoStores.fromEnvironment(env)) {
        out.println(models.describe());
        out.println(stores.description());
        models.checkReachable();
        stores.check();
        allOk = runExamples(selected, models, stores, options, server, env, out);
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
              + Report.reason(e)
              + "). Run from a writable directory or pass --trace-dir DIR.");
    }
  }

  private static boolean runExamples(
      List<Example> examples,
      Models models,
      DemoStores stores,
      CommandLine.Options options,
      TraceServer server,
      Map<String, String> env,
      PrintStream out) {
    Path traceDir = options.traceDir();
    InMemoryTraceSink memory = new InMemoryTraceSink();
    int ok = 0;
    try (JsonlTraceWriter files =
            JsonlTraceWriter.open(traceDir, Duration.ofMillis(25), Duration.ofSeconds(2));
        OtlpExport otlp = OtlpExport.open(options.otlp(), env, out);
        // durable examples journal in Redis when it is configured, else in the trace dir
        FileJournal local =
            stores.redis() == null ? FileJournal.open(traceDir.resolve("journal")) : null) {
      Journal journal = local != null ? local : stores.redis().journal();
      RunOptions runOptions =
          otlp.applyTo(
              RunOptions.defaults()
                  .withTraceSink(new Tee(files, memory))
                  .withCacheStore(stores.cache())
                  .withSignalStore(stores.signals()));
      Session session =
          new Session(
              models, runOptions, memory, journal, traceDir, server == null ? null : server.url());
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
          outcome = new Example.Outcome(Result.fail(e), Report.reason(e), null);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        if (live) {
          out.print("\r\033[2K");
        }
        out.println(Report.line(progress, example.name(), outcome, took, session));
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

  private static TraceServer startServer(CommandLine.Options options) throws Problem {
    try {
      return TraceServer.start(
          ServerOptions.defaults().withTraceDir(options.traceDir()).withPort(options.port()));
    } catch (IllegalStateException e) {
      throw new Problem(
          "Cannot serve the trace UI on 127.0.0.1:"
              + options.port()
              + " ("
              + Report.reason(e)
              + "). Is another program using that port? Stop it, pass --port N, or --no-serve.");
    } catch (IOException e) {
      throw new Problem("Cannot serve the trace UI: " + Report.reason(e) + ".");
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
}
