package dev.tasktree.examples;

import dev.tasktree.Result;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import dev.tasktree.spi.CheckpointCodec;
import dev.tasktree.store.FileJournal;
import dev.tasktree.store.Journal;
import java.nio.file.Path;

/**
 * The code shown in {@code docs/durable.md}, compiled and exercised by {@code SnippetsTest}: each
 * {@code snippet:NAME} region below is a Java block of the docs, word for word.
 */
public final class DurableSnippets {

  private DurableSnippets() {}

  /** A report a slow step produces. */
  public record Report(String title, int pages) {}

  /** A blackboard for the snippets. */
  public static final class Order {
    final String id;
    Report report;
    String receipt;

    /** An order. */
    public Order(String id) {
      this.id = id;
    }

    void setReport(Report report) {
      this.report = report;
    }

    /** The report, once written. */
    public Report report() {
      return report;
    }
  }

  static Report compile(Order order) {
    return new Report("report for " + order.id, 3);
  }

  static String charge(String orderId) {
    return "receipt-" + orderId;
  }

  // spotless:off
  // snippet:durable-checkpoint
  static final Tree<Order> FULFIL = Tree.<Order>named("Fulfil")
      .sequence()
          .checkpoint(Report.class).call(order -> compile(order))   // journaled as JSON
          .writeBlackboard(Order::setReport)                         // the write runs on resume too
      .end()
      .build();
  // end-snippet
  // spotless:on

  /** Runs the tree durably, then resumes whatever did not finish. */
  static Result runAndResume(Path dir, Order order) {
    // snippet:durable-run
    Journal journal = FileJournal.open(dir); // one file per run; fsync on every checkpoint
    RunOptions options = RunOptions.defaults().withJournal(journal);
    Result result = FULFIL.run(order, options);

    // after a crash, in this process or a new one:
    for (String runId : journal.resumable()) {
      Result resumed = FULFIL.resume(runId, new Order("o-1"), options);
    }
    // end-snippet
    return result;
  }

  // snippet:durable-context
  static final CheckpointCodec<String> TEXT =
      new CheckpointCodec<>() {
        @Override
        public String encode(String value) throws Exception {
          return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(value);
        }

        @Override
        public String decode(String json) throws Exception {
          return new com.fasterxml.jackson.databind.ObjectMapper().readValue(json, String.class);
        }
      };

  static final Tree<Order> CHARGE =
      Tree.<Order>named("Charge")
          .call((order, ctx) -> ctx.checkpoint("charge", TEXT, () -> charge(order.id)))
          .build();
  // end-snippet
}
