package dev.tasktree.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The command line's flags. */
class MainTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) throws Exception {
    return Main.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void defaultsServeDotTracesOnLoopbackPort8000() {
    ServerOptions options = Main.parse(new String[0]);
    assertThat(options.traceDir()).isEqualTo(Path.of(".traces"));
    assertThat(options.host()).isEqualTo("127.0.0.1");
    assertThat(options.port()).isEqualTo(8000);
    assertThat(options.token()).isNull();
    assertThat(options.loopback()).isTrue();
  }

  @Test
  void everyFlagIsParsedInBothForms() {
    ServerOptions options =
        Main.parse(
            new String[] {"--trace-dir", "runs", "--host=0.0.0.0", "--port", "9001", "--token=t"});
    assertThat(options.traceDir()).isEqualTo(Path.of("runs"));
    assertThat(options.host()).isEqualTo("0.0.0.0");
    assertThat(options.port()).isEqualTo(9001);
    assertThat(options.token()).isEqualTo("t");
    assertThat(options.loopback()).isFalse();
  }

  @Test
  void helpAndVersionPrintAndExitZero() throws Exception {
    assertThat(run("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("--trace-dir", "--host", "--port", "--token", "--version")
        .contains("RunOptions.defaults().withTraceDir(Path.of(\".traces\"))");
    out.reset();
    assertThat(run("--version")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("tasktree-trace-server 0.");
  }

  @Test
  void badArgumentsExitTwoWithAMessage() throws Exception {
    assertThat(run("--bogus")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown option '--bogus'");
    err.reset();
    assertThat(run("--port", "http")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--port must be a number");
    err.reset();
    assertThat(run("--port")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--port needs a value");
    assertThatThrownBy(() -> Main.parse(new String[] {"--port", "70000"}))
        .hasMessageContaining("between 0 and 65535");
  }

  @Test
  void aPortInUseIsAClearErrorNotAStackTrace() throws Exception {
    try (TraceServer first =
        TraceServer.start(
            ServerOptions.defaults()
                .withTraceDir(Path.of("target", "main-test-traces"))
                .withPort(0))) {
      int code =
          run("--trace-dir", "target/main-test-traces", "--port", String.valueOf(first.port()));
      assertThat(code).isEqualTo(1);
      assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("error: cannot listen on");
    }
  }
}
