package dev.tasktree.server;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * The command line: {@code java -jar tasktree-trace-server.jar --trace-dir .traces}. Prints the URL
 * to open and serves until stopped (Ctrl-C).
 */
public final class Main {

  static final String USAGE =
      """
      Usage: java -jar tasktree-trace-server.jar [serve] [options]
             java -jar tasktree-trace-server.jar list [--status S] [--name X] [--since 1h] [--limit N] [--json]
             java -jar tasktree-trace-server.jar show TRACE_ID [--json]
             java -jar tasktree-trace-server.jar prune --older-than 30d | --keep N [--dry-run]

      serve (the default) serves the TaskTree trace UI and JSON API over a directory of traces.
      list prints runs newest first; show prints one run's status outline; prune deletes old
      traces (never a running one). Every command takes --trace-dir DIR (default: .traces).

      Serve options:
        --trace-dir DIR        directory of <traceId>.jsonl trace files (default: .traces;
                               created and watched when it does not exist yet)
        --host HOST            address to listen on (default: 127.0.0.1, this machine only)
        --port PORT            port to listen on (default: 8000; 0 = any free port)
        --token TOKEN          require this token for the API and the UI (open the printed URL)
        --allowed-host NAME    also answer requests addressed to NAME (repeatable), e.g. the
                               machine's name when listening on another address
        --insecure-no-token    listen on a non-loopback address without a token (dangerous)
        --retain SPEC          prune while serving: an age (30d), a count (5000) or both (30d,5000)
        --redis-url URL        deliver approval decisions from the UI to this Redis (where runs
                               with a RedisStore wait) instead of to DIR/signals
        --redis-prefix PREFIX  the RedisStore key prefix of those runs (default: tasktree:)
        --help                 print this help and exit
        --version              print the version and exit

      Write traces from a run with:
        tree.run(blackboard, RunOptions.defaults().withTraceDir(Path.of(".traces")));
      """;

  private Main() {}

  /** Runs the server until the process is stopped. */
  public static void main(String[] args) throws Exception {
    int code = run(args, System.out, System.err);
    if (code >= 0) {
      System.exit(code);
    }
  }

  /**
   * Parses the arguments and starts the server.
   *
   * @return an exit code, or -1 when the server is running (then this call does not return until
   *     the process is stopped)
   */
  static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
    String command = args.length > 0 && !args[0].startsWith("-") ? args[0] : "serve";
    try {
      switch (command) {
        case "list" -> {
          return HistoryCommands.list(args, out);
        }
        case "show" -> {
          return HistoryCommands.show(args, out);
        }
        case "prune" -> {
          return PruneCommand.run(args, out);
        }
        case "serve" -> {
          if (args.length > 0 && args[0].equals("serve")) {
            args = java.util.Arrays.copyOfRange(args, 1, args.length);
          }
        }
        default -> {
          err.println("error: unknown command '" + command + "' (serve, list, show or prune)");
          err.println("Run with --help for the options.");
          return 2;
        }
      }
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      err.println("Run with --help for the options.");
      return 2;
    } catch (java.io.IOException e) {
      err.println("error: " + e.getMessage());
      return 1;
    }
    return serve(args, out, err);
  }

  private static int serve(String[] args, PrintStream out, PrintStream err)
      throws InterruptedException {
    ServerOptions options;
    try {
      options = parse(args);
    } catch (Help h) {
      out.print(USAGE);
      return 0;
    } catch (Version v) {
      out.println("tasktree-trace-server " + TraceServer.version());
      return 0;
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      err.println("Run with --help for the options.");
      return 2;
    }
    TraceServer server;
    try {
      server = TraceServer.start(options);
    } catch (Exception e) {
      err.println("error: " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                }));
    if (!options.loopback()) {
      err.println(
          options.token() == null
              ? "WARNING: --insecure-no-token: listening on "
                  + options.host()
                  + " WITHOUT a token. Anyone who can reach this address reads every trace —"
                  + " prompts, model outputs, tool arguments, errors — and no password protects"
                  + " them. Use --token unless this network is yours alone."
              : "WARNING: listening on "
                  + options.host()
                  + ", not only on this machine: requests need the token.");
    }
    out.println(
        "TaskTree trace server "
            + TraceServer.version()
            + " serving "
            + server.index().directory());
    out.println("Open " + server.url());
    out.flush();
    stopped.await();
    return -1;
  }

  static ServerOptions parse(String[] args) {
    CliArgs parsed =
        CliArgs.parse(
            args,
            0,
            Set.of(
                "--trace-dir",
                "--host",
                "--port",
                "--token",
                "--allowed-host",
                "--retain",
                "--redis-url",
                "--redis-prefix"),
            Set.of("--help", "-h", "--version", "-V", "--insecure-no-token"));
    if (parsed.flag("--help") || parsed.flag("-h")) {
      throw new Help();
    }
    if (parsed.flag("--version") || parsed.flag("-V")) {
      throw new Version();
    }
    if (!parsed.positional.isEmpty()) {
      throw new IllegalArgumentException("unknown option '" + parsed.positional.getFirst() + "'");
    }
    ServerOptions options =
        ServerOptions.defaults()
            .withInsecureNoToken(parsed.flag("--insecure-no-token"))
            .withAllowedHosts(parsed.all("--allowed-host"));
    if (parsed.last("--trace-dir") != null) {
      options = options.withTraceDir(Path.of(parsed.last("--trace-dir")));
    }
    if (parsed.last("--host") != null) {
      options = options.withHost(parsed.last("--host"));
    }
    if (parsed.last("--port") != null) {
      options = options.withPort(port(parsed.last("--port")));
    }
    if (parsed.last("--token") != null) {
      options = options.withToken(parsed.last("--token"));
    }
    if (parsed.last("--retain") != null) {
      options = options.withRetention(Retention.parse(parsed.last("--retain")));
    }
    if (parsed.last("--redis-url") != null || parsed.last("--redis-prefix") != null) {
      options = options.withRedis(parsed.last("--redis-url"), parsed.last("--redis-prefix"));
    }
    return options;
  }

  private static int port(String value) {
    try {
      int port = Integer.parseInt(value);
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("--port must be between 0 and 65535");
      }
      return port;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--port must be a number, was '" + value + "'");
    }
  }

  private static final class Help extends RuntimeException {
    Help() {
      super(null, null, false, false);
    }
  }

  private static final class Version extends RuntimeException {
    Version() {
      super(null, null, false, false);
    }
  }
}
