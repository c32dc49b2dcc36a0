package dev.tasktree.server;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * {@code prune --older-than 30d | --keep N [--dry-run]}: deletes old traces from a directory with
 * the {@link Pruner}'s rules (running traces, and files written within the last 10 s, are kept).
 */
final class PruneCommand {

  private static final Duration STALE_AFTER = Duration.ofSeconds(10);

  private PruneCommand() {}

  static int run(String[] argv, PrintStream out) throws IOException {
    CliArgs args =
        CliArgs.parse(
            argv, 1, Set.of("--trace-dir", "--older-than", "--keep"), Set.of("--dry-run"));
    if (!args.positional.isEmpty()) {
      throw new IllegalArgumentException(
          "unexpected argument '" + args.positional.getFirst() + "'");
    }
    String age = args.last("--older-than");
    String keep = args.last("--keep");
    if (age == null && keep == null) {
      throw new IllegalArgumentException("prune needs --older-than AGE, --keep N or both");
    }
    Retention retention =
        new Retention(
            age == null ? null : Retention.age(age), keep == null ? null : Retention.count(keep));
    TraceFileReader files = HistoryCommands.files(args, STALE_AFTER);
    List<IndexEntry> victims =
        Pruner.victims(DirectoryScan.scan(files), retention, Instant.now(), STALE_AFTER);
    boolean dryRun = args.flag("--dry-run");
    List<IndexEntry> deleted = dryRun ? victims : Pruner.delete(files, victims);
    for (IndexEntry e : deleted) {
      out.println((dryRun ? "would delete " : "deleted ") + e.id());
    }
    out.println(
        (dryRun ? "would delete " : "deleted ")
            + deleted.size()
            + " trace file(s) from "
            + files.directory());
    return 0;
  }
}
