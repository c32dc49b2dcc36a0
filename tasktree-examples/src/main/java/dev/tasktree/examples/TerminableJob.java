package dev.tasktree.examples;

import dev.tasktree.Result;
import dev.tasktree.Tree;
import dev.tasktree.llm.Llm;
import dev.tasktree.llm.LlmModel;
import dev.tasktree.llm.LlmReply;
import dev.tasktree.store.SignalStore;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Example 7, a terminable job: a long job drafts a report chapter by chapter until someone raises
 * the job's stop signal in the signal store — from this process, or from another one when the store
 * is Redis ({@code SET tasktree:signal:stop:<job id> "reason"}). The signal cancels the running
 * call at once and the fallback keeps what was drafted.
 */
public final class TerminableJob {

  private TerminableJob() {}

  /** The blackboard: the job's id, the chapters to draft and the drafts so far. */
  public static final class Report {
    final String id;
    final List<String> chapters;
    final List<String> drafts = new CopyOnWriteArrayList<>();
    final CountDownLatch twoDrafted = new CountDownLatch(2);
    String outcome;

    public Report(String id, List<String> chapters) {
      this.id = id;
      this.chapters = chapters;
    }

    boolean moreToDraft() {
      return drafts.size() < chapters.size();
    }

    String nextChapter() {
      return chapters.get(drafts.size());
    }

    void addDraft(String draft) {
      drafts.add(draft);
      twoDrafted.countDown();
    }

    void setOutcome(String outcome) {
      this.outcome = outcome;
    }

    public String outcome() {
      return outcome;
    }
  }

  // spotless:off
  // snippet:terminable-job
  public static Tree<Report> tree(LlmModel writer) {
    return Tree.<Report>named("TerminableJob")
        .sequence()
            .terminable(report -> "stop:" + report.id)
                .repeatWhile(Report::moreToDraft)
                    .sequence()
                        .node(Llm.<Report>prompt(writer, "Draft this chapter.", Report::nextChapter))
                        .writeBlackboard(LlmReply.text(Report::addDraft))
                    .end()
            .fallback()
                .call(report -> "stopped: kept " + report.drafts.size() + " of "
                    + report.chapters.size() + " chapters")
            .writeBlackboard(Report::setOutcome)
        .end()
        .build();
  }

  /** Stops the job — from any thread, or any process sharing the store. */
  static void stop(SignalStore signals, String jobId) {
    signals.raise("stop:" + jobId, "stopped by the user", Duration.ofMinutes(5));
  }
  // end-snippet
  // spotless:on

  static final List<String> CHAPTERS =
      List.of("Summary", "Market", "Product", "Team", "Risks", "Finances", "Timeline", "Appendix");

  static Example.Outcome run(Session session) throws InterruptedException {
    Tree<Report> tree = tree(session.models().model("writer"));
    Report report = new Report("report-" + UUID.randomUUID().toString().substring(0, 8), CHAPTERS);
    var handle = tree.start(report, session.options());
    // The user changes their mind after two chapters (or after a minute on a slow endpoint).
    report.twoDrafted.await(60, TimeUnit.SECONDS);
    stop(session.options().signalStore(), report.id);
    Result result = handle.await();
    return new Example.Outcome(result, report.outcome(), handle.traceId());
  }
}
