package dev.tasktree.bench;

import dev.tasktree.BlackboardFunction;
import dev.tasktree.Result;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import dev.tasktree.TreeBuilder;
import dev.tasktree.trace.JsonlTraceWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Per-node overhead: a Sequence of 1,000 call leaves against the same 1,000 functions called in a
 * plain loop, with tracing off, to a JSON Lines file, to OpenTelemetry (a real SDK whose exporter
 * discards, so the run thread's cost is measured, not a collector's), and to both at once.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class NodeOverheadBench {

  static final int LEAVES = 1_000;

  /** The blackboard: a counter every leaf bumps. */
  public static final class Counter {
    long value;
  }

  private final List<BlackboardFunction<Counter, Object>> functions = new ArrayList<>();
  private final Counter counter = new Counter();
  private Tree<Counter> tree;
  private RunOptions untraced;
  private RunOptions traced;
  private RunOptions otel;
  private RunOptions jsonlAndOtel;
  private JsonlTraceWriter writer;
  private Path dir;
  private OtelDiscarding sdk;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    TreeBuilder<Counter> builder = Tree.<Counter>named("Overhead").sequence();
    for (int i = 0; i < LEAVES; i++) {
      BlackboardFunction<Counter, Object> f = c -> ++c.value;
      functions.add(f);
      builder.call(f);
    }
    tree = builder.end().build();
    untraced = RunOptions.defaults();
    dir = Files.createTempDirectory("tasktree-bench-overhead");
    writer = JsonlTraceWriter.open(dir, Duration.ofMillis(25), Duration.ofSeconds(2));
    traced = RunOptions.defaults().withTraceSink(writer);
    sdk = new OtelDiscarding();
    otel = sdk.otel().applyTo(RunOptions.defaults());
    jsonlAndOtel = sdk.otel().applyTo(traced);
  }

  /**
   * Between iterations (untimed): waits for the writer, then deletes the iteration's trace files.
   * At under a microsecond a node the traced rows write about 500 MB of traces a second; kept, they
   * outgrow the page cache within seconds and the later iterations measured the disk's writeback
   * (1.3–1.7 µs a node on this VM) instead of TaskTree. Deleted, their pages are never written
   * back.
   */
  @TearDown(Level.Iteration)
  public void deleteIterationTraces() throws IOException {
    writer.flush(Duration.ofMinutes(1));
    try (var files = Files.list(dir)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(file);
      }
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    writer.close();
    sdk.close();
    BenchFiles.deleteTree(dir);
  }

  @Benchmark
  public Object plainLoop() throws Exception {
    Object last = null;
    for (BlackboardFunction<Counter, Object> f : functions) {
      last = f.apply(counter);
    }
    return last;
  }

  @Benchmark
  public Result treeUntraced() {
    return tree.run(counter, untraced);
  }

  @Benchmark
  public Result treeTracedToJsonl() {
    return tree.run(counter, traced);
  }

  @Benchmark
  public Result treeTracedToOtel() {
    return tree.run(counter, otel);
  }

  @Benchmark
  public Result treeTracedToJsonlAndOtel() {
    return tree.run(counter, jsonlAndOtel);
  }
}
