package dev.tasktree.bench;

import static dev.tasktree.bench.BenchMain.f;

import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import dev.tasktree.TreeBuilder;
import dev.tasktree.store.FileJournal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a checkpoint adds with the file journal: one tree of ten {@code .checkpoint()} calls run
 * without a journal and with a file journal (fsync on every append, and no fsync), batches taking
 * turns in the same run; the figure is the added time per checkpoint, and the ratio of whole runs.
 */
final class DurableFigures {

  private static final int CHECKPOINTS = 10;

  private DurableFigures() {}

  /** Runs only these figures ({@code --quick} for a smoke run). */
  public static void main(String[] args) throws Exception {
    Report report = new Report();
    run(report, java.util.Arrays.asList(args).contains("--quick"));
    report.print(System.out);
  }

  static void run(Report report, boolean quick) throws Exception {
    TreeBuilder<Object> b = Tree.named("Checkpoints").sequence();
    for (int i = 0; i < CHECKPOINTS; i++) {
      int n = i;
      b.checkpoint(String.class).call(x -> "step " + n);
    }
    Tree<Object> tree = b.end().build();
    Path dir = Files.createTempDirectory("tasktree-bench-journal");
    try {
      List<RunOptions> options =
          List.of(
              RunOptions.defaults(),
              RunOptions.defaults()
                  .withJournal(
                      FileJournal.open(dir.resolve("fsync"), FileJournal.Sync.EVERY_APPEND)),
              RunOptions.defaults()
                  .withJournal(FileJournal.open(dir.resolve("none"), FileJournal.Sync.NONE)));
      int batches = quick ? 10 : 40;
      int perBatch = quick ? 10 : 25;
      long[][] samples = new long[options.size()][batches];
      for (int batch = -batches / 2; batch < batches; batch++) { // negative batches warm up
        for (int k = 0; k < options.size(); k++) {
          int o = (k + Math.floorMod(batch, options.size())) % options.size();
          long t0 = System.nanoTime();
          for (int i = 0; i < perBatch; i++) {
            tree.run(null, options.get(o));
          }
          if (batch >= 0) {
            samples[o][batch] = (System.nanoTime() - t0) / perBatch;
          }
        }
      }
      double bare = Samples.of(samples[0]).medianNanos();
      double fsync = Samples.of(samples[1]).medianNanos();
      double none = Samples.of(samples[2]).medianNanos();
      report.add(
          new Figure(
              "checkpoint added cost, file journal (fsync every append)",
              f("%.1f µs per checkpoint", Math.max(0, fsync - bare) / CHECKPOINTS / 1_000),
              f("same tree, no journal: %.1f µs per run", bare / 1_000),
              f("%.0f× per run", fsync / bare),
              "small next to an LLM call (≥ 100 ms)",
              Figure.yesNo((fsync - bare) / CHECKPOINTS < 10_000_000)));
      report.add(
          new Figure(
              "checkpoint added cost, file journal (no fsync)",
              f("%.1f µs per checkpoint", Math.max(0, none - bare) / CHECKPOINTS / 1_000),
              f("same tree, no journal: %.1f µs per run", bare / 1_000),
              f("%.0f× per run", none / bare),
              "small next to an LLM call (≥ 100 ms)",
              Figure.yesNo((none - bare) / CHECKPOINTS < 10_000_000)));
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
