package dev.tasktree.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasktree.RunHandle;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No line a writer emits exceeds what a reader accepts ({@link TraceFormat#MAX_LINE_BYTES}): huge
 * log messages, data, attributes, error messages and stacks are cut (ValueLimits first, the line
 * limit as the guarantee), and the file reads back whole, nothing dropped as corrupt.
 */
class LineLimitTest {

  private static final int HUGE = 9 << 20; // 9 M chars: above the 8 MiB line limit

  @TempDir Path dir;
  private JsonlTraceWriter writer;

  @AfterEach
  void close() {
    if (writer != null) {
      writer.close();
    }
  }

  private Path run(Tree<String> tree, RunOptions options) throws Exception {
    writer = JsonlTraceWriter.open(dir, Duration.ofMillis(10), Duration.ofMillis(100));
    RunHandle handle = tree.start("x", options.withTraceSink(writer));
    handle.await();
    assertThat(writer.flush(Duration.ofSeconds(30))).isTrue();
    return dir.resolve(handle.traceId() + ".jsonl");
  }

  /** Every line within the limit, the file read back with no corrupt line. */
  private static Trace assertFits(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    int start = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        assertThat(i + 1 - start).isLessThanOrEqualTo(TraceFormat.MAX_LINE_BYTES);
        start = i + 1;
      }
    }
    Trace trace = new TraceReader().read(file);
    assertThat(trace.summary().corruptLines()).isZero();
    return trace;
  }

  private static Tree<String> hugeEverything() {
    return Tree.<String>named("Huge")
        .sequence()
        .call(
            (s, ctx) -> {
              ctx.log(LogLevel.INFO, "x".repeat(HUGE));
              ctx.log(LogLevel.WARN, "w".repeat(HUGE));
              for (int i = 0; i < 1_200; i++) {
                ctx.attribute("attr-" + i, "a".repeat(8_000));
              }
              List<String> data = new ArrayList<>();
              for (int i = 0; i < 1_100; i++) {
                data.add("d".repeat(8_000));
              }
              return data;
            })
        .call(
            s -> {
              throw new IllegalStateException("m".repeat(HUGE), deep(2_000));
            })
        .end()
        .build();
  }

  private static Exception deep(int depth) {
    return depth == 0 ? new RuntimeException("root cause") : deep(depth - 1);
  }

  @Test
  void defaultLimitsCutLogsAndEveryFieldAndNoLineIsTooLong() throws Exception {
    Trace trace = assertFits(run(hugeEverything(), RunOptions.defaults()));
    Span first = trace.spans().filter(s -> s.kind().equals("Call")).findFirst().orElseThrow();
    assertThat(first.logs()).hasSize(2);
    assertThat(first.logs().getFirst().message())
        .hasSizeLessThan(ValueLimits.DEFAULT.maxStringChars() + 100)
        .endsWith("…[truncated: " + HUGE + " chars]");
    assertThat(first.data().toString()).contains("truncated");
    Span failed = trace.spans().filter(s -> s.kind().equals("Call")).toList().get(1);
    assertThat(failed.error().message()).endsWith("…[truncated: " + HUGE + " chars]");
  }

  @Test
  void evenWithoutValueLimitsNoLineExceedsWhatReadersAccept() throws Exception {
    RunOptions unlimited =
        RunOptions.defaults().withValueLimits(new ValueLimits(Integer.MAX_VALUE, 1_000_000, 64));
    Trace trace = assertFits(run(hugeEverything(), unlimited));
    assertThat(trace.summary().spanCount()).isEqualTo(4);
    Span first = trace.spans().filter(s -> s.kind().equals("Call")).findFirst().orElseThrow();
    assertThat(first.logs()).hasSize(2);
    assertThat(first.logs().getFirst().message()).contains("truncated");
  }

  @Test
  void aReaderSkipsAnOverlongLineWithoutLosingTheRest() throws Exception {
    InMemoryTraceSink memory = new InMemoryTraceSink();
    Tree.<String>named("Small")
        .call(s -> "ok")
        .build()
        .run("x", RunOptions.defaults().withTraceSink(memory));
    List<TraceEvent> events = memory.events(memory.last().summary().traceId());
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    file.write(TraceCodec.line(events.getFirst()));
    file.write(
        ("{\"type\":\"log\",\"message\":\"" + "z".repeat(TraceFormat.MAX_LINE_BYTES) + "\"}\n")
            .getBytes(StandardCharsets.UTF_8));
    for (TraceEvent event : events.subList(1, events.size())) {
      file.write(TraceCodec.line(event));
    }
    InputStream in = new ByteArrayInputStream(file.toByteArray());
    Trace trace = new TraceReader().read(in, "overlong");
    assertThat(trace.summary().corruptLines()).isEqualTo(1);
    assertThat(trace.summary().status()).isEqualTo(Status.OK);
    assertThat(trace.data().asText()).isEqualTo("ok");
  }
}
