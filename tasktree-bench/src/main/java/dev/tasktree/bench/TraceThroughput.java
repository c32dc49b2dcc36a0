package dev.tasktree.bench;

import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import dev.tasktree.TreeBuilder;
import dev.tasktree.trace.JsonlTraceWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Trace write throughput: traced runs of a 1,000-leaf Sequence, timed from the first run until the
 * background writer has handed every line to the OS.
 */
final class TraceThroughput {

  private TraceThroughput() {}

  /** Returns {spans per second, bytes per span}. */
  static double[] measure(int runs) throws Exception {
    TreeBuilder<Object> builder = Tree.<Object>named("Throughput").sequence();
    for (int i = 0; i < 1_000; i++) {
      int n = i;
      builder.call(() -> n);
    }
    Tree<Object> tree = builder.end().build();
    Path dir = Files.createTempDirectory("tasktree-bench-throughput");
    try (JsonlTraceWriter writer =
        JsonlTraceWriter.open(dir, Duration.ofMillis(25), Duration.ofSeconds(2))) {
      RunOptions options = RunOptions.defaults().withTraceSink(writer);
      for (int i = 0; i < Math.max(1, runs / 10); i++) {
        tree.run(null, options); // warm-up
      }
      writer.flush(Duration.ofMinutes(1));
      BenchFiles.deleteTree(dir);
      Files.createDirectories(dir);
      long start = System.nanoTime();
      for (int i = 0; i < runs; i++) {
        tree.run(null, options);
      }
      writer.flush(Duration.ofMinutes(5));
      double seconds = (System.nanoTime() - start) / 1e9;
      long spans = runs * 1_002L;
      return new double[] {spans / seconds, (double) BenchFiles.size(dir) / spans};
    } finally {
      BenchFiles.deleteTree(dir);
    }
  }
}
