package dev.tasktree.server;

import java.nio.file.Path;

/**
 * Fills a directory with demo traces and serves it (for looking at the UI by hand): {@code
 * DemoServer <dir> <port>}.
 */
final class DemoServer {

  private DemoServer() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args.length > 0 ? args[0] : "target/demo-traces");
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 8000;
    Fixtures.runMany(dir, 40);
    Fixtures.llmTree("weather chat", "ask model", "It is 21 °C and sunny in Paris.")
        .run(new Fixtures.Board(1, false), Fixtures.options(dir));
    Fixtures.runGather(dir, "fan out 300", 300);
    Fixtures.flush(dir);
    try (TraceServer server =
        TraceServer.start(ServerOptions.defaults().withTraceDir(dir).withPort(port))) {
      System.out.println("Open " + server.url());
      Thread.sleep(Long.MAX_VALUE);
    }
  }
}
