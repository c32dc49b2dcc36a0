package dev.tasktree.server;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The command line: {@code java -jar tasktree-trace-server.jar --trace-dir .traces}. Prints the URL
 * to open and serves until stopped (Ctrl-C).
 */
public final class Main {

  static final String USAGE =
      """
      Usage: java -jar tasktree-trace-server.jar [options]

      Serves the TaskTree trace UI and JSON API over a directory of trace files.

      Options:
        --trace-dir DIR   directory of <traceId>.jsonl trace files (default: .traces;
                          created and watched when it does not exist yet)
        --host HOST       address to listen on (default: 127.0.0.1, this machine only)
        --port PORT       port to listen on (default: 8000; 0 = any free port)
        --token TOKEN     require this token for the API and the UI (open the printed URL)
        --help            print this help and exit
        --version         print the version and exit

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
          "WARNING: listening on "
              + options.host()
              + ", not only on this machine: anyone who can reach it can read your traces."
              + (options.token() == null ? " Consider --token." : ""));
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
    ServerOptions options = ServerOptions.defaults();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        value = arg.substring(eq + 1);
        arg = arg.substring(0, eq);
      }
      switch (arg) {
        case "--help", "-h" -> throw new Help();
        case "--version", "-V" -> throw new Version();
        case "--trace-dir", "--host", "--port", "--token" -> {
          if (value == null) {
            if (i + 1 >= args.length) {
              throw new IllegalArgumentException(arg + " needs a value");
            }
            value = args[++i];
          }
          options =
              switch (arg) {
                case "--trace-dir" -> options.withTraceDir(Path.of(value));
                case "--host" -> options.withHost(value);
                case "--port" -> options.withPort(port(value));
                default -> options.withToken(value);
              };
        }
        default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
      }
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
