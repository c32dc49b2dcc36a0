package dev.tasktree.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasktree.Result;
import dev.tasktree.RunOptions;
import dev.tasktree.trace.InMemoryTraceSink;
import dev.tasktree.trace.Span;
import dev.tasktree.trace.Status;
import dev.tasktree.trace.Trace;
import dev.tasktree.trace.TraceReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExamplesTest {

  private final InMemoryTraceSink traces = new InMemoryTraceSink();
  private final RunOptions options = RunOptions.defaults().withTraceSink(traces);

  @Test
  void quickStartFallsBackPastTheSlowServiceWithinItsTimeout() {
    QuickStart.Chat chat = new QuickStart.Chat("What is a behavior tree?");
    Result result = QuickStart.ANSWER.run(chat, options);
    assertThat(result.isOk()).isTrue();
    assertThat(chat.answer())
        .isIn(
            "A tree of tasks whose control flow is decided by OK/FAIL results.",
            "No service answered.");
    Trace trace = traces.last();
    Span timeout = trace.spansOfKind("Timeout").getFirst();
    assertThat(timeout.status()).isEqualTo(Status.FAIL);
    assertThat(timeout.error().type()).isEqualTo(TimeoutException.class.getName());
    assertThat(timeout.children().getFirst().status()).isEqualTo(Status.CANCELLED);
    assertThat(trace.spansOfKind("Retry")).hasSize(1);
  }

  @Test
  void plainWorkflowPricesEveryLine() {
    PlainWorkflow.Invoice invoice =
        new PlainWorkflow.Invoice(
            "{\"customer\": \"ACME\", \"lines\": [{\"sku\": \"a\", \"quantity\": 2, \"unitPrice\": 1.5},"
                + " {\"sku\": \"b\", \"quantity\": 1, \"unitPrice\": 0.25}]}");
    assertThat(PlainWorkflow.TREE.run(invoice, options)).isEqualTo(Result.ok(3.25));
    assertThat(invoice.notes()).containsExactly("total 3.25");
    assertThat(traces.last().spansOfKind("While").getFirst().children()).hasSize(2);
  }

  @Test
  void plainWorkflowRefusesAnEmptyOrder() {
    PlainWorkflow.Invoice invoice =
        new PlainWorkflow.Invoice("{\"customer\": \"ACME\", \"lines\": []}");
    assertThat(PlainWorkflow.TREE.run(invoice, options))
        .isEqualTo(Result.fail("empty order for ACME"));
  }

  @Test
  void theDemoRunsEveryExampleAndWritesTheirTraces(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Demo.run(
            new String[] {"--trace-dir", dir.toString()},
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(printed)
        .containsPattern("fallback-chain +OK ")
        .containsPattern("plain-workflow +OK ");
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.filter(p -> p.toString().endsWith(".jsonl")).toList();
    }
    assertThat(files).hasSize(2);
    for (Path file : files) {
      assertThat(new TraceReader().read(file).summary().status()).isEqualTo(Status.OK);
    }
  }

  @Test
  void theDemoExplainsBadArguments() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
    PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    assertThat(Demo.run(new String[] {"--example", "nope"}, out, errStream)).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("No example named 'nope'");
  }
}
