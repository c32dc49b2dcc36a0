package dev.tasktree.examples;

import dev.tasktree.Result;
import dev.tasktree.RunHandle;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import dev.tasktree.llm.Llm;
import dev.tasktree.llm.LlmModel;
import dev.tasktree.llm.LlmReply;
import dev.tasktree.store.Checkpoint;
import dev.tasktree.store.Journal;
import dev.tasktree.store.JournalHeader;
import dev.tasktree.store.JournalRecord;
import dev.tasktree.trace.Attributes;
import dev.tasktree.trace.Span;
import dev.tasktree.trace.Trace;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Example 10, crashed-run: a durable run — a plan, an outline, three sections written in parallel
 * and an edit, six LLM calls journaled as they complete — whose process "dies" after the third
 * call, then {@code resume}d: the three journaled calls return their recorded replies (spans marked
 * replayed), only the other three are called again, and the report is the one an uninterrupted run
 * writes.
 *
 * <p>The crash is simulated in this process so the demo stays one command: the first attempt runs
 * on a journal that stops recording after {@value #CRASH_AFTER} checkpoints (as if the machine lost
 * power there) and is cut off at that moment, never recording its end. A real kill -9 across two
 * JVMs is what {@code DurableCrossProcessTest} (tasktree-store-redis) does.
 */
public final class CrashedRun {

  /** How many calls complete before the simulated crash. */
  static final int CRASH_AFTER = 3;

  private CrashedRun() {}

  /** One section to write; also the blackboard of the per-section subtree. */
  public record Section(String topic) {}

  /** The blackboard: the question in, the plan, outline, sections and report out. */
  public static final class Brief {
    final String question;
    String plan;
    String outline;
    List<String> sections = List.of();
    String report;

    public Brief(String question) {
      this.question = question;
    }

    void setPlan(String plan) {
      this.plan = plan;
    }

    void setOutline(String outline) {
      this.outline = outline;
    }

    void setSections(List<LlmReply> replies) {
      sections = replies.stream().map(LlmReply::text).toList();
    }

    void setReport(String report) {
      this.report = report;
    }

    List<Section> topics() {
      return List.of(new Section("cost"), new Section("latency"), new Section("risk"));
    }

    public String report() {
      return report;
    }
  }

  // spotless:off
  // snippet:crashed-run
  public static Tree<Brief> tree(LlmModel planner, LlmModel writer, LlmModel editor) {
    Tree<Section> writeSection = Tree.<Section>named("WriteSection")
        .node(Llm.prompt(writer, "Write one paragraph.", "Section on {{topic}}"))
        .build();

    return Tree.<Brief>named("Research")
        .sequence()
            .node(Llm.<Brief>prompt(planner, "Plan the research.", b -> b.question))
            .writeBlackboard(LlmReply.text(Brief::setPlan))
            .node(Llm.<Brief>prompt(planner, "Outline the report.", b -> b.plan))
            .writeBlackboard(LlmReply.text(Brief::setOutline))
            .gather(Brief::topics, writeSection)            // each section: its own checkpoint
            .writeBlackboard(Brief::setSections)
            .node(Llm.<Brief>prompt(editor, "Edit into one report.",
                b -> String.join("\n", b.sections)))
            .writeBlackboard(LlmReply.text(Brief::setReport))
        .end()
        .build();
  }
  // end-snippet
  // spotless:on

  static final String QUESTION = "Should we move our LLM calls to a second provider?";

  static Example.Outcome run(Session session) throws InterruptedException {
    Models models = session.models();
    Tree<Brief> tree =
        tree(models.model("crash-plan"), models.model("crash-write"), models.model("crash-edit"));
    Journal journal = session.journal();

    // attempt 1: the process "dies" once three calls are journaled
    PowerCut cut = new PowerCut(journal, CRASH_AFTER);
    RunHandle first = tree.start(new Brief(QUESTION), session.options().withJournal(cut));
    cut.onCut(first::cancel);
    first.await();
    String runId = first.traceId();
    int journaled = journal.read(runId).map(r -> r.checkpoints().size()).orElse(0);

    // attempt 2, as a fresh process would: same tree, same input, the run id from the journal
    Brief brief = new Brief(QUESTION);
    RunOptions options = session.options().withJournal(journal);
    Result result = tree.resume(runId, brief, options);
    Trace resumed = session.traces().last();
    List<Span> calls = resumed.spansOfKind("Llm");
    long replayed = calls.stream().filter(CrashedRun::replayed).count();
    String answer =
        String.format(
            "crashed after %d calls; resumed: %d replayed, %d called: %s",
            journaled, replayed, calls.size() - replayed, brief.report());
    return new Example.Outcome(result, answer, resumed.summary().traceId());
  }

  static boolean replayed(Span span) {
    var flag = span.attribute(Attributes.REPLAYED);
    return flag != null && flag.asBoolean();
  }

  /**
   * A journal that records the first {@code limit} checkpoints and then nothing more — not the
   * later checkpoints, not the run's end — as if the process died right there; it then cuts the run
   * off (on another thread, as the crash would).
   */
  static final class PowerCut implements Journal {
    private final Journal journal;
    private final int limit;
    private final AtomicInteger appended = new AtomicInteger();
    private volatile Runnable onCut = () -> {};
    private volatile boolean cut;

    PowerCut(Journal journal, int limit) {
      this.journal = journal;
      this.limit = limit;
    }

    void onCut(Runnable action) {
      onCut = action;
      if (cut) {
        action.run();
      }
    }

    @Override
    public void begin(JournalHeader header) {
      journal.begin(header);
    }

    @Override
    public void append(String runId, Checkpoint checkpoint) {
      int n = appended.incrementAndGet();
      if (n <= limit) {
        journal.append(runId, checkpoint);
      }
      if (n == limit) {
        cut = true;
        Thread.ofVirtual().start(() -> onCut.run());
      }
    }

    @Override
    public Optional<JournalRecord> read(String runId) {
      return journal.read(runId);
    }

    @Override
    public void end(String runId, String status) {
      // the dead process never records its end: the run stays resumable
    }

    @Override
    public List<String> resumable() {
      return journal.resumable();
    }

    @Override
    public void delete(String runId) {
      journal.delete(runId);
    }
  }
}
